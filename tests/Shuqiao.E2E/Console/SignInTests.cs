using Shuqiao.Core.Identity;
using Shuqiao.E2E.Pages;

namespace Shuqiao.E2E.Console;

[Collection(ConsoleTests.Name)]
public sealed class SignInTests(ConsoleSite site)
{
    [Fact]
    public async Task An_administrator_signs_in_on_the_login_page_and_sees_the_dashboard()
    {
        await using var tab = await site.AnonymousTabAsync();
        var login = await new LoginPage(tab.Page, site).OpenAsync();
        await login.ScreenshotAsync("login");

        var dashboard = await login.SignInAsync(site.Admin.Login, ConsoleSite.AdminPassword);

        await dashboard.ExpectLoadedAsync();
        await Expect(dashboard.Page.GetByText($"欢迎，{site.Admin.Login}。")).ToBeVisibleAsync();
        await Expect(dashboard.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "机构" })).ToBeVisibleAsync();
        await dashboard.ScreenshotAsync("dashboard");
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_user_on_the_login_page_with_the_chinese_error()
    {
        var user = await site.CreateUserAsync("Right-Password-9", Roles.DataSteward);
        await using var tab = await site.AnonymousTabAsync();
        var login = await new LoginPage(tab.Page, site).OpenAsync();

        await login.SubmitAsync(user.Login, "Wrong-Password-9");

        await Expect(login.Error).ToHaveTextAsync("用户名或密码错误。");
        await Expect(login.Heading("登录数桥控制台")).ToBeVisibleAsync();
        await Expect(login.PasswordField).ToBeEmptyAsync();
        await login.ScreenshotAsync("login-failed");
    }

    [Fact]
    public async Task The_language_select_in_the_header_shows_the_console_in_english_and_back_in_chinese()
    {
        await using var tab = await site.SignedInTabAsync();
        var dashboard = await new DashboardPage(tab.Page, site).OpenAsync();
        await dashboard.ExpectLoadedAsync();

        await dashboard.SwitchLanguageAsync("en");

        await Expect(dashboard.Heading("Dashboard")).ToBeVisibleAsync();
        await Expect(dashboard.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "Organizations" })).ToBeVisibleAsync();
        await dashboard.ScreenshotAsync("dashboard-en");

        await dashboard.SwitchLanguageAsync("zh-CN");

        await Expect(dashboard.Heading("概览")).ToBeVisibleAsync();
        await Expect(dashboard.MainNavigation.GetByRole(AriaRole.Link, new() { Name = "机构" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_from_the_user_menu_returns_to_the_login_page_and_the_console_is_closed()
    {
        const string password = "Sign-Out-Horse-9";
        var user = await site.CreateUserAsync(password, Roles.Auditor);
        await using var tab = await site.AnonymousTabAsync();
        var dashboard = await (await new LoginPage(tab.Page, site).OpenAsync()).SignInAsync(user.Login, password);
        await dashboard.ExpectLoadedAsync();

        var login = await dashboard.SignOutAsync(user.Login);

        await Expect(login.Heading("登录数桥控制台")).ToBeVisibleAsync();
        await tab.Page.GotoAsync("/console");
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/login"));
    }
}
