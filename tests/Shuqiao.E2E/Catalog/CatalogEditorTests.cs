namespace Shuqiao.E2E.Catalog;

/// <summary>The catalog in a real browser: the schema editor's htmx rows and script, and search as you type.</summary>
[Collection(ConsoleTests.Name)]
public sealed class CatalogEditorTests(ConsoleSite site)
{
    [Fact]
    public async Task An_administrator_describes_a_resource_with_the_editor_and_finds_it_by_a_field_label()
    {
        await using var tab = await site.SignedInTabAsync();
        var catalog = await new CatalogPage(tab.Page, site).OpenAsync();
        var editor = await catalog.NewResourceAsync();
        var name = "户籍人口信息" + Guid.NewGuid().ToString("N")[..4];

        await tab.Page.GetByLabel("资源分类", new() { Exact = true }).FillAsync("1-01-" + Random.Shared.Next(100, 999));
        await tab.Page.GetByLabel("信息资源名称", new() { Exact = true }).FillAsync(name);
        await tab.Page.GetByLabel("信息资源摘要", new() { Exact = true }).FillAsync("户籍人口的基本信息，每日同步。");
        await tab.Page.GetByLabel("共享条件", new() { Exact = true }).FillAsync("用于政务服务身份核验");
        await editor.FillFieldAsync(0, "公民身份号码", "idNumber", "核心", "敏感个人信息", check: "公民身份号码校验", keep: (6, 4), key: true);
        await editor.AddFieldAsync();
        await editor.FillFieldAsync(1, "姓名", "name", "重要", "个人信息", keep: (1, 0));
        await editor.AddFieldAsync();
        await editor.FillFieldAsync(2, "临时信息项", "scratch", "一般", "非个人信息");
        await editor.Row(2).GetByRole(AriaRole.Button, new() { Name = "删除此信息项" }).ClickAsync();
        await Expect(editor.Rows).ToHaveCountAsync(2);
        await editor.Row(1).GetByRole(AriaRole.Button, new() { Name = "上移" }).ClickAsync();
        await Expect(editor.Row(0).GetByLabel("信息项标识", new() { Exact = true })).ToHaveValueAsync("name");
        await editor.Row(0).GetByRole(AriaRole.Button, new() { Name = "下移" }).ClickAsync();
        await editor.ScreenshotAsync("catalog-editor");

        var status = await editor.SaveAsync();

        await Expect(status).ToContainTextAsync($"已创建“{name}”");
        var fields = tab.Page.GetByRole(AriaRole.Table, new() { Name = "信息项" });
        await Expect(fields.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(["公民身份号码", "姓名"]);
        await Expect(fields).ToContainTextAsync("保留前 6 位、后 4 位");
        await Expect(tab.Page.GetByText("首次上传数据后，这里会显示质量评分")).ToBeVisibleAsync();
        await editor.ScreenshotAsync("catalog-resource");

        catalog = await new CatalogPage(tab.Page, site).OpenAsync();
        await catalog.SearchBox.FillAsync(name[..6] + " 公民身份");

        await Expect(catalog.Results.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await catalog.ScreenshotAsync("catalog-search");
    }
}
