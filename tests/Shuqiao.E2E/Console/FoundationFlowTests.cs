using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shuqiao.E2E.Pages;
using Shuqiao.Testing;

namespace Shuqiao.E2E.Console;

/// <summary>
/// The platform foundation as an administrator meets it: a new department in the organization tree, its first
/// application system with a key shown once, and the console in English and back. Screenshots of every step go to
/// tests/Shuqiao.E2E/screenshots/foundation-*.png.
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed partial class FoundationFlowTests(ConsoleSite site)
{
    [Fact]
    public async Task An_administrator_creates_an_organization_and_an_api_client_and_reads_the_console_in_english_and_chinese()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var organization = $"示范市住房和城乡建设局{suffix}";
        var client = $"不动产登记系统{suffix}";
        await using var tab = await site.SignedInTabAsync();

        // 1. The dashboard, signed in as the PlatformAdmin.
        var dashboard = await new DashboardPage(tab.Page, site).OpenAsync();
        await dashboard.ExpectLoadedAsync();
        await dashboard.ScreenshotAsync("foundation-1-dashboard");

        // 2. A new city department, with a valid 统一社会信用代码 (GB 32100 check character).
        var organizations = await new OrganizationsPage(tab.Page, site).OpenAsync();
        var form = await organizations.StartNewAsync();
        await form.FillAsync(TestData.NewCreditCode(), organization, "市级");
        await form.ScreenshotAsync("foundation-2-organization-form");
        await form.SubmitAsync(organization);
        await form.ScreenshotAsync("foundation-3-organization-created");

        // 3. It is in the tree.
        await organizations.OpenAsync();
        await Expect(organizations.TreeItem(organization)).ToBeVisibleAsync();
        await organizations.ScreenshotAsync("foundation-4-organization-in-tree");

        // 4. Its first API client: the key is shown once, and it works.
        var newClient = await new NewClientPage(tab.Page, site).OpenAsync();
        await newClient.FillAsync(organization, client, "住建局不动产登记业务系统");
        await newClient.ScreenshotAsync("foundation-5-client-form");
        var key = await newClient.SubmitAsync(client);
        Assert.Matches(ApiKey(), key);
        await newClient.ScreenshotAsync("foundation-6-client-key-shown-once");
        await AssertKeyWorksAsync(key, client);

        await newClient.DoneAsync(client);
        await Expect(newClient.IssuedKey).ToHaveCountAsync(0);
        Assert.DoesNotContain(key.Split('.')[1], await tab.Page.ContentAsync(), StringComparison.Ordinal);
        await Expect(tab.Page.GetByText(key.Split('.')[0])).ToBeVisibleAsync(); // the key id stays visible
        await newClient.ScreenshotAsync("foundation-7-client-page-without-key");

        // 5. English, then back to Chinese, on the organizations page.
        await organizations.OpenAsync();
        await organizations.SwitchLanguageAsync("en");
        await Expect(organizations.Heading("Organizations")).ToBeVisibleAsync();
        await Expect(organizations.Page.GetByRole(AriaRole.Link, new() { Name = "New organization" })).ToBeVisibleAsync();
        await Expect(organizations.TreeItem(organization)).ToBeVisibleAsync();
        await organizations.ScreenshotAsync("foundation-8-english");

        await organizations.SwitchLanguageAsync("zh-CN");
        await Expect(organizations.Heading("机构管理")).ToBeVisibleAsync();
        await Expect(organizations.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "应用系统" })).ToBeVisibleAsync();
        await organizations.ScreenshotAsync("foundation-9-chinese-again");
    }

    /// <summary>The department system's first call with the key the page showed.</summary>
    private async Task AssertKeyWorksAsync(string key, string clientName)
    {
        using var http = new HttpClient { BaseAddress = site.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        using var response = await http.GetAsync("/api/v1/clients/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(clientName, me.RootElement.GetProperty("name").GetString());
    }

    [GeneratedRegex("^sqk_[a-z2-7]{16}\\.[a-z2-7]+$")]
    private static partial Regex ApiKey();
}
