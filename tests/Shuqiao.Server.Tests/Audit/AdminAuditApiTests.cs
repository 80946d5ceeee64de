using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Audit;

/// <summary>/api/v1/audit/admin-events(.csv) and /api/v1/insights/dashboard with personal access tokens.</summary>
public sealed class AdminAuditApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_auditor_finds_the_user_create_event_of_one_user_by_target_id_with_its_snapshot_as_json()
    {
        var org = await NewOrganizationAsync();
        var auditor = await server.ApiAsUserAsync(org, Roles.Auditor);
        var target = await server.CreateUserAsync(org, NewLogin(), ServerFactory.TestPassword, Roles.Approver);
        await server.CreateUserAsync(org, NewLogin(), ServerFactory.TestPassword, Roles.Approver);

        var page = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/admin-events?targetId={target.Id}");

        var e = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        Assert.Equal("user.create", e.GetProperty("action").GetString());
        Assert.Equal("User", e.GetProperty("targetType").GetString());
        Assert.Equal(target.Login, e.GetProperty("targetName").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("before").ValueKind);
        var after = e.GetProperty("after");
        Assert.Equal(JsonValueKind.Object, after.ValueKind);
        Assert.Contains(after.EnumerateObject(), p => p.Value.ToString() == target.Login);
        Assert.DoesNotContain("password", after.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Paging_with_limit_2_walks_five_events_in_three_pages_newest_first_without_repeats()
    {
        var org = await NewOrganizationAsync();
        var auditor = await server.ApiAsUserAsync(org, Roles.Auditor);
        var actor = new Actor(ActorKind.System, null, "api-paging-" + Guid.NewGuid().ToString("N")[..8], null);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreateUserAsAsync(actor, org)).ToString());
        }

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await auditor.GetFromJsonAsync<JsonElement>(
                $"/api/v1/audit/admin-events?actorName={actor.Name}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(e => e.GetProperty("targetId").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(created.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task Unreadable_filters_are_a_400_with_a_reason_for_each_field()
    {
        var auditor = await server.ApiAsUserAsync(await NewOrganizationAsync(), Roles.Auditor);

        var response = await auditor.GetAsync("/api/v1/audit/admin-events?actorId=x&from=soon&limit=0");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["actorId", "from", "limit"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_data_steward_is_refused_with_403_and_a_caller_without_credential_with_401()
    {
        var steward = await server.ApiAsUserAsync(await NewOrganizationAsync(), Roles.DataSteward);
        var anonymous = server.CreateClient();

        await (await steward.GetAsync("/api/v1/audit/admin-events")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await steward.GetAsync("/api/v1/audit/admin-events.csv")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var refused = await anonymous.GetAsync("/api/v1/audit/admin-events");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_console_session_cookie_alone_is_a_401()
    {
        var org = await NewOrganizationAsync();
        var auditor = await server.CreateUserAsync(org, NewLogin(), ServerFactory.TestPassword, Roles.Auditor);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, auditor.Login, ServerFactory.TestPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/audit")).StatusCode);

        await (await browser.GetAsync("/api/v1/audit/admin-events")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_csv_export_is_an_attachment_with_a_bom_and_is_recorded_as_an_audit_export_event()
    {
        var org = await NewOrganizationAsync();
        var auditorUser = await server.CreateUserAsync(org, NewLogin(), ServerFactory.TestPassword, Roles.Auditor);
        var auditor = server.ClientWith("Bearer", await server.CreateTokenAsync(auditorUser));
        var target = await server.CreateUserAsync(org, NewLogin(), ServerFactory.TestPassword, Roles.CaseOfficer);

        var response = await auditor.GetAsync($"/api/v1/audit/admin-events.csv?targetId={target.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Matches(@"^admin-audit-\d{8}T\d{6}Z\.csv$", disposition?.FileNameStar ?? disposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($",user.create,User,{target.Id},{target.Login},", Assert.Single(lines[1..]), StringComparison.Ordinal);

        var exports = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/admin-events?action=audit.export&actorId={auditorUser.Id}");
        var export = Assert.Single(exports.GetProperty("items").EnumerateArray());
        Assert.Contains(target.Id.ToString(), export.GetProperty("after").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_figures_are_for_platform_admins_and_auditors_only()
    {
        var org = await NewOrganizationAsync();
        var admin = await server.ApiAsUserAsync(org, Roles.PlatformAdmin);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var response = await admin.GetAsync("/api/v1/insights/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dashboard = await response.JsonAsync();
        Assert.True(dashboard.GetProperty("organizations").GetInt64() >= 1);
        Assert.True(dashboard.GetProperty("activeUsers").GetInt64() >= 2);
        Assert.Equal(5, dashboard.GetProperty("organizationsByLevel").GetArrayLength());
        await (await steward.GetAsync("/api/v1/insights/dashboard")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private Task<Guid> NewOrganizationAsync() => TestData.InsertOrganizationAsync(server.ConnectionString, "审计接口测试局");

    private async Task<Guid> CreateUserAsAsync(Actor actor, Guid org) => await server.WithScopeAsync(async sp =>
    {
        var outcome = await sp.GetRequiredService<UserService>().CreateAsync(
            new CreateUserRequest(NewLogin(), "分页用户", org, [Roles.Approver], ServerFactory.TestPassword), actor, isDemo: false, CancellationToken.None);
        return outcome.Value!.Id;
    });

    private static string NewLogin() => "aa" + Guid.NewGuid().ToString("N")[..10];
}
