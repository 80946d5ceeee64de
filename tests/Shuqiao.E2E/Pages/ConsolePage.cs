using System.Text.RegularExpressions;

namespace Shuqiao.E2E.Pages;

/// <summary>
/// A console page as a person sees it: role- and label-based locators only, so the tests read like the steps a
/// user takes and survive markup changes. Add a class per page (OrganizationsPage, ClientsPage…) with its
/// locators and steps; the header and navigation are here for all of them.
/// </summary>
public abstract class ConsolePage(IPage page, ConsoleSite site)
{
    public IPage Page { get; } = page;

    protected ConsoleSite Site { get; } = site;

    /// <summary>The language select in the header, whichever language is showing.</summary>
    public ILocator LanguageSelect => Page.GetByRole(AriaRole.Combobox, new() { NameRegex = new Regex("^(界面语言|Language)$") });

    public ILocator MainNavigation => Page.GetByRole(AriaRole.Navigation, new() { NameRegex = new Regex("^(主导航|Main navigation)$") });

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true });

    /// <summary>Chooses a language (zh-CN or en); the page reloads in it.</summary>
    public async Task SwitchLanguageAsync(string culture)
    {
        await LanguageSelect.SelectOptionAsync(culture);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", culture == "en" ? "en" : "zh-CN");
    }

    /// <summary>Follows a link of the left-hand navigation by its visible name.</summary>
    public async Task FollowNavigationAsync(string linkName) =>
        await MainNavigation.GetByRole(AriaRole.Link, new() { Name = linkName, Exact = true }).ClickAsync();

    /// <summary>Signs out from the user menu in the header (the menu's button shows the login name).</summary>
    public async Task<LoginPage> SignOutAsync(string login)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = login }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(退出登录|Sign out)$") }).ClickAsync();
        return new LoginPage(Page, Site);
    }

    /// <summary>Saves a full-page screenshot as tests/Shuqiao.E2E/screenshots/{name}.png.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Site.ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Site.ScreenshotDirectory, name + ".png"), FullPage = true });
    }
}
