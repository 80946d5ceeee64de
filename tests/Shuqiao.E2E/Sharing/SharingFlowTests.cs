using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.E2E.Pages;
using Shuqiao.Testing;

namespace Shuqiao.E2E.Sharing;

/// <summary>
/// 共享 · 交换 · 审计 in a real browser: department A requests department B's conditional resource, B's approver narrows
/// and approves, A's system reads masked records through the governed API, and the auditor finds every access.
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed class SharingFlowTests(ConsoleSite site)
{
    private const string Password = "E2e-Sharing-Horse-9";
    private const string Purpose = "居住证办理中的身份核验";

    [Fact]
    public async Task A_department_requests_the_provider_narrows_and_approves_the_client_reads_masked_data_and_the_auditor_finds_it()
    {
        // B (the provider) describes and loads a 有条件共享 resource; set-up through the API, the flow is what follows.
        var tag = Guid.NewGuid().ToString("N")[..5];
        var provider = await TestData.InsertOrganizationAsync(site.Server.ConnectionString, "示范市流动人口管理局" + tag, OrganizationLevel.City);
        var consumer = await TestData.InsertOrganizationAsync(site.Server.ConnectionString, "示范市住房保障中心" + tag, OrganizationLevel.City);
        var (code, idNumber) = await PublishedResourceAsync(provider, tag);
        var requester = await site.Server.CreateUserAsync(consumer, "e2e-req-" + tag, Password, Roles.DataSteward);
        var approver = await site.Server.CreateUserAsync(provider, "e2e-apr-" + tag, Password, Roles.Approver);
        var auditor = await site.Server.CreateUserAsync(site.DataBureauId, "e2e-aud-" + tag, Password, Roles.Auditor);
        var (_, _, key) = await site.Server.ApiAsClientAsync(consumer);
        using var system = new HttpClient { BaseAddress = site.BaseAddress };
        system.DefaultRequestHeaders.Authorization = new("ApiKey", key);

        // 1. A's data steward requests three fields for a stated purpose.
        await using (var tab = await SignedInAsync(requester.Login))
        {
            await tab.Page.GotoAsync($"/console/sharing/new?resource={code}");
            await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("申请共享") }).First).ToBeVisibleAsync();
            foreach (var field in new[] { "idNumber", "name", "district" })
            {
                await tab.Page.Locator($"input[name='Form.Fields'][value='{field}']").CheckAsync();
            }

            await tab.Page.GetByLabel("使用目的", new() { Exact = true }).FillAsync(Purpose);
            await tab.Page.GetByLabel("截止日期", new() { Exact = true }).FillAsync(DateTime.UtcNow.AddMonths(6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
            await Expect(tab.Page.Locator("#request-status")).ToHaveTextAsync("已提交");
            await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(site.ScreenshotDirectory, "sharing-1-submitted.png"), FullPage = true });
            RequestUrl = tab.Page.Url;
        }

        // 2. B's approver takes it up, drops 所在区 (not needed for the purpose) and approves.
        await using (var tab = await SignedInAsync(approver.Login))
        {
            await tab.Page.GotoAsync(RequestUrl);
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "受理" }).ClickAsync();
            await tab.Page.Locator("#approve-field-district").UncheckAsync();
            await tab.Page.Locator("#approve-comment").FillAsync("所在区不属于身份核验的必要信息项");
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true }).ClickAsync();
            await Expect(tab.Page.Locator("#request-status")).ToHaveTextAsync("已批准");
            await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(site.ScreenshotDirectory, "sharing-2-approved.png"), FullPage = true });
        }

        // 3. A's system reads the record: only the granted fields, masked by classification; a wrong purpose is refused.
        using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exchange/{code}/records/{idNumber}"))
        {
            read.Headers.Add("X-Shuqiao-Purpose", Uri.EscapeDataString(Purpose));
            read.Headers.Add("X-Shuqiao-User", "e2e-clerk-1");
            var response = await system.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = (await response.Content.ReadAsStringAsync());
            Assert.Contains("张*", body, StringComparison.Ordinal);
            Assert.Contains(idNumber[..6] + "********" + idNumber[^4..], body, StringComparison.Ordinal);
            Assert.DoesNotContain(idNumber, body, StringComparison.Ordinal);
            Assert.DoesNotContain("鼓楼区", body, StringComparison.Ordinal);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exchange/{code}/records/{idNumber}"))
        {
            wrong.Headers.Add("X-Shuqiao-Purpose", Uri.EscapeDataString("商业营销"));
            Assert.Equal(HttpStatusCode.Forbidden, (await system.SendAsync(wrong)).StatusCode);
        }

        // 4. The auditor finds both accesses, allowed and denied, with the purpose and the end user.
        await using (var tab = await SignedInAsync(auditor.Login))
        {
            await tab.Page.GotoAsync($"/console/audit/access?resource={code}");
            var table = tab.Page.Locator("#access-table");
            await Expect(table).ToContainTextAsync(Purpose);
            await Expect(table).ToContainTextAsync("e2e-clerk-1");
            await Expect(table).ToContainTextAsync("允许");
            await Expect(table).ToContainTextAsync("拒绝");
            await Expect(table).Not.ToContainTextAsync(idNumber);

            // Who read this person's record (数据主体): the number is posted with the form; the results' address and
            // page hold only its digest. The refused call read nothing, so only the allowed one is about them.
            await tab.Page.Locator("#f-subject").FillAsync(idNumber);
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
            await Expect(tab.Page.Locator("#f-subject-active")).ToBeVisibleAsync();
            await Expect(tab.Page.Locator("#access-table tbody tr")).ToHaveCountAsync(1);
            await Expect(table).ToContainTextAsync("允许");
            Assert.Contains("subjectDigest=", tab.Page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain(idNumber, tab.Page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain(idNumber, await tab.Page.ContentAsync(), StringComparison.Ordinal);
            await tab.Page.ScreenshotAsync(new() { Path = Path.Combine(site.ScreenshotDirectory, "sharing-3-audit.png"), FullPage = true });
        }
    }

    private string RequestUrl { get; set; } = "";

    private async Task<BrowserTab> SignedInAsync(string login)
    {
        var tab = await site.AnonymousTabAsync();
        var dashboard = await (await new LoginPage(tab.Page, site).OpenAsync()).SignInAsync(login, Password);
        await dashboard.ExpectLoadedAsync();
        return tab;
    }

    /// <summary>A published 有条件共享 resource of the provider with three records; returns its code and one record's key.</summary>
    private async Task<(string Code, string IdNumber)> PublishedResourceAsync(Guid provider, string tag)
    {
        var user = await site.Server.CreateUserAsync(provider, "e2e-stw-" + tag, Password, Roles.DataSteward);
        using var steward = new HttpClient { BaseAddress = site.BaseAddress };
        steward.DefaultRequestHeaders.Authorization = new("Bearer", await site.Server.CreateTokenAsync(user));
        var body = new JsonObject
        {
            ["name"] = "流动人口居住登记" + tag,
            ["summary"] = "浏览器测试用的流动人口居住登记信息。",
            ["category"] = "1-01-" + Random.Shared.Next(100, 999),
            ["sharingType"] = "Conditional",
            ["sharingConditions"] = "用于居住证办理中的身份核验",
            ["openType"] = "NotOpen",
            ["updateFrequency"] = "Daily",
            ["fields"] = new JsonArray(
                Field("idNumber", "公民身份号码", key: true, "Important", "Sensitive", "cnResidentId", new JsonObject { ["rule"] = "KeepFirstLast", ["first"] = 6, ["last"] = 4 }),
                Field("name", "姓名", key: false, "Important", "Personal", null, new JsonObject { ["rule"] = "KeepFirstLast", ["first"] = 1, ["last"] = 0 }),
                Field("district", "所在区", key: false, "General", "None", null, null)),
        };
        var created = await (await steward.PostAsJsonAsync("/api/v1/resources", body)).Content.ReadFromJsonAsync<JsonElement>();
        var slug = created.GetProperty("slug").GetString()!;
        (await steward.PostAsync($"/api/v1/resources/{slug}/publish", null)).EnsureSuccessStatusCode();
        var ids = new[] { "19880312041", "19900725062", "20010101013" }.Select(s => "359902" + s).Select(s => s + ResidentId.CheckCharacter(s)).ToArray();
        var csv = $"公民身份号码,姓名,所在区\n{ids[0]},张伟,鼓楼区\n{ids[1]},李娜,江滨区\n{ids[2]},王芳,新港区\n";
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        (await steward.PostAsync($"/api/v1/resources/{slug}/batches", content)).EnsureSuccessStatusCode();
        return (slug, ids[0]);
    }

    private static JsonObject Field(string name, string label, bool key, string classification, string personal, string? validator, JsonObject? masking)
    {
        var field = new JsonObject
        {
            ["name"] = name, ["label"] = label, ["type"] = "string", ["key"] = key, ["required"] = true,
            ["classification"] = classification, ["personalInfo"] = personal,
        };
        if (validator is not null)
        {
            field["validators"] = new JsonArray(new JsonObject { ["kind"] = validator });
        }

        if (masking is not null)
        {
            field["masking"] = masking;
        }

        return field;
    }
}
