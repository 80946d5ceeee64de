using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

/// <summary>
/// The in-memory test server leaves <c>RemoteIpAddress</c> null. This server sets it from a test-only header before
/// anything else runs, as Kestrel (or ForwardedHeaders behind a proxy) would.
/// </summary>
public class RemoteAddressServerFactory : ServerFactory
{
    public const string Header = "X-Test-Remote-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(value.ToString());
                }

                return following(context);
            });
            next(app);
        };
    }
}

public sealed class IpAllowListTests(RemoteAddressServerFactory server) : IClassFixture<RemoteAddressServerFactory>
{
    [Theory]
    [InlineData("10.20.30.40", true)]
    [InlineData("10.20.255.1", true)]
    [InlineData("::ffff:10.20.1.2", true)]     // an IPv4 peer on a dual-stack socket
    [InlineData("2001:db8:0:1::5", true)]
    [InlineData("192.0.2.1", true)]            // a single listed address
    [InlineData("192.0.2.2", false)]
    [InlineData("10.21.0.1", false)]
    [InlineData("2001:db8:1::5", false)]
    public async Task Requests_are_accepted_only_from_listed_addresses(string source, bool accepted)
    {
        var api = await ClientWithAllowListAsync("10.20.0.0/16", "192.0.2.1", "2001:db8:0::/48");

        var response = await SendFromAsync(api, source);

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            await ApiKeyAuthenticationTests.AssertRefusedAsync(response, "does not accept requests from", "ApiKey");
        }
    }

    [Fact]
    public async Task A_request_whose_source_address_is_unknown_is_refused_when_the_list_is_not_empty()
    {
        var api = await ClientWithAllowListAsync("10.20.0.0/16");
        await ApiKeyAuthenticationTests.AssertRefusedAsync(await api.GetAsync("/api/v1/clients/me"), "source address is unknown", "ApiKey");
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forwarded_address_is_ignored()
    {
        var api = await ClientWithAllowListAsync("10.20.0.0/16");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clients/me");
        request.Headers.Add(RemoteAddressServerFactory.Header, "192.0.2.50");
        request.Headers.Add("X-Forwarded-For", "10.20.30.40");

        await ApiKeyAuthenticationTests.AssertRefusedAsync(await api.SendAsync(request), "does not accept requests from 192.0.2.50", "ApiKey");
    }

    [Fact]
    public async Task An_empty_list_accepts_any_address_even_an_unknown_one()
    {
        var api = await ClientWithAllowListAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendFromAsync(api, "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients/me")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_list_takes_effect_on_the_next_request()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "白名单测试局");
        var (api, clientId, _) = await server.ApiAsClientAsync(new CreateClientRequest("list-" + Guid.NewGuid().ToString("N")[..8], org, IpAllowList: ["10.0.0.0/8"]));
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        Assert.Equal(HttpStatusCode.OK, (await SendFromAsync(api, "10.1.1.1")).StatusCode);

        var current = await steward.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}");
        var updated = await steward.PutAsJsonAsync($"/api/v1/clients/{clientId}", new
        {
            name = current.GetProperty("name").GetString(),
            description = (string?)null,
            ipAllowList = new[] { "172.16.0.0/12" },
            rateLimitPerMinute = 600,
            version = current.GetProperty("version").GetInt32(),
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendFromAsync(api, "10.1.1.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendFromAsync(api, "172.16.5.5")).StatusCode);
    }

    [Fact]
    public async Task Bad_entries_are_refused_with_a_reason_per_entry()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "白名单测试局");
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var response = await steward.PostAsJsonAsync("/api/v1/clients", new { name = "bad-list", ipAllowList = new[] { "10.0.0.0/8", "10.1.2.3/8", "not-an-ip", "10.1" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.False(errors.TryGetProperty("ipAllowList[0]", out _));
        Assert.Contains("10.0.0.0/8", errors.GetProperty("ipAllowList[1]")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("ipAllowList[2]", out _));
        Assert.True(errors.TryGetProperty("ipAllowList[3]", out _));
    }

    private async Task<HttpClient> ClientWithAllowListAsync(params string[] entries)
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "白名单测试局");
        var (api, _, _) = await server.ApiAsClientAsync(new CreateClientRequest("list-" + Guid.NewGuid().ToString("N")[..8], org, IpAllowList: entries));
        return api;
    }

    private static Task<HttpResponseMessage> SendFromAsync(HttpClient api, string source)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clients/me");
        request.Headers.Add(RemoteAddressServerFactory.Header, source);
        return api.SendAsync(request);
    }
}
