using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed class ApiClientManagementTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_data_steward_creates_a_client_for_its_organization_and_gets_the_key_once()
    {
        var org = await NewOrganizationAsync();
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var created = await steward.PostAsJsonAsync("/api/v1/clients", new { name = "社保系统", description = "人社局社保核验", rateLimitPerMinute = 120 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var client = body.GetProperty("client");
        Assert.Equal(org, client.GetProperty("organizationId").GetGuid());
        Assert.Equal(120, client.GetProperty("rateLimitPerMinute").GetInt32());
        Assert.Equal(key.Split('.')[0], client.GetProperty("keyId").GetString());
        Assert.Equal($"/api/v1/clients/{client.GetProperty("id").GetGuid()}", created.Headers.Location?.OriginalString);

        var again = await steward.GetStringAsync(created.Headers.Location!.OriginalString);
        var list = await steward.GetStringAsync("/api/v1/clients");
        Assert.DoesNotContain(key.Split('.')[1], again, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Split('.')[1], list, StringComparison.Ordinal);
        Assert.Contains(client.GetProperty("id").GetGuid().ToString(), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_steward_cannot_see_or_manage_another_organizations_clients()
    {
        var mine = await NewOrganizationAsync();
        var theirs = await NewOrganizationAsync();
        var (_, theirClientId, theirKey) = await server.ApiAsClientAsync(theirs);
        var steward = await server.ApiAsUserAsync(mine, Roles.DataSteward);

        Assert.Equal(HttpStatusCode.NotFound, (await steward.GetAsync($"/api/v1/clients/{theirClientId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.PutAsJsonAsync($"/api/v1/clients/{theirClientId}", new { name = "x", rateLimitPerMinute = 5, version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.PostAsync($"/api/v1/clients/{theirClientId}/rotate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.PostAsync($"/api/v1/clients/{theirClientId}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.PostAsync($"/api/v1/clients/{theirClientId}/activate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.DeleteAsync($"/api/v1/clients/{theirClientId}")).StatusCode);
        var filtered = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients?organizationId={theirs}");
        Assert.Equal(0, filtered.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(theirClientId.ToString(), await steward.GetStringAsync("/api/v1/clients"), StringComparison.Ordinal);

        var foreign = await steward.PostAsJsonAsync("/api/v1/clients", new { name = "hijack", organizationId = theirs });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.True((await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("organizationId", out _));

        // Nothing they tried changed the other organization's client.
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(AuthSchemes.ApiKey, theirKey).GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task A_platform_admin_manages_clients_of_any_organization_and_filters_by_organization()
    {
        var org = await NewOrganizationAsync();
        var admin = await server.ApiAsUserAsync(await NewOrganizationAsync(), Roles.PlatformAdmin);

        var created = await admin.PostAsJsonAsync("/api/v1/clients", new { name = "公积金系统", organizationId = org });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client").GetProperty("id").GetGuid();

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/clients?organizationId={org}");
        Assert.Equal([id], page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/clients/{id}/suspend", null)).StatusCode);
    }

    [Fact]
    public async Task Lists_are_paged_with_a_cursor()
    {
        var org = await NewOrganizationAsync();
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await server.ApiAsClientAsync(org)).clientId);
        }

        var first = await steward.GetFromJsonAsync<JsonElement>("/api/v1/clients?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients?limit=2&cursor={cursor}");

        var seen = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Invalid_settings_a_taken_name_and_a_stale_version_are_refused_with_reasons()
    {
        var org = await NewOrganizationAsync();
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var (_, id, _) = await server.ApiAsClientAsync(new Server.Identity.Clients.CreateClientRequest("taken", org));
        var (_, otherId, _) = await server.ApiAsClientAsync(org);

        var invalid = await steward.PostAsJsonAsync("/api/v1/clients", new { name = "", rateLimitPerMinute = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("rateLimitPerMinute", out _));

        Assert.Equal(HttpStatusCode.Conflict, (await steward.PostAsJsonAsync("/api/v1/clients", new { name = "TAKEN" })).StatusCode);

        var other = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{otherId}");
        var rename = new { name = "taken", description = (string?)null, ipAllowList = Array.Empty<string>(), rateLimitPerMinute = 10, version = other.GetProperty("version").GetInt32() };
        Assert.Equal(HttpStatusCode.Conflict, (await steward.PutAsJsonAsync($"/api/v1/clients/{otherId}", rename)).StatusCode);

        var stale = new { name = "renamed", description = (string?)null, ipAllowList = Array.Empty<string>(), rateLimitPerMinute = 10, version = 99 };
        var conflict = await steward.PutAsJsonAsync($"/api/v1/clients/{id}", stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.True((await conflict.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("version", out _));
    }

    [Fact]
    public async Task Using_a_key_records_when_the_client_was_last_used()
    {
        var org = await NewOrganizationAsync();
        var (api, id, _) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        Assert.Equal(JsonValueKind.Null, (await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}")).GetProperty("lastUsedAt").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);

        var client = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}");
        Assert.Equal(JsonValueKind.String, client.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task Every_change_is_audited_in_the_admin_log_without_secrets_or_hashes()
    {
        var org = await NewOrganizationAsync();
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var created = await (await steward.PostAsJsonAsync("/api/v1/clients", new { name = "审计系统", ipAllowList = new[] { "10.0.0.0/8" } })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("client").GetProperty("id").GetGuid();
        var keys = new List<string> { created.GetProperty("key").GetString()! };
        var client = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}");
        await steward.PutAsJsonAsync($"/api/v1/clients/{id}", new { name = "审计系统", description = "改", ipAllowList = new[] { "10.0.0.0/8" }, rateLimitPerMinute = 60, version = client.GetProperty("version").GetInt32() });
        keys.Add((await (await steward.PostAsJsonAsync($"/api/v1/clients/{id}/rotate", new { graceMinutes = 5 })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);
        await steward.PostAsync($"/api/v1/clients/{id}/suspend", null);
        await steward.PostAsync($"/api/v1/clients/{id}/activate", null);
        await steward.DeleteAsync($"/api/v1/clients/{id}");
        var token = await (await steward.PostAsJsonAsync("/api/v1/tokens", new { name = "audited" })).Content.ReadFromJsonAsync<JsonElement>();
        var tokenId = token.GetProperty("details").GetProperty("id").GetGuid();
        keys.Add(token.GetProperty("token").GetString()!);
        await steward.DeleteAsync($"/api/v1/tokens/{tokenId}");

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var rows = (await connection.QueryAsync<(string Action, string? Before, string? After, string ActorKind, Guid? ActorId)>(
            """
            select action, before::text, after::text, actor_kind, actor_id from admin_audit_events
            where target_id = any(@Targets) order by time, id
            """,
            new { Targets = new[] { id.ToString(), tokenId.ToString() } })).ToList();

        Assert.Equal(
            ["client.create", "client.update", "client.rotate", "client.suspend", "client.activate", "client.delete", "token.create", "token.revoke"],
            rows.Select(r => r.Action).ToArray());
        Assert.All(rows, r => Assert.Equal("User", r.ActorKind));
        Assert.All(rows, r => Assert.NotNull(r.ActorId));
        var text = string.Join("\n", rows.Select(r => r.Before + r.After));
        foreach (var key in keys)
        {
            var secret = key.Split('.')[1];
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(hash), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(hash), text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("10.0.0.0/8", text, StringComparison.Ordinal); // the snapshots do carry the settings
    }

    private Task<Guid> NewOrganizationAsync() => TestData.InsertOrganizationAsync(server.ConnectionString, "应用管理测试局");
}
