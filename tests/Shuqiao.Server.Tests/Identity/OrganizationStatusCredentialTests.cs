using System.Net;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

/// <summary>
/// An organization's status reaches its API clients' cached credentials at once (docs/organizations.md: disabling is
/// refused while the organization has active clients, so the state that must not linger is "organization disabled"
/// after it is enabled again; and a client switched on under a disabled organization must stay refused).
/// </summary>
public sealed class OrganizationStatusCredentialTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_client_of_a_disabled_organization_is_refused_and_works_on_the_next_request_after_the_organization_is_enabled()
    {
        var admin = await server.ApiAsUserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "数据局"), Roles.PlatformAdmin);
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "撤并测试局");
        var (api, clientId, _) = await server.ApiAsClientAsync(org);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);

        // The rules: suspend the clients, then disable; a client switched back on under a disabled organization stays out.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/clients/{clientId}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{org}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/clients/{clientId}/activate", null)).StatusCode);
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "organization is disabled", "ApiKey");
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "organization is disabled", "ApiKey"); // now cached

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{org}/enable", null)).StatusCode);

        // Within Shuqiao:Security:CredentialCacheSeconds (30 s here), so only the invalidation lets it through.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task Disabling_an_organization_with_an_active_client_is_refused_and_the_client_keeps_working()
    {
        var admin = await server.ApiAsUserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "数据局"), Roles.PlatformAdmin);
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "在用系统测试局");
        var (api, _, _) = await server.ApiAsClientAsync(org);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);

        var refused = await admin.PostAsync($"/api/v1/organizations/{org}/disable", null);

        Assert.Contains(await refused.AssertFieldErrorAsync(HttpStatusCode.Conflict, "status"), r => r.Contains("API client", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);
    }
}
