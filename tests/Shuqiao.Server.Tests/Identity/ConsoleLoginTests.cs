using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed partial class ConsoleLoginTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task A_user_signs_in_with_the_right_password_and_reaches_the_dashboard()
    {
        var user = await NewUserAsync();
        var client = Browser();

        var response = await PostLoginAsync(client, user.Login, Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        var dashboard = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains(user.Login, await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var user = await NewUserAsync();
        var client = Browser();

        for (var i = 0; i < 4; i++)
        {
            var failed = await PostLoginAsync(client, user.Login, "Wrong-Password-1");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            Assert.Contains("用户名或密码错误", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var fifth = await PostLoginAsync(client, user.Login, "Wrong-Password-1");
        Assert.Contains("已锁定", await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await PostLoginAsync(client, user.Login, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("已锁定", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_login_gets_the_same_answer_as_a_wrong_password()
    {
        var client = Browser();
        var response = await PostLoginAsync(client, "nobody-" + Guid.NewGuid().ToString("N")[..8], Password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("用户名或密码错误", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_form_without_its_antiforgery_token_is_refused()
    {
        var user = await NewUserAsync();
        var client = Browser();
        var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LoginName"] = user.Login,
            ["Password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_console_sends_anonymous_visitors_to_the_login_page()
    {
        var response = await Browser().GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/login", response.Headers.Location?.AbsolutePath ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private HttpClient Browser() => server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<User> NewUserAsync()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "测试局");
        return await server.CreateUserAsync(org, "u" + Guid.NewGuid().ToString("N")[..10], Password, Roles.DataSteward);
    }

    internal static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string login, string password)
    {
        var form = await client.GetStringAsync("/console/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        return await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LoginName"] = login,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
