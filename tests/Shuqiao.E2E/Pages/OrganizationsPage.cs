namespace Shuqiao.E2E.Pages;

/// <summary>/console/organizations (机构管理): the tree, and the way to a new organization.</summary>
public sealed class OrganizationsPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator Tree => Page.GetByRole(AriaRole.Tree);

    /// <summary>The tree's entry for an organization (its accessible name also carries badges and child counts).</summary>
    public ILocator TreeItem(string name) => Tree.GetByRole(AriaRole.Treeitem).Filter(new() { HasText = name });

    public async Task<OrganizationsPage> OpenAsync()
    {
        await Page.GotoAsync("/console/organizations");
        await Expect(Heading("机构管理")).ToBeVisibleAsync();
        return this;
    }

    public async Task<NewOrganizationPage> StartNewAsync()
    {
        await Page.GetByRole(AriaRole.Link, new() { Name = "新建机构", Exact = true }).ClickAsync();
        await Expect(Heading("新建机构")).ToBeVisibleAsync();
        return new NewOrganizationPage(Page, Site);
    }
}

/// <summary>/console/organizations/new (新建机构).</summary>
public sealed class NewOrganizationPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public async Task FillAsync(string code, string name, string level)
    {
        await Page.GetByLabel("统一社会信用代码", new() { Exact = true }).FillAsync(code);
        await Page.GetByLabel("名称", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("层级", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = level });
    }

    /// <summary>Creates it; the console opens the new organization's page.</summary>
    public async Task SubmitAsync(string name)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "创建", Exact = true }).ClickAsync();
        await Expect(Heading(name)).ToBeVisibleAsync();
        await Expect(Page.GetByText($"已新建机构“{name}”。")).ToBeVisibleAsync();
    }
}
