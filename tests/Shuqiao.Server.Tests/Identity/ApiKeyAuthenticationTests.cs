using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed class ApiKeyAuthenticationTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_client_with_its_key_is_authenticated_with_its_own_identity_and_limits()
    {
        var org = await NewOrganizationAsync();
        var (api, clientId, key) = await server.ApiAsClientAsync(org);

        var response = await api.GetAsync("/api/v1/clients/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(clientId, me.GetProperty("id").GetGuid());
        Assert.Equal(org, me.GetProperty("organizationId").GetGuid());
        Assert.Equal(key.Split('.')[0], me.GetProperty("keyId").GetString());
        Assert.StartsWith("sqk_", key, StringComparison.Ordinal);
        Assert.Equal("Active", me.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_a_problem_that_says_so()
    {
        var (_, _, key) = await server.ApiAsClientAsync(await NewOrganizationAsync());
        var keyId = key.Split('.')[0];

        var response = await server.ClientWith(AuthSchemes.ApiKey, keyId + ".not-the-secret").GetAsync("/api/v1/clients/me");

        await AssertRefusedAsync(response, "secret is wrong", "ApiKey");
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_its_own_reason()
    {
        var forged = SecretCredential.Create("sqk_");
        var response = await server.ClientWith(AuthSchemes.ApiKey, forged.ToString()).GetAsync("/api/v1/clients/me");
        await AssertRefusedAsync(response, "not known", "ApiKey");
    }

    [Theory]
    [InlineData("no-dot-at-all")]
    [InlineData(".secret-without-id")]
    [InlineData("sqk_abc.")]
    public async Task A_malformed_header_is_refused_with_its_own_reason(string credential)
    {
        var response = await server.ClientWith(AuthSchemes.ApiKey, credential).GetAsync("/api/v1/clients/me");
        await AssertRefusedAsync(response, "must be 'ApiKey <keyId>.<secret>'", "ApiKey");
    }

    [Fact]
    public async Task A_token_sent_as_an_api_key_is_named_for_what_it_is()
    {
        var response = await server.ClientWith(AuthSchemes.ApiKey, SecretCredential.Create("sqp_").ToString()).GetAsync("/api/v1/clients/me");
        await AssertRefusedAsync(response, "not an API key", "ApiKey");
    }

    [Fact]
    public async Task The_three_refusals_give_three_different_reasons_but_tell_nothing_about_the_client_without_its_secret()
    {
        var (api, clientId, key) = await server.ApiAsClientAsync(await NewOrganizationAsync());
        var keyId = key.Split('.')[0];
        var admin = await server.ApiAsUserAsync(await NewOrganizationAsync(), Roles.PlatformAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/clients/{clientId}/suspend", null)).StatusCode);

        var wrong = await DetailAsync(await server.ClientWith(AuthSchemes.ApiKey, keyId + ".guess").GetAsync("/api/v1/clients/me"));
        var unknown = await DetailAsync(await server.ClientWith(AuthSchemes.ApiKey, SecretCredential.Create("sqk_").ToString()).GetAsync("/api/v1/clients/me"));
        var malformed = await DetailAsync(await server.ClientWith(AuthSchemes.ApiKey, "garbage").GetAsync("/api/v1/clients/me"));
        var suspended = await DetailAsync(await api.GetAsync("/api/v1/clients/me"));

        Assert.Equal(4, new[] { wrong, unknown, malformed, suspended }.Distinct().Count());
        Assert.DoesNotContain("suspend", wrong, StringComparison.OrdinalIgnoreCase); // the state is told only to the secret's holder
        Assert.Contains("suspended", suspended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_client_is_refused_and_works_again_once_activated()
    {
        var org = await NewOrganizationAsync();
        var (api, clientId, _) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode); // now cached

        Assert.Equal(HttpStatusCode.OK, (await steward.PostAsync($"/api/v1/clients/{clientId}/suspend", null)).StatusCode);
        await AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "suspended", "ApiKey");

        Assert.Equal(HttpStatusCode.OK, (await steward.PostAsync($"/api/v1/clients/{clientId}/activate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task After_a_rotation_without_grace_the_old_key_is_refused_at_once_and_the_new_one_works()
    {
        var org = await NewOrganizationAsync();
        var (oldApi, clientId, oldKey) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        Assert.Equal(HttpStatusCode.OK, (await oldApi.GetAsync("/api/v1/clients/me")).StatusCode);

        var rotated = await steward.PostAsync($"/api/v1/clients/{clientId}/rotate", null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.True(rotated.Headers.CacheControl?.NoStore);
        var newKey = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(oldKey.Split('.')[0], newKey.Split('.')[0]); // same key id, new secret
        await AssertRefusedAsync(await oldApi.GetAsync("/api/v1/clients/me"), "secret is wrong", "ApiKey");
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(AuthSchemes.ApiKey, newKey).GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_client_is_refused_for_good_and_disappears_from_the_list()
    {
        var org = await NewOrganizationAsync();
        var (api, clientId, _) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await steward.DeleteAsync($"/api/v1/clients/{clientId}")).StatusCode);

        await AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "deleted", "ApiKey");
        Assert.Equal(HttpStatusCode.NotFound, (await steward.GetAsync($"/api/v1/clients/{clientId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await steward.PostAsync($"/api/v1/clients/{clientId}/activate", null)).StatusCode);
        var list = await steward.GetStringAsync($"/api/v1/clients?organizationId={org}");
        Assert.DoesNotContain(clientId.ToString(), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_console_session_cookie_alone_is_not_accepted_by_the_api()
    {
        var org = await NewOrganizationAsync();
        var user = await server.CreateUserAsync(org, "cookie-" + Guid.NewGuid().ToString("N")[..8], ServerFactory.TestPassword, Roles.PlatformAdmin);
        var browser = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).StatusCode);

        var response = await browser.GetAsync("/api/v1/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("cookies", await DetailAsync(response), StringComparison.Ordinal);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("ApiKey", challenges);
        Assert.Contains("Bearer", challenges);
    }

    [Fact]
    public async Task An_api_client_cannot_manage_clients_or_create_tokens()
    {
        var (api, clientId, _) = await server.ApiAsClientAsync(await NewOrganizationAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync($"/api/v1/clients/{clientId}")).StatusCode);
        var token = await api.PostAsJsonAsync("/api/v1/tokens", new { name = "sneaky" });
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        Assert.Equal("application/problem+json", token.Content.Headers.ContentType?.MediaType);
    }

    private Task<Guid> NewOrganizationAsync() => TestData.InsertOrganizationAsync(server.ConnectionString, "接口测试局");

    internal static async Task AssertRefusedAsync(HttpResponseMessage response, string reason, string scheme)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await DetailAsync(response), StringComparison.Ordinal);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == scheme);
    }

    internal static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("detail").GetString() ?? "";
    }
}
