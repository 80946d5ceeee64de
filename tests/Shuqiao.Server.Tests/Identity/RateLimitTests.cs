using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

public sealed class RateLimitTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_client_over_its_own_limit_gets_429_with_retry_after_while_other_clients_are_unaffected()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "限流测试局");
        var (limited, _, _) = await server.ApiAsClientAsync(new CreateClientRequest("slow-" + Guid.NewGuid().ToString("N")[..8], org, RateLimitPerMinute: 3));
        var (other, _, _) = await server.ApiAsClientAsync(new CreateClientRequest("fast-" + Guid.NewGuid().ToString("N")[..8], org, RateLimitPerMinute: 3));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/api/v1/clients/me")).StatusCode);
        }

        var refused = await limited.GetAsync("/api/v1/clients/me");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 20); // one request's worth at 3 a minute
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("3 requests per minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task Users_get_a_generous_limit_of_their_own()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "限流测试局");
        var user = await server.ApiAsUserAsync(org, Roles.DataSteward);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/users/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Refused_credentials_are_not_rate_limited_as_the_client()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "限流测试局");
        var (_, _, key) = await server.ApiAsClientAsync(new CreateClientRequest("probe-" + Guid.NewGuid().ToString("N")[..8], org, RateLimitPerMinute: 1));
        var forger = server.ClientWith("ApiKey", key.Split('.')[0] + ".guess");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await forger.GetAsync("/api/v1/clients/me")).StatusCode);
        }

        // Wrong guesses did not use up the real client's single request.
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith("ApiKey", key).GetAsync("/api/v1/clients/me")).StatusCode);
    }
}
