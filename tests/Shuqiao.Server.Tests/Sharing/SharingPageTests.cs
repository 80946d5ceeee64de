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

    [Fact]
    public async Task A_steward_sets_the_organizations_webhook_in_the_console_and_sees_its_secret_once()
    {
        var world = await CreateAsync(server);
        var steward = await BrowserAsync(world.Consumer, Roles.DataSteward);
        var page = await steward.GetStringAsync("/console/notifications");
        Assert.Contains("webhook-url", page, StringComparison.Ordinal);

        var saved = await steward.PostAsync("/console/notifications?handler=webhook", new FormUrlEncodedContent(
        [
            new("url", "https://civil.example.gov.cn/hooks/shuqiao"),
            new("enabled", "true"),
            new("__RequestVerificationToken", Token(page)),
        ]));
        var html = await saved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var secret = Regex.Match(html, "whsec_[0-9a-f]{64}").Value;
        Assert.NotEmpty(secret);
        Assert.DoesNotContain(secret, await steward.GetStringAsync("/console/notifications"), StringComparison.Ordinal);
        Assert.Equal("https://civil.example.gov.cn/hooks/shuqiao", await server.ScalarAsync<string>("select url from organization_webhooks where organization_id = @Org", new { Org = world.Consumer }));
        var approver = await BrowserAsync(world.Consumer, Roles.Approver);
        Assert.DoesNotContain("webhook-url", await approver.GetStringAsync("/console/notifications"), StringComparison.Ordinal);
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
