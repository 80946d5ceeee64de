using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Organizations;

/// <summary>A signed-in console session: keeps the cookies and posts forms with their antiforgery token.</summary>
internal sealed partial class ConsoleBrowser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public static async Task<ConsoleBrowser> SignInAsync(ServerFactory server, string login, string password)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await ConsoleLoginTests.PostLoginAsync(client, login, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {login} answered {response.StatusCode}.");
        }

        return new ConsoleBrowser(client);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => Client.GetAsync(url);

    public Task<string> GetStringAsync(string url) => Client.GetStringAsync(url);

    /// <summary>Opens <paramref name="page"/> for its antiforgery token, then posts the fields to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = await TokenAsync(page);
        return await Client.PostAsync(action, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }

    public async Task<HttpResponseMessage> PostFileAsync(string page, string action, byte[] file, string fileName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = await TokenAsync(page);
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(part, "Upload", fileName);
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        content.Add(new StringContent(token), "__RequestVerificationToken");
        return await Client.PostAsync(action, content);
    }

    private async Task<string> TokenAsync(string page)
    {
        var html = await Client.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        if (!match.Success)
        {
            // A page without a form of its own still carries the token the layout gives htmx.
            match = HtmxToken().Match(html);
        }

        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"{page} has no antiforgery token.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("\"X-CSRF-TOKEN\": \"([^\"]+)\"")]
    private static partial Regex HtmxToken();
}
