using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests;

/// <summary>Console pages as a signed-in person sees them (cookie session through the real login form).</summary>
internal static class ConsolePages
{
    public const string Password = "Correct-Horse-9";

    public static async Task<HttpClient> BrowserAsAsync(ServerFactory server, params string[] roles)
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "页面测试局");
        var user = await server.CreateUserAsync(org, "p" + Guid.NewGuid().ToString("N")[..10], Password, roles);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var login = await ConsoleLoginTests.PostLoginAsync(browser, user.Login, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    public static async Task<string> SignedInAsAsync(ServerFactory server, string role, string path)
    {
        var browser = await BrowserAsAsync(server, role);
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
