using System.Text.RegularExpressions;

namespace Shuqiao.E2E.Pages;

/// <summary>/console (概览), where a signed-in user lands.</summary>
public sealed class DashboardPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public async Task<DashboardPage> OpenAsync()
    {
        await Page.GotoAsync("/console");
        return this;
    }

    public async Task ExpectLoadedAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("/console$"));
        await Expect(Heading("概览")).ToBeVisibleAsync();
    }
}
