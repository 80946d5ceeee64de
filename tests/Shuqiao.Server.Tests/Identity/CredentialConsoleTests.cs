using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed partial class CredentialConsoleTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Creating_a_client_shows_its_key_once_and_no_page_shows_it_again()
    {
        var org = await NewOrganizationAsync();
        var browser = await SignedInAsync(org, Roles.DataSteward);
        var name = "不动产登记系统-" + Guid.NewGuid().ToString("N")[..6];

        var created = await PostFormAsync(browser, "/console/clients/new", "/console/clients/new", new()
        {
            ["Form.Name"] = name,
            ["Form.Description"] = "自然资源局",
            ["Form.IpAllowList"] = "",
            ["Form.RateLimitPerMinute"] = "60",
        });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var html = await created.Content.ReadAsStringAsync();
        var key = KeyPattern().Match(html).Value;
        Assert.NotEmpty(key);
        Assert.Contains("离开本页后将无法再次查看", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(AuthSchemes.ApiKey, key).GetAsync("/api/v1/clients/me")).StatusCode);

        var secret = key.Split('.')[1];
        var list = await browser.GetStringAsync("/console/clients");
        Assert.Contains(name, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        var id = Regex.Match(list, "/console/clients/([0-9a-f-]{36})").Groups[1].Value;
        var details = await browser.GetStringAsync($"/console/clients/{id}");
        Assert.Contains(key.Split('.')[0], details, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_on_the_create_form_is_reported_with_the_field_and_no_client_is_made()
    {
        var org = await NewOrganizationAsync();
        var browser = await SignedInAsync(org, Roles.DataSteward);

        var response = await PostFormAsync(browser, "/console/clients/new", "/console/clients/new", new()
        {
            ["Form.Name"] = "bad",
            ["Form.IpAllowList"] = "10.0.0.0/8\n300.1.1.1",
            ["Form.RateLimitPerMinute"] = "60",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("IP 白名单 [1]", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(KeyPattern(), html);
    }

    [Fact]
    public async Task Rotating_on_the_details_page_shows_the_new_key_once_and_the_old_key_stops()
    {
        var org = await NewOrganizationAsync();
        var (oldApi, clientId, oldKey) = await server.ApiAsClientAsync(org);
        var browser = await SignedInAsync(org, Roles.DataSteward);

        var rotated = await PostFormAsync(browser, $"/console/clients/{clientId}", $"/console/clients/{clientId}?handler=Rotate", new() { ["GraceMinutes"] = "0" });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKey = KeyPattern().Match(await rotated.Content.ReadAsStringAsync()).Value;
        Assert.StartsWith(oldKey.Split('.')[0] + ".", newKey, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldApi.GetAsync("/api/v1/clients/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(AuthSchemes.ApiKey, newKey).GetAsync("/api/v1/clients/me")).StatusCode);
        Assert.DoesNotContain(newKey.Split('.')[1], await browser.GetStringAsync($"/console/clients/{clientId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspending_editing_and_deleting_on_the_details_page_take_effect_on_the_api()
    {
        var org = await NewOrganizationAsync();
        var (api, clientId, _) = await server.ApiAsClientAsync(org);
        var browser = await SignedInAsync(org, Roles.DataSteward);
        var page = $"/console/clients/{clientId}";

        var suspended = await PostFormAsync(browser, page, page + "?handler=Suspend", []);
        Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(browser, page, page + "?handler=Activate", [])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);

        var html = await browser.GetStringAsync(page);
        var version = Regex.Match(html, "name=\"Form.Version\" value=\"(\\d+)\"").Groups[1].Value;
        var edited = await PostFormAsync(browser, page, page + "?handler=Update", new()
        {
            ["Form.Name"] = "renamed-" + clientId.ToString("N")[..6],
            ["Form.IpAllowList"] = "192.0.2.0/24",
            ["Form.RateLimitPerMinute"] = "30",
            ["Form.Version"] = version,
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Contains("192.0.2.0/24", await browser.GetStringAsync(page), StringComparison.Ordinal);

        var unconfirmed = await PostFormAsync(browser, page, page + "?handler=Delete", []);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(page)).StatusCode);

        var deleted = await PostFormAsync(browser, page, page + "?handler=Delete", new() { ["ConfirmDelete"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(page)).StatusCode);
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "deleted", "ApiKey");
    }

    [Fact]
    public async Task A_data_steward_sees_only_its_own_organizations_clients_in_the_console()
    {
        var mine = await NewOrganizationAsync();
        var (_, theirs, _) = await server.ApiAsClientAsync(await NewOrganizationAsync());
        var browser = await SignedInAsync(mine, Roles.DataSteward);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/clients/{theirs}")).StatusCode);
        Assert.DoesNotContain(theirs.ToString(), await browser.GetStringAsync("/console/clients"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_without_a_client_managing_role_are_sent_to_the_access_denied_page()
    {
        var browser = await SignedInAsync(await NewOrganizationAsync(), Roles.Approver);
        var response = await browser.GetAsync("/console/clients");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/denied", response.Headers.Location?.AbsolutePath ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_creates_a_token_on_the_tokens_page_sees_it_once_and_revokes_it()
    {
        var browser = await SignedInAsync(await NewOrganizationAsync(), Roles.DataSteward, Roles.Auditor);

        var created = await PostFormAsync(browser, "/console/account/tokens", "/console/account/tokens?handler=Create", new()
        {
            ["Name"] = "命令行",
            ["ExpiresInDays"] = "7",
            ["SelectedRoles"] = Roles.Auditor,
        });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var token = TokenPattern().Match(await created.Content.ReadAsStringAsync()).Value;
        Assert.NotEmpty(token);
        var api = server.ClientWith(AuthSchemes.Bearer, token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/users")).StatusCode);     // Auditor
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/v1/clients")).StatusCode); // not DataSteward

        var list = await browser.GetStringAsync("/console/account/tokens");
        Assert.Contains(token.Split('.')[0], list, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], list, StringComparison.Ordinal);
        var id = Regex.Match(list, "tokenId=([0-9a-f-]{36})").Groups[1].Value;

        var revoked = await PostFormAsync(browser, "/console/account/tokens", $"/console/account/tokens?handler=Revoke&tokenId={id}", []);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_keeps_this_session_and_the_new_password_signs_in()
    {
        var org = await NewOrganizationAsync();
        var user = await server.CreateUserAsync(org, "pw-" + Guid.NewGuid().ToString("N")[..8], ServerFactory.TestPassword, Roles.DataSteward);
        var browser = Browser();
        await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword);
        var other = Browser();
        await ConsoleLoginTests.PostLoginAsync(other, user.Login, ServerFactory.TestPassword);
        const string NewPassword = "Brand-New-Secret-42";

        var mismatch = await PostFormAsync(browser, "/console/account/password", "/console/account/password", new()
        {
            ["CurrentPassword"] = ServerFactory.TestPassword, ["NewPassword"] = NewPassword, ["ConfirmPassword"] = NewPassword + "x",
        });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);

        var changed = await PostFormAsync(browser, "/console/account/password", "/console/account/password", new()
        {
            ["CurrentPassword"] = ServerFactory.TestPassword, ["NewPassword"] = NewPassword, ["ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var after = await browser.GetAsync("/console/account/password?changed=true");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("password-changed", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/console")).StatusCode); // the other session ended
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(Browser(), user.Login, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleLoginTests.PostLoginAsync(Browser(), user.Login, ServerFactory.TestPassword)).StatusCode);
    }

    [Fact]
    public async Task A_platform_admin_creates_and_edits_users_while_an_auditor_can_only_look()
    {
        var org = await NewOrganizationAsync();
        var admin = await SignedInAsync(org, Roles.PlatformAdmin);
        var login = "new-" + Guid.NewGuid().ToString("N")[..8];

        var created = await PostFormAsync(admin, "/console/users/new", "/console/users/new", new()
        {
            ["Login"] = login, ["DisplayName"] = "李四", ["OrganizationId"] = org.ToString(), ["SelectedRoles"] = Roles.Approver, ["Password"] = ServerFactory.TestPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = created.Headers.Location!.OriginalString.Split('?')[0];
        Assert.Contains(login, await admin.GetStringAsync($"/console/users?Search={login}"), StringComparison.Ordinal);

        var html = await admin.GetStringAsync(page);
        var version = Regex.Match(html, "name=\"Version\" value=\"(\\d+)\"").Groups[1].Value;
        var edited = await PostFormAsync(admin, page, page + "?handler=Update", new()
        {
            ["DisplayName"] = "李四", ["OrganizationId"] = org.ToString(), ["SelectedRoles"] = Roles.Auditor, ["Status"] = "Active", ["Version"] = version,
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Contains("审计员", await admin.GetStringAsync(page), StringComparison.Ordinal);

        var auditor = await SignedInAsync(org, Roles.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(page)).StatusCode);
        var refused = await PostFormAsync(auditor, page, page + "?handler=ResetPassword", new() { ["NewPassword"] = "Another-Secret-77" });
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/console/denied", refused.Headers.Location?.AbsolutePath ?? refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await auditor.GetAsync("/console/users/new")).StatusCode);

        var steward = await SignedInAsync(org, Roles.DataSteward);
        Assert.Equal(HttpStatusCode.Redirect, (await steward.GetAsync("/console/users")).StatusCode);
    }

    private Task<Guid> NewOrganizationAsync() => TestData.InsertOrganizationAsync(server.ConnectionString, "控制台测试局");

    private HttpClient Browser() => server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInAsync(Guid org, params string[] roles)
    {
        var user = await server.CreateUserAsync(org, "c-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, roles);
        var browser = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword)).StatusCode);
        return browser;
    }

    /// <summary>Loads the page that holds the form (for its antiforgery token) and posts the form.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string formPage, string action, Dictionary<string, string> fields)
    {
        var html = await browser.GetStringAsync(formPage);
        // A page whose only forms are the layout's still carries the token for htmx in <body hx-headers>.
        var field = AntiforgeryField().Match(html);
        fields["__RequestVerificationToken"] = field.Success ? field.Groups[1].Value : HtmxToken().Match(html).Groups[1].Value;
        return await browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("sqk_[a-z2-7]{16}\\.[a-z2-7]{52}")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("sqp_[a-z2-7]{16}\\.[a-z2-7]{52}")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("\"X-CSRF-TOKEN\": \"([^\"]+)\"")]
    private static partial Regex HtmxToken();
}
