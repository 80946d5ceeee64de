using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Exchange;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Storage.Exchange;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>Auditors find and export access events; providers see who used their data and why; anomalies are flagged.</summary>
public sealed class AccessAuditTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task An_auditor_finds_the_events_of_an_end_user_by_outcome_and_exports_them_without_query_values()
    {
        var world = await CreateAsync(server);
        var user = "case-" + Guid.NewGuid().ToString("N")[..8];
        await world.SendAsync(world.Get(Zhang.IdNumber, user: user));
        await world.SendAsync(world.Query(new { fields = new[] { "age" }, filter = new { field = "district", eq = "鼓楼区" } }, user: user));
        await world.SendAsync(world.Get(Li.IdNumber, purpose: "别的目的", user: user));
        var authority = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市数据局", dataAuthority: true);
        var auditor = await server.ApiAsUserAsync(authority, Roles.Auditor);

        var all = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}");
        var denied = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}&outcome=Denied&resource={world.Slug}&organizationId={world.Consumer}");
        var firstPage = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}&limit=2");
        var secondPage = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}&limit=2&cursor={firstPage.GetProperty("nextCursor").GetString()}");
        var csv = await auditor.GetStringAsync($"/api/v1/audit/events.csv?user={user}");
        var bad = await auditor.GetAsync("/api/v1/audit/events?outcome=Maybe");

        Assert.Equal(3, all.GetProperty("items").GetArrayLength());
        var refusal = Assert.Single(denied.GetProperty("items").EnumerateArray());
        Assert.Equal("PurposeMismatch", refusal.GetProperty("reason").GetString());
        Assert.Equal("别的目的", refusal.GetProperty("purpose").GetString());
        Assert.Equal(world.ClientId, refusal.GetProperty("clientId").GetGuid());
        var query = all.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("operation").GetString() == "Query");
        Assert.Equal("fields=age filter=eq(district)", query.GetProperty("shape").GetString());
        Assert.Equal(2, firstPage.GetProperty("items").GetArrayLength());
        Assert.Single(secondPage.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, secondPage.GetProperty("nextCursor").ValueKind);
        Assert.Equal(4, csv.Trim().Split("\r\n").Length); // header + 3
        Assert.DoesNotContain("鼓楼区", csv, StringComparison.Ordinal); // a filter value never reaches the audit
        Assert.DoesNotContain(Zhang.IdNumber, csv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // The export is itself audited, with its filters.
        var exports = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/admin-events?action={AccessAuditService.ExportAction}&limit=500");
        Assert.Single(exports.GetProperty("items").EnumerateArray(), e => e.GetProperty("after").GetRawText().Contains(user, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_auditor_finds_who_read_records_about_a_person_by_a_digest_the_audit_keeps_instead_of_the_number()
    {
        var world = await CreateAsync(server);
        var user = "subject-" + Guid.NewGuid().ToString("N")[..8];
        await world.SendAsync(world.Get(Zhang.IdNumber, user: user));
        await world.SendAsync(world.Query(new { fields = new[] { "age" }, filter = new { field = "district", eq = "台江区" } }, user: user)); // returns Li
        await world.SendAsync(world.Get(Wang.IdNumber, user: user)); // outside the grant's rows: looked up, not found
        await world.SendAsync(world.Get(Li.IdNumber, purpose: "别的目的", user: user)); // refused: nothing read
        var authority = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市数据局", dataAuthority: true);
        var auditorUser = await server.CreateUserAsync(authority, "aud-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.Auditor);
        var auditor = server.ClientWith("Bearer", await server.CreateTokenAsync(auditorUser));

        // The identifier goes in a request body for its digest; only the digest travels in search addresses.
        async Task<string> DigestAsync(string identifier)
        {
            var answer = await auditor.PostAsJsonAsync("/api/v1/audit/subjects", new { identifier });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subjectDigest").GetString()!;
        }

        async Task<List<JsonElement>> AboutAsync(string identifier) =>
            (await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}&subjectDigest={await DigestAsync(identifier)}"))
                .GetProperty("items").EnumerateArray().ToList();

        var zhang = await AboutAsync(" " + Zhang.IdNumber.ToLowerInvariant() + " ");
        var li = await AboutAsync(Li.IdNumber);
        var wang = await AboutAsync(Wang.IdNumber);
        var nobody = await AboutAsync("110101199001011237");
        var tooLong = await auditor.PostAsJsonAsync("/api/v1/audit/subjects", new { identifier = new string('1', 200) });
        var missing = await auditor.PostAsJsonAsync("/api/v1/audit/subjects", new { identifier = " " });
        var notADigest = await auditor.GetAsync($"/api/v1/audit/events?subjectDigest={Li.IdNumber}");

        Assert.Equal("Record", Assert.Single(zhang).GetProperty("operation").GetString());
        var query = Assert.Single(li);
        Assert.Equal("Query", query.GetProperty("operation").GetString());
        Assert.Equal("Allowed", query.GetProperty("outcome").GetString());
        Assert.Equal(0, Assert.Single(wang).GetProperty("rowsReturned").GetInt32());
        Assert.Empty(nobody);
        Assert.Equal("identifier", await ProblemFieldAsync(tooLong));
        Assert.Equal("identifier", await ProblemFieldAsync(missing));
        Assert.Equal("subjectDigest", await ProblemFieldAsync(notADigest));

        // Each look-up is in the admin audit: who asked about which person, by digest only.
        var lookups = (await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/admin-events?action={AccessAuditService.SubjectLookupAction}&actorId={auditorUser.Id}"))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, lookups.Count); // 张三, 李四, 王五, nobody; the refused requests looked nothing up
        Assert.Contains(await DigestAsync(Li.IdNumber), lookups.Select(l => l.GetProperty("targetId").GetString()));
        Assert.All(lookups, l => Assert.DoesNotContain(Li.IdNumber[..10], l.GetRawText(), StringComparison.Ordinal));

        // What the table keeps: one digest per person read, neither the number nor its plain hash; none for the refusal.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var kept = (await connection.QueryAsync<(string Outcome, string[]? Subjects)>(
            "select outcome, subjects from access_events where end_user = @U order by time", new { U = user })).ToList();
        Assert.Equal(4, kept.Count);
        Assert.Null(kept.Single(k => k.Outcome == "Denied").Subjects);
        var digests = kept.Where(k => k.Subjects is not null).SelectMany(k => k.Subjects!).ToList();
        Assert.Equal(3, digests.Distinct().Count());
        var plain = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Li.IdNumber)));
        Assert.All(digests, d =>
        {
            Assert.DoesNotContain(Li.IdNumber[..6], d, StringComparison.Ordinal);
            Assert.False(plain.StartsWith(d.Replace('-', '+').Replace('_', '/'), StringComparison.Ordinal));
        });

        // The console's filter form is posted and redirected to an address holding the digest, never the number.
        var browser = new ConsoleBrowser(await BrowserAsync(authority, Roles.Auditor));
        async Task<(Uri Location, string Page)> ConsoleSearchAsync(string identifier, string? handler = null)
        {
            var posted = await browser.PostFormAsync("/console/audit/access", "/console/audit/access" + (handler is null ? "" : "?handler=" + handler),
                [new("user", user), new("subject", identifier)]);
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            var location = posted.Headers.Location!;
            return (location, await browser.GetStringAsync(location.ToString()));
        }

        Assert.Contains("name=\"__RequestVerificationToken\"", await browser.GetStringAsync("/console/audit/access"), StringComparison.Ordinal); // the form's own token
        var (liAddress, page) = await ConsoleSearchAsync(Li.IdNumber);
        var (_, otherPage) = await ConsoleSearchAsync(Zhang.IdNumber);
        var (exportAddress, csv) = await ConsoleSearchAsync(Li.IdNumber, "Export");
        Assert.Contains("subjectDigest=" + await DigestAsync(Li.IdNumber), liAddress.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Li.IdNumber, liAddress.ToString(), StringComparison.Ordinal);
        Assert.Contains("fields=age filter=eq(district)", page, StringComparison.Ordinal);
        Assert.Contains("f-subject-active", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Li.IdNumber, page, StringComparison.Ordinal);
        Assert.DoesNotContain("fields=age filter=eq(district)", otherPage, StringComparison.Ordinal);
        Assert.DoesNotContain(Li.IdNumber, exportAddress.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, csv.Trim().Split("\r\n").Length); // header + the query that returned 李四

        var refused = await browser.PostFormAsync("/console/audit/access", "/console/audit/access", [new("subject", new string('1', 200))]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is-invalid", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string?> ProblemFieldAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").EnumerateObject().Single().Name;
    }

    [Fact]
    public async Task The_provider_sees_who_used_its_resource_and_why_and_another_organization_gets_404()
    {
        var world = await CreateAsync(server);
        await world.SendAsync(world.Get(Zhang.IdNumber));
        await world.SendAsync(world.Get(Li.IdNumber));
        var provider = await BrowserAsync(world.Provider, Roles.DataSteward);
        var stranger = await BrowserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市文旅局"), Roles.DataSteward);

        var usage = await provider.GetAsync($"/console/catalog/{world.Slug}/usage");
        var page = await usage.Content.ReadAsStringAsync();
        var details = await (await provider.GetAsync($"/console/catalog/{world.Slug}")).Content.ReadAsStringAsync();
        var refused = await stranger.GetAsync($"/console/catalog/{world.Slug}/usage");

        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.Contains("示范市民政局", page, StringComparison.Ordinal);
        Assert.Contains(Purpose, page, StringComparison.Ordinal);
        Assert.Contains("resource-usage-counts", details, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task Repeated_denials_are_flagged_and_shown_to_auditors_on_the_access_page()
    {
        var world = await CreateAsync(server);
        var user = "flag-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            await world.SendAsync(world.Get(Zhang.IdNumber, purpose: "别的目的", user: user));
        }

        var store = server.Services.GetRequiredService<AccessAnomalyStore>();
        await store.DetectAsync(ExchangeService.Today(DateTimeOffset.UtcNow), new AnomalyThresholds(5, 1000, 1000, 3), CancellationToken.None);
        var auditor = await BrowserAsync(world.Consumer, Roles.Auditor);
        var page = await (await auditor.GetAsync($"/console/audit/access?user={user}")).Content.ReadAsStringAsync();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var flagged = await connection.ExecuteScalarAsync<long>(
            "select observed from access_anomalies where kind = 'RepeatedDenials' and client_id = @C", new { C = world.ClientId });

        Assert.Equal(3, flagged);
        Assert.Contains("anomalies-table", page, StringComparison.Ordinal);
        Assert.Contains("别的目的", page, StringComparison.Ordinal);
        Assert.Contains("使用目的与授权不符", page, StringComparison.Ordinal); // the denial reason, translated
    }

    private async Task<HttpClient> BrowserAsync(Guid organization, string role)
    {
        var user = await server.CreateUserAsync(organization, "ex-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, role);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword)).StatusCode);
        return browser;
    }
}
