using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

/// <summary>The real server with a clock the test moves: the only mock we allow.</summary>
public sealed class ClockedServerFactory : ServerFactory
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class CredentialExpiryTests(ClockedServerFactory server) : IClassFixture<ClockedServerFactory>
{
    [Fact]
    public async Task During_a_rotation_grace_period_both_keys_work_and_afterwards_only_the_new_one()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "轮换测试局");
        var (oldApi, clientId, _) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var rotated = await steward.PostAsJsonAsync($"/api/v1/clients/{clientId}/rotate", new { graceMinutes = 30 });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var body = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newApi = server.ClientWith(AuthSchemes.ApiKey, body.GetProperty("key").GetString()!);
        Assert.Equal(server.Clock.GetUtcNow().AddMinutes(30), body.GetProperty("client").GetProperty("previousSecretExpiresAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));

        Assert.Equal(HttpStatusCode.OK, (await oldApi.GetAsync("/api/v1/clients/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newApi.GetAsync("/api/v1/clients/me")).StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await oldApi.GetAsync("/api/v1/clients/me")).StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await oldApi.GetAsync("/api/v1/clients/me"), "grace period", "ApiKey");
        Assert.Equal(HttpStatusCode.OK, (await newApi.GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task A_grace_period_longer_than_a_day_is_refused()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "轮换测试局");
        var (_, clientId, _) = await server.ApiAsClientAsync(org);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var response = await steward.PostAsJsonAsync($"/api/v1/clients/{clientId}/rotate", new { graceMinutes = 1441 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("graceMinutes", out _));
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "令牌测试局");
        var issuer = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var created = await issuer.PostAsJsonAsync("/api/v1/tokens", new { name = "nightly", expiresInDays = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = server.ClientWith(AuthSchemes.Bearer, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/users/me")).StatusCode);

        server.Clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await token.GetAsync("/api/v1/users/me")).StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await token.GetAsync("/api/v1/users/me"), "expired", "Bearer");
    }
}
