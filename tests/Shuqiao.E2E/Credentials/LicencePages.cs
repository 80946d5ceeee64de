using System.Text.RegularExpressions;
using Shuqiao.E2E.Pages;

namespace Shuqiao.E2E.Credentials;

/// <summary>/console/licences/issue (签发证照).</summary>
public sealed class IssueLicencePage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public async Task<IssueLicencePage> OpenAsync()
    {
        await Page.GotoAsync("/console/licences/issue");
        await Expect(Heading("签发证照")).ToBeVisibleAsync();
        return this;
    }

    public async Task ChooseTypeAsync(string typeLabel)
    {
        await Page.GetByLabel("证照类型", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = typeLabel });
        await Expect(Page.GetByLabel("持证主体", new() { Exact = true })).ToBeVisibleAsync();
    }

    public async Task FillAsync(string label, string value) => await Page.GetByLabel(label, new() { Exact = true }).FillAsync(value);

    public async Task<LicenceDetailsPage> IssueAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/console/licences/[0-9a-f-]{36}$"));
        return new LicenceDetailsPage(Page, Site);
    }
}

/// <summary>/console/licences/{id}: one licence with its print link and status actions.</summary>
public sealed class LicenceDetailsPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator Status => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>Opens the printable page (it opens in a new tab) and returns it.</summary>
    public async Task<IPage> OpenPrintAsync() =>
        await Page.Context.RunAndWaitForPageAsync(() => Page.GetByRole(AriaRole.Link, new() { Name = "打印证照" }).ClickAsync());

    public async Task RevokeAsync(string reason)
    {
        await Page.GetByLabel("原因", new() { Exact = true }).FillAsync(reason);
        await Page.GetByRole(AriaRole.Button, new() { Name = "注销", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("证照已注销");
    }
}

/// <summary>/verify (电子证照核验), the public verification page.</summary>
public sealed class VerifyPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator Verdict => Page.GetByRole(AriaRole.Heading, new() { Level = 2 }).First;

    public ILocator Reason => Page.Locator("#verdict-reason");
}
