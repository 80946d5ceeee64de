using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Sharing.SharingWorld;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>The console flow: request from the catalog page, approve with a masking lift that must be ticked, see it highlighted.</summary>
public sealed partial class SharingPageTests(SharingServer server) : IClassFixture<SharingServer>
{
    [Fact]
    public async Task A_steward_requests_from_the_catalog_and_an_approver_lifts_masking_only_when_ticked_which_the_pages_highlight()
    {
        var world = await CreateAsync(server);
        var slug = world.Code.Replace('/', '-');
        var steward = await BrowserAsync(world.Consumer, Roles.DataSteward);
        Assert.Contains("/console/sharing/new?resource=" + slug, await steward.GetStringAsync($"/console/catalog/{slug}"), StringComparison.Ordinal);

        var form = await steward.GetStringAsync($"/console/sharing/new?resource={slug}");
        var submitted = await steward.PostAsync($"/console/sharing/new?resource={slug}", new FormUrlEncodedContent(
        [
            new("Form.Fields", "name"),
            new("Form.Fields", "district"),
            new("Form.Purpose", "低保审核"),
            new("Form.ValidTo", DateTimeOffset.UtcNow.AddDays(100).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            new("Form.Mode", "Read"),
            new("Form.Scope[0].Field", "district"),
            new("Form.Scope[0].Operator", "in"),
            new("Form.Scope[0].Value", "鼓楼区，台江区"),
            new("__RequestVerificationToken", Token(form)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var path = submitted.Headers.Location!.OriginalString;
        Assert.StartsWith("/console/sharing/", path, StringComparison.Ordinal);

        var approver = await BrowserAsync(world.Provider, Roles.Approver);
        var detail = await approver.GetStringAsync(path);
        Assert.Contains("approve-form", detail, StringComparison.Ordinal);
        Assert.Contains("台江区", detail, StringComparison.Ordinal);

        var unticked = await approver.PostAsync(path + "?handler=approve", new FormUrlEncodedContent(
        [
            new("Approval.Fields", "name"),
            new("Approval.Masking[name]", "None"),
            new("__RequestVerificationToken", Token(detail)),
        ]));
        Assert.Equal(HttpStatusCode.OK, unticked.StatusCode);
        Assert.Contains("确认解除脱敏", await unticked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", await unticked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var ticked = await approver.PostAsync(path + "?handler=approve", new FormUrlEncodedContent(
        [
            new("Approval.Fields", "name"),
            new("Approval.Masking[name]", "None"),
            new("Approval.ConfirmedLifts", "name"),
            new("__RequestVerificationToken", Token(detail)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, ticked.StatusCode);
        var approved = await steward.GetStringAsync(path);
        Assert.Contains("table-warning", approved, StringComparison.Ordinal);
        Assert.Contains("已解除脱敏", approved, StringComparison.Ordinal);
        Assert.Contains("已批准", approved, StringComparison.Ordinal);

        var grants = await steward.GetStringAsync("/console/grants");
        Assert.Contains("已解除脱敏", grants, StringComparison.Ordinal);
        Assert.Contains("申请已批准", await steward.GetStringAsync("/console/notifications"), StringComparison.Ordinal);
        Assert.Contains(world.Code, await approver.GetStringAsync("/console/sharing?box=incoming"), StringComparison.Ordinal);

        var stranger = await BrowserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市文旅局"), Roles.DataSteward);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(path)).StatusCode);
    }

    private async Task<HttpClient> BrowserAsync(Guid organization, string role)
    {
        var user = await server.CreateUserAsync(organization, "sp" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, role);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword)).StatusCode);
        return browser;
    }

    private static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
