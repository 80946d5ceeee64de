namespace Shuqiao.E2E.Pages;

/// <summary>/console/login (登录数桥控制台).</summary>
public sealed class LoginPage(IPage page, ConsoleSite site) : ConsolePage(page, site)
{
    public ILocator LoginField => Page.GetByLabel("用户名", new() { Exact = true });

    public ILocator PasswordField => Page.GetByLabel("密码", new() { Exact = true });

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true });

    public ILocator Error => Page.GetByRole(AriaRole.Alert);

    public async Task<LoginPage> OpenAsync()
    {
        await Page.GotoAsync("/console/login");
        await Expect(Heading("登录数桥控制台")).ToBeVisibleAsync();
        return this;
    }

    public async Task SubmitAsync(string login, string password)
    {
        await LoginField.FillAsync(login);
        await PasswordField.FillAsync(password);
        await SubmitButton.ClickAsync();
    }

    public async Task<DashboardPage> SignInAsync(string login, string password)
    {
        await SubmitAsync(login, password);
        return new DashboardPage(Page, Site);
    }
}
