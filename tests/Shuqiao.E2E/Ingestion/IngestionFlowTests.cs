using System.Text.RegularExpressions;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.E2E.Catalog;
using Shuqiao.E2E.Pages;
using Shuqiao.Testing;

namespace Shuqiao.E2E.Ingestion;

/// <summary>数据归集 in a real browser: a department's data steward describes a resource, loads it, fixes a bad row and reads the quality.</summary>
[Collection(ConsoleTests.Name)]
public sealed class IngestionFlowTests(ConsoleSite site)
{
    private const string Password = "E2e-Ingest-Horse-9";

    [Fact]
    public async Task A_data_steward_creates_a_resource_uploads_a_csv_with_a_bad_row_fixes_it_and_sees_the_quality_page()
    {
        var department = await TestData.InsertOrganizationAsync(site.Server.ConnectionString, "示范市流动人口服务管理局", OrganizationLevel.City);
        var steward = await site.Server.CreateUserAsync(department, "e2e-ing-" + Guid.NewGuid().ToString("N")[..6], Password, Roles.DataSteward);
        await using var tab = await site.AnonymousTabAsync();
        var dashboard = await (await new LoginPage(tab.Page, site).OpenAsync()).SignInAsync(steward.Login, Password);
        await dashboard.ExpectLoadedAsync();

        // 1. Describe the resource with a Chinese schema.
        var name = "流动人口居住登记信息" + Guid.NewGuid().ToString("N")[..4];
        var catalog = await new CatalogPage(tab.Page, site).OpenAsync();
        var editor = await catalog.NewResourceAsync();
        await tab.Page.GetByLabel("资源分类", new() { Exact = true }).FillAsync("1-01-" + Random.Shared.Next(100, 999));
        await tab.Page.GetByLabel("信息资源名称", new() { Exact = true }).FillAsync(name);
        await tab.Page.GetByLabel("信息资源摘要", new() { Exact = true }).FillAsync("来本市居住的流动人口的居住登记信息，每日同步。");
        await tab.Page.GetByLabel("共享条件", new() { Exact = true }).FillAsync("用于居住证办理中的身份核验");
        await editor.FillFieldAsync(0, "公民身份号码", "idNumber", "核心", "敏感个人信息", check: "公民身份号码校验", keep: (6, 4), key: true);
        await editor.AddFieldAsync();
        await editor.FillFieldAsync(1, "姓名", "name", "重要", "个人信息", keep: (1, 0));
        await editor.AddFieldAsync();
        await editor.FillFieldAsync(2, "居住地址", "address", "一般", "非个人信息");
        await Expect(await editor.SaveAsync()).ToContainTextAsync($"已创建“{name}”");
        var slug = new Regex("/console/catalog/([0-9]{9}-[0-9]{6})").Match(tab.Page.Url).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(slug), tab.Page.Url);

        // 2. Upload a CSV (header of Chinese labels) whose second row has a wrong check character: nothing is stored.
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "上传数据" }).ClickAsync();
        var upload = new UploadPage(tab.Page, site);
        await upload.ExpectLoadedAsync(name);
        var (first, second, third) = (Id("19880312041"), Id("19900725062"), Id("20010101013"));
        var wrong = second[..17] + (second[17] == '0' ? '1' : '0');
        var batch = await upload.UploadCsvAsync("流动人口.csv",
            $"公民身份号码,姓名,居住地址\n{first},张伟,示范市鼓楼区东街街道三坊路6号\n{wrong},李娜,示范市江滨区滨海街道\n{third},王芳,\n");

        await Expect(batch.Refused).ToBeVisibleAsync();
        await Expect(batch.Rejections).ToContainTextAsync("idNumber");
        await Expect(batch.Rejections).ToContainTextAsync("校验码错误");
        await Expect(batch.Rejections.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell).First).ToHaveTextAsync("2");
        await batch.ScreenshotAsync("ingest-refused");

        // 3. Fix the row and upload again: all three are stored.
        upload = await batch.UploadAgainAsync();
        await upload.ExpectLoadedAsync(name);
        batch = await upload.UploadCsvAsync("流动人口-改正.csv",
            $"公民身份号码,姓名,居住地址\n{first},张伟,示范市鼓楼区东街街道三坊路6号\n{second},李娜,示范市江滨区滨海街道\n{third},王芳,\n");

        await Expect(batch.Stored).ToBeVisibleAsync();
        await Expect(batch.Count("新增")).ToHaveTextAsync("3");
        await batch.ScreenshotAsync("ingest-stored");

        // 4. The quality page of the resource (built by the Quality capability) shows its scores.
        var quality = await new QualityPage(tab.Page, site).OpenAsync(slug);
        await Expect(tab.Page.GetByText(name).First).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("规范性").First).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("完整性").First).ToBeVisibleAsync();
        await quality.ScreenshotAsync("ingest-quality");
    }

    // Fictional region 3599xx (福建 has no prefecture 99), birth date and sequence given, GB 11643 check character computed.
    private static string Id(string birthAndSequence)
    {
        var first17 = "359902" + birthAndSequence;
        return first17 + ResidentId.CheckCharacter(first17);
    }
}
