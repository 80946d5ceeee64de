using System.Text.RegularExpressions;
using Shuqiao.E2E.Pages;

namespace Shuqiao.E2E.Catalog;

/// <summary>/console/catalog (信息资源目录): search as you type, filters, results.</summary>
public sealed class CatalogPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator SearchBox => Page.GetByRole(AriaRole.Searchbox, new() { Name = "搜索" });

    public ILocator Results => Page.Locator("#catalog-results");

    public async Task<CatalogPage> OpenAsync()
    {
        await Page.GotoAsync("/console/catalog");
        await Expect(Heading("信息资源目录")).ToBeVisibleAsync();
        return this;
    }

    public async Task<ResourceEditorPage> NewResourceAsync()
    {
        await Page.GetByRole(AriaRole.Link, new() { Name = "编目新资源" }).ClickAsync();
        await Expect(Heading("编目新资源")).ToBeVisibleAsync();
        return new ResourceEditorPage(Page, Site);
    }
}

/// <summary>The resource editor (new and edit): description inputs and one group per field row.</summary>
public sealed class ResourceEditorPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator Rows => Page.Locator("#field-rows > [data-field-row]");

    public ILocator Row(int index) => Rows.Nth(index);

    public async Task AddFieldAsync()
    {
        var count = await Rows.CountAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "添加信息项" }).ClickAsync();
        await Expect(Rows).ToHaveCountAsync(count + 1);
    }

    /// <summary>Fills a field row; the check and masking sections are opened as a person would.</summary>
    public async Task FillFieldAsync(int index, string label, string name, string classification, string personalInfo, string? check = null, (int First, int Last)? keep = null, bool key = false)
    {
        var row = Row(index);
        await row.GetByLabel("信息项名称", new() { Exact = true }).FillAsync(label);
        await row.GetByLabel("信息项标识", new() { Exact = true }).FillAsync(name);
        await row.GetByLabel("分级", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = classification });
        await row.GetByLabel("个人信息", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = personalInfo });
        if (key)
        {
            await row.GetByLabel("主键", new() { Exact = true }).CheckAsync();
        }

        if (check is not null)
        {
            await Open(row, "校验规则");
            await row.GetByLabel(check, new() { Exact = true }).CheckAsync();
        }

        if (keep is { } k)
        {
            await Open(row, "默认脱敏规则");
            await row.GetByLabel("规则", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "保留首尾" });
            await row.GetByLabel("保留前几位", new() { Exact = true }).FillAsync(k.First.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await row.GetByLabel("保留后几位", new() { Exact = true }).FillAsync(k.Last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task<ILocator> SaveAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(保存为草稿|保存)$") }).ClickAsync();
        return Page.GetByRole(AriaRole.Status);
    }

    private static async Task Open(ILocator row, string summary)
    {
        var details = row.Locator("details").Filter(new() { Has = row.Page.Locator("summary", new() { HasTextString = summary }) });
        if (await details.GetAttributeAsync("open") is null)
        {
            await details.Locator("summary").ClickAsync();
        }
    }
}
