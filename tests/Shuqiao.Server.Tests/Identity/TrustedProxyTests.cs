using System.Net;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Identity;

/// <summary>A node behind reverse proxies in 10.9.0.0/16 (Shuqiao:Security:TrustedProxies).</summary>
public sealed class TrustedProxyServerFactory : RemoteAddressServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Security:TrustedProxies:0"] = "10.9.0.0/16",
    };
}

/// <summary>The client address a trusted proxy reports is the source address; anyone else's X-Forwarded-For is not.</summary>
public sealed class TrustedProxyTests(TrustedProxyServerFactory server) : IClassFixture<TrustedProxyServerFactory>
{
    [Theory]
    [InlineData("10.9.0.1", "10.20.30.40", true)]                  // one trusted proxy reports an allowed client
    [InlineData("10.9.0.1", "10.20.30.40, 10.9.3.3", true)]        // through two trusted proxies
    [InlineData("10.9.0.1", "10.20.30.40, 203.0.113.5", false)]    // the hop before the proxy is not a proxy: it is the client
    [InlineData("192.0.2.50", "10.20.30.40", false)]               // not a trusted proxy: its header is ignored
    [InlineData("10.9.0.1", "192.0.2.77", false)]                  // a trusted proxy reports a client outside the list
    public async Task The_source_address_is_what_trusted_proxies_report(string peer, string forwardedFor, bool accepted)
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "代理测试局");
        var (api, _, _) = await server.ApiAsClientAsync(new CreateClientRequest("proxy-" + Guid.NewGuid().ToString("N")[..8], org, IpAllowList: ["10.20.0.0/16"]));
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clients/me");
        request.Headers.Add(RemoteAddressServerFactory.Header, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);

        var response = await api.SendAsync(request);

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            await ApiKeyAuthenticationTests.AssertRefusedAsync(response, "does not accept requests from", "ApiKey");
        }
    }
}

public sealed class TrustedProxySettingTests
{
    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "10.9.0.0/16", " 192.0.2.7 ", "fd00::/8" }, true)]
    [InlineData(new[] { "10.9.0.0/16", "proxy.internal" }, false)]
    [InlineData(new[] { "10.9.0.1/8" }, false)] // host bits set: a typo, not a network
    public void Trusted_proxies_must_be_addresses_or_cidr_ranges(string[] proxies, bool valid)
    {
        Assert.Equal(valid, Shuqiao.Server.Platform.SecurityOptions.ProxiesAreValid(new Shuqiao.Server.Platform.SecurityOptions { TrustedProxies = proxies }));
    }
}
