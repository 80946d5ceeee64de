using System.Net;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Audit;

public sealed class AuditPageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_auditor_sees_the_events_of_a_target_in_Beijing_time()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "审计页面局");
        var target = await server.CreateUserAsync(org, "t" + Guid.NewGuid().ToString("N")[..10], ConsolePages.Password, Roles.Approver);
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Auditor);

        var response = await browser.GetAsync($"/console/audit?targetId={target.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("操作审计", html, StringComparison.Ordinal);
        Assert.Contains("user.create", html, StringComparison.Ordinal);
        Assert.Contains(target.Login, html, StringComparison.Ordinal);
        Assert.Contains("UTC+08:00", html, StringComparison.Ordinal);
        // The details toggle lists the fields of the new user (a create has no "before").
        Assert.Contains("<details>", html, StringComparison.Ordinal);
        Assert.Contains("<code>roles</code>", html, StringComparison.Ordinal);
        Assert.Contains("<ins>Approver</ins>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_more_returns_the_next_rows_and_a_new_load_more_row_until_the_end()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "加载更多局");
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.PlatformAdmin);
        var logins = new List<string>();
        for (var i = 0; i < 52; i++)
        {
            logins.Add((await server.CreateUserAsync(org, "m" + Guid.NewGuid().ToString("N")[..10], ConsolePages.Password, Roles.Citizen)).Login);
        }

        // 52 user.create events of users named m…: the first page shows 50 and a "load more" link.
        var first = await browser.GetStringAsync("/console/audit?action=user.create");
        var more = System.Text.RegularExpressions.Regex.Match(first, "hx-get=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        Assert.StartsWith("/console/audit?handler=Rows&action=user.create&cursor=", more, StringComparison.Ordinal);

        var rows = await browser.GetAsync(more);

        Assert.Equal(HttpStatusCode.OK, rows.StatusCode);
        var partial = await rows.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", partial, StringComparison.Ordinal);
        Assert.StartsWith("<tr>", partial.TrimStart(), StringComparison.Ordinal);
        Assert.Contains(logins[0], partial, StringComparison.Ordinal); // the oldest of ours is beyond the first 50
        Assert.DoesNotContain(logins[^1], partial, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_steward_is_sent_to_the_access_denied_page()
    {
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.DataSteward);

        var response = await browser.GetAsync("/console/audit");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/denied", response.Headers.Location?.AbsolutePath ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var export = await browser.GetAsync("/console/audit?handler=Export");
        Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
    }

    [Fact]
    public async Task An_unreadable_filter_is_shown_as_an_alert_instead_of_results()
    {
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Auditor);

        var response = await browser.GetAsync("/console/audit?actorId=nobody&from=soon");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("操作人标识", html, StringComparison.Ordinal);
    }
}
