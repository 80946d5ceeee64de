using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed class AccessTokenTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_user_creates_a_token_uses_it_sees_it_listed_without_its_secret_and_revokes_it()
    {
        var (user, api) = await NewUserAsync(Roles.DataSteward);

        var created = await api.PostAsJsonAsync("/api/v1/tokens", new { name = "ci-pipeline", expiresInDays = 7 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var credential = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("details").GetProperty("id").GetGuid();
        Assert.StartsWith("sqp_", credential, StringComparison.Ordinal);
        var token = server.ClientWith(AuthSchemes.Bearer, credential);
        var me = await token.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());

        var list = await api.GetStringAsync("/api/v1/tokens");
        Assert.Contains(id.ToString(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Split('.')[1], list, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await token.GetAsync("/api/v1/users/me"), "revoked", "Bearer");
        Assert.Equal("Revoked", (await api.GetFromJsonAsync<JsonElement>("/api/v1/tokens")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("id").GetGuid() == id).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Wrong_secret_unknown_token_and_malformed_header_are_refused_with_different_reasons()
    {
        var (user, _) = await NewUserAsync(Roles.DataSteward);
        var credential = await server.CreateTokenAsync(user);

        await ApiKeyAuthenticationTests.AssertRefusedAsync(
            await server.ClientWith(AuthSchemes.Bearer, credential.Split('.')[0] + ".guess").GetAsync("/api/v1/users/me"), "secret is wrong", "Bearer");
        await ApiKeyAuthenticationTests.AssertRefusedAsync(
            await server.ClientWith(AuthSchemes.Bearer, SecretCredential.Create("sqp_").ToString()).GetAsync("/api/v1/users/me"), "not known", "Bearer");
        await ApiKeyAuthenticationTests.AssertRefusedAsync(
            await server.ClientWith(AuthSchemes.Bearer, "eyJhbGciOiJIUzI1NiJ9").GetAsync("/api/v1/users/me"), "must be 'Bearer <tokenId>.<secret>'", "Bearer");
    }

    [Fact]
    public async Task A_token_carries_only_the_roles_it_was_given()
    {
        var (user, _) = await NewUserAsync(Roles.DataSteward, Roles.Auditor);
        var auditor = server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user, Roles.Auditor));
        var steward = server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user, Roles.DataSteward));

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await steward.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await steward.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task Taking_a_role_from_a_user_takes_it_from_their_tokens_on_the_next_request()
    {
        var (user, _) = await NewUserAsync(Roles.DataSteward, Roles.Auditor);
        var token = server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/users")).StatusCode);

        await UpdateUserAsync(user, [Roles.DataSteward], UserStatus.Active);

        Assert.Equal(HttpStatusCode.Forbidden, (await token.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_tokens_are_refused()
    {
        var (user, _) = await NewUserAsync(Roles.DataSteward);
        var token = server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/users/me")).StatusCode);

        await UpdateUserAsync(user, user.Roles, UserStatus.Disabled);

        await ApiKeyAuthenticationTests.AssertRefusedAsync(await token.GetAsync("/api/v1/users/me"), "user is disabled", "Bearer");
    }

    [Fact]
    public async Task A_token_cannot_carry_a_role_its_user_does_not_hold()
    {
        var (_, api) = await NewUserAsync(Roles.DataSteward);

        var response = await api.PostAsJsonAsync("/api/v1/tokens", new { name = "escalate", roles = new[] { Roles.PlatformAdmin } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("PlatformAdmin", errors.GetProperty("roles")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_can_mint_a_narrower_shorter_lived_token_but_nothing_more()
    {
        var (user, _) = await NewUserAsync(Roles.DataSteward, Roles.Auditor);
        var parent = server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user, Roles.Auditor)); // 30 days

        var wider = await parent.PostAsJsonAsync("/api/v1/tokens", new { name = "wider", roles = new[] { Roles.DataSteward } });
        var longer = await parent.PostAsJsonAsync("/api/v1/tokens", new { name = "longer", expiresInDays = 60 });
        var child = await parent.PostAsJsonAsync("/api/v1/tokens", new { name = "child" });

        Assert.Equal(HttpStatusCode.BadRequest, wider.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longer.StatusCode);
        Assert.True((await longer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("expiresInDays", out _));
        Assert.Equal(HttpStatusCode.Created, child.StatusCode);
        var details = (await child.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("details");
        Assert.Equal(new[] { Roles.Auditor }, details.GetProperty("roles").EnumerateArray().Select(r => r.GetString() ?? "").ToArray());
    }

    [Fact]
    public async Task A_lifetime_beyond_the_configured_maximum_is_refused()
    {
        var (_, api) = await NewUserAsync(Roles.DataSteward);
        var response = await api.PostAsJsonAsync("/api/v1/tokens", new { name = "forever", expiresInDays = 366 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_user_neither_sees_nor_revokes_someone_elses_tokens()
    {
        var (_, alice) = await NewUserAsync(Roles.DataSteward);
        var (_, bob) = await NewUserAsync(Roles.DataSteward);
        var created = await alice.PostAsJsonAsync("/api/v1/tokens", new { name = "alice-only" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("details").GetProperty("id").GetGuid();

        Assert.DoesNotContain(id.ToString(), await bob.GetStringAsync("/api/v1/tokens"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.Contains(id.ToString(), await alice.GetStringAsync("/api/v1/tokens"), StringComparison.Ordinal);
    }

    private async Task<(User User, HttpClient Api)> NewUserAsync(params string[] roles)
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "令牌测试局");
        var user = await server.CreateUserAsync(org, "tok-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, roles);
        return (user, server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(user)));
    }

    private Task<bool> UpdateUserAsync(User user, IReadOnlyList<string> roles, UserStatus status) =>
        server.WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<UserService>().UpdateAsync(
                user.Id, new UpdateUserRequest(user.DisplayName, user.OrganizationId, roles, status, user.Version), Actor.System("tests"), CancellationToken.None);
            Assert.True(outcome.Succeeded, outcome.Failure?.ToString());
            return true;
        });
}
