using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Audit;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Audit;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Audit;

public sealed class AdminAuditSearchTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task Filtering_by_target_id_finds_the_user_create_event_of_that_user_only()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "审计测试局");
        var first = await server.CreateUserAsync(org, NewLogin(), Password, Roles.DataSteward);
        await server.CreateUserAsync(org, NewLogin(), Password, Roles.DataSteward);

        var page = await SearchAsync(new AdminAuditFilter(TargetId: first.Id.ToString()));

        var e = Assert.Single(page.Items);
        Assert.Equal("user.create", e.Action);
        Assert.Equal("User", e.TargetType);
        Assert.Equal(first.Login, e.TargetName);
        Assert.Null(page.NextCursor);
        Assert.DoesNotContain("password", e.After!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Paging_walks_all_matches_newest_first_without_repeats()
    {
        var actor = new Actor(ActorKind.System, null, "paging-" + Guid.NewGuid().ToString("N")[..8], null);
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "分页测试局");
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateUserAsAsync(actor, org));
        }

        var seen = new List<AdminAuditEvent>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await SearchAsync(new AdminAuditFilter(Action: "user.create", ActorName: actor.Name, Cursor: cursor, Limit: 2));
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(created.AsEnumerable().Reverse().Select(id => id.ToString()), seen.Select(e => e.TargetId));
        Assert.Equal(seen.OrderByDescending(e => e.Time).ThenByDescending(e => e.Id), seen);
    }

    [Fact]
    public async Task Time_filters_include_from_and_exclude_to()
    {
        var actor = new Actor(ActorKind.System, null, "window-" + Guid.NewGuid().ToString("N")[..8], null);
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "时间测试局");
        await CreateUserAsAsync(actor, org);
        var all = await SearchAsync(new AdminAuditFilter(ActorName: actor.Name));
        var time = Assert.Single(all.Items).Time;

        var inclusive = await SearchAsync(new AdminAuditFilter(ActorName: actor.Name, From: time.ToString("O")));
        var exclusive = await SearchAsync(new AdminAuditFilter(ActorName: actor.Name, To: time.ToString("O")));

        Assert.Single(inclusive.Items);
        Assert.Empty(exclusive.Items);
    }

    [Fact]
    public void Unreadable_filters_are_refused_with_a_reason_per_field()
    {
        var outcome = new AdminAuditFilter(ActorId: "not-a-uuid", From: "yesterday", To: "2025-01-01T00:00:00Z", Cursor: "%%%", Limit: 0)
            .ToQuery(TimeZoneInfo.Utc);

        Assert.False(outcome.Succeeded);
        Assert.Equal(["actorId", "cursor", "from", "limit"], outcome.Failure!.Errors!.Keys.Order());
    }

    [Fact]
    public void A_time_without_offset_is_read_in_the_given_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        var query = new AdminAuditFilter(From: "2025-03-01T08:00", To: "2025-03-01T09:00:00Z").ToQuery(shanghai).Value!;

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), query.To);
    }

    [Fact]
    public async Task The_CSV_export_streams_matching_events_with_a_BOM_and_is_itself_audited()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "导出测试局");
        var target = await server.CreateUserAsync(org, NewLogin(), Password, Roles.Approver);
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Auditor);

        var response = await browser.GetAsync($"/console/audit?handler=Export&targetId={target.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("time_utc,time_local,id,actor_kind,", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines[1..]);
        Assert.Contains($",user.create,User,{target.Id},{target.Login},", row, StringComparison.Ordinal);

        var exports = await SearchAsync(new AdminAuditFilter(Action: "audit.export"));
        Assert.Contains(exports.Items, e => e.After!.Contains(target.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void CSV_cells_that_a_spreadsheet_would_run_as_formulas_are_disarmed()
    {
        var e = new AdminAuditEvent(Guid.NewGuid(), DateTimeOffset.UnixEpoch, ActorKind.User, null, "=HYPERLINK(\"x\")", null, "user.update", "User", "1", "a,b", null, null, null, null);

        var row = AdminAuditService.CsvRow(e, "1970-01-01 08:00:00");

        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\")\",", row, StringComparison.Ordinal);
        Assert.Contains(",\"a,b\",", row, StringComparison.Ordinal);
    }

    private async Task<Guid> CreateUserAsAsync(Actor actor, Guid org) => await server.WithScopeAsync(async sp =>
    {
        var outcome = await sp.GetRequiredService<UserService>().CreateAsync(
            new CreateUserRequest(NewLogin(), "分页用户", org, [Roles.Approver], Password), actor, isDemo: false, CancellationToken.None);
        return outcome.Value!.Id;
    });

    private Task<Shuqiao.Server.Platform.Page<AdminAuditEvent>> SearchAsync(AdminAuditFilter filter) => server.WithScopeAsync(sp =>
        sp.GetRequiredService<AdminAuditService>().SearchAsync(filter.ToQuery(TimeZoneInfo.Utc).Value ?? throw new InvalidOperationException("invalid filter"), CancellationToken.None));

    private static string NewLogin() => "a" + Guid.NewGuid().ToString("N")[..10];
}
