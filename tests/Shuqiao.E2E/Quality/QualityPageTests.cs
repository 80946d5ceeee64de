using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;

namespace Shuqiao.E2E.Quality;

/// <summary>Quality pages in a real browser: the trend line chart and the ranking bar chart render (ECharts, SVG).</summary>
[Collection(ConsoleTests.Name)]
public sealed class QualityPageTests(ConsoleSite site)
{
    [Fact]
    public async Task A_measured_resource_shows_its_scores_trend_chart_and_samples_and_the_ranking_shows_its_provider()
    {
        var user = await site.Server.CreateUserAsync(site.DataBureauId, "e2e-q-" + Guid.NewGuid().ToString("N")[..8], ConsoleSite.AdminPassword, Roles.DataSteward);
        using var steward = new HttpClient { BaseAddress = site.BaseAddress };
        steward.DefaultRequestHeaders.Authorization = new("Bearer", await site.Server.CreateTokenAsync(user));
        var body = new JsonObject
        {
            ["name"] = "联系人信息" + Guid.NewGuid().ToString("N")[..4],
            ["summary"] = "浏览器测试用的联系人信息。",
            ["category"] = "1-01-" + Random.Shared.Next(100, 999),
            ["sharingType"] = "Unconditional",
            ["openType"] = "NotOpen",
            ["updateFrequency"] = "Daily",
            ["fields"] = new JsonArray(
                new JsonObject { ["name"] = "code", ["label"] = "编号", ["type"] = "string", ["key"] = true, ["required"] = true, ["classification"] = "General", ["personalInfo"] = "None" },
                new JsonObject
                {
                    ["name"] = "mobile", ["label"] = "手机号码", ["type"] = "string", ["classification"] = "General", ["personalInfo"] = "Personal", ["onInvalid"] = "Warn",
                    ["validators"] = new JsonArray(new JsonObject { ["kind"] = "mobile" }),
                }),
        };
        var created = await (await steward.PostAsJsonAsync("/api/v1/resources", body)).Content.ReadFromJsonAsync<JsonElement>();
        var slug = created.GetProperty("slug").GetString()!;
        (await steward.PostAsync($"/api/v1/resources/{slug}/publish", null)).EnsureSuccessStatusCode();
        using var records = new StringContent("""[{"code":"K1","mobile":"13800138000"},{"code":"K2","mobile":"0000"}]""", Encoding.UTF8, "application/json");
        (await steward.PostAsync($"/api/v1/resources/{slug}/batches", records)).EnsureSuccessStatusCode();
        (await steward.PostAsync($"/api/v1/resources/{slug}/quality/runs", null)).EnsureSuccessStatusCode();
        await using var tab = await site.SignedInTabAsync();

        await tab.Page.GotoAsync(new Uri(site.BaseAddress, $"/console/catalog/{slug}").ToString());
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "查看数据质量详情" }).ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("数据质量");
        var dimensions = tab.Page.GetByRole(AriaRole.Table, new() { Name = "各维度得分" });
        await Expect(dimensions.GetByRole(AriaRole.Row).Filter(new() { HasText = "规范性" })).ToContainTextAsync("50.0");
        await Expect(tab.Page.Locator("#quality-trend svg")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Table, new() { Name = "问题样例" })).ToContainTextAsync("K2");
        await tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(site.ScreenshotDirectory, "quality-resource.png"), FullPage = true });

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "部门数据质量排名" }).ClickAsync();

        await Expect(tab.Page.Locator("#ranking-chart svg")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Table)).ToContainTextAsync(created.GetProperty("provider").GetProperty("name").GetString()!);
        await tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(site.ScreenshotDirectory, "quality-ranking.png"), FullPage = true });
    }
}
