using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Insights;

public sealed partial class DashboardTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task The_dashboard_shows_charts_with_text_alternatives_and_polls_its_figures()
    {
        var html = await ConsolePages.SignedInAsAsync(server, Roles.Auditor, "/console");

        Assert.Contains("hx-trigger=\"every 10s\"", html, StringComparison.Ordinal);
        Assert.Contains("/lib/echarts/echarts.min.js", html, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-changes\" class=\"dash-chart\" role=\"img\" aria-describedby=\"table-changes-caption\"", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"visually-hidden\" id=\"table-levels\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_outside_the_data_bureau_get_a_start_page_instead_of_node_wide_figures()
    {
        var html = await ConsolePages.SignedInAsAsync(server, Roles.DataSteward, "/console");
        Assert.Contains("id=\"start-title\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hx-trigger=\"every 10s\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"chart-changes\"", html, StringComparison.Ordinal);

        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Citizen);
        var figures = await browser.GetAsync("/console?handler=Stats");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, figures.StatusCode);
    }

    [Fact]
    public async Task The_figures_partial_counts_new_organizations_users_and_admin_changes()
    {
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.PlatformAdmin);
        var before = await ReadFiguresAsync(browser);

        var village = await TestData.InsertOrganizationAsync(server.ConnectionString, "测试村", OrganizationLevel.Village);
        await server.CreateUserAsync(village, "d" + Guid.NewGuid().ToString("N")[..10], ConsolePages.Password, Roles.CaseOfficer);
        var after = await ReadFiguresAsync(browser);

        Assert.Equal(Stat(before, "organizations") + 1, Stat(after, "organizations"));
        Assert.Equal(Stat(before, "active-users") + 1, Stat(after, "active-users"));
        Assert.Equal(Stat(before, "changes-24h") + 1, Stat(after, "changes-24h")); // user.create; sign-ins are not changes
        Assert.Equal(Level(before, 4) + 1, Level(after, 4));
    }

    private static async Task<string> ReadFiguresAsync(HttpClient browser)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console?handler=Stats");
        request.Headers.Add("HX-Request", "true");
        var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        return html;
    }

    private static long Stat(string html, string name)
    {
        var match = Regex.Match(html, $"data-stat=\"{name}\">([0-9,]+)<");
        Assert.True(match.Success, $"no figure {name}");
        return long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The organizations-by-level series of the chart data (index 4 = Village).</summary>
    private static long Level(string html, int index)
    {
        var json = ChartData().Match(html).Groups[1].Value;
        using var data = JsonDocument.Parse(json);
        return data.RootElement.GetProperty("levels")[index].GetInt64();
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"dash-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ChartData();
}
