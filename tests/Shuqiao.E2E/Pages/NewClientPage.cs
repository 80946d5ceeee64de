namespace Shuqiao.E2E.Pages;

/// <summary>/console/clients/new (新建应用系统): the form, then the key, shown this once.</summary>
public sealed class NewClientPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    /// <summary>The read-only field holding the issued key (<c>sqk_….…</c>).</summary>
    public ILocator IssuedKey => Page.GetByLabel("密钥", new() { Exact = true });

    public async Task<NewClientPage> OpenAsync()
    {
        await Page.GotoAsync("/console/clients/new");
        await Expect(Heading("新建应用系统")).ToBeVisibleAsync();
        return this;
    }

    public async Task FillAsync(string organization, string name, string description)
    {
        await Page.GetByLabel("所属机构", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = organization });
        await Page.GetByLabel("名称", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("说明", new() { Exact = true }).FillAsync(description);
    }

    /// <summary>Creates the client and returns the key the page shows.</summary>
    public async Task<string> SubmitAsync(string name)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "创建并生成密钥", Exact = true }).ClickAsync();
        await Expect(Heading($"应用系统“{name}”已创建")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("离开本页后将无法再次查看");
        return await IssuedKey.InputValueAsync();
    }

    /// <summary>"I have saved the key": on to the client's own page, which never shows the key again.</summary>
    public async Task DoneAsync(string name)
    {
        await Page.GetByRole(AriaRole.Link, new() { Name = "我已保存密钥", Exact = true }).ClickAsync();
        await Expect(Heading(name)).ToBeVisibleAsync();
    }
}
