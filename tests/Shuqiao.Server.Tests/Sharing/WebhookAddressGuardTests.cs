using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Sharing;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>Webhooks do not reach the node's own network (SSRF), neither by a literal address nor by a name that resolves there.</summary>
public sealed class WebhookAddressGuardTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.5", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)] // cloud metadata
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)] // IPv4-mapped private address
    [InlineData("8.8.8.8", true)]
    [InlineData("202.96.128.86", true)]
    [InlineData("2400:3200::1", true)]
    public void Internal_addresses_are_refused_by_default(string address, bool allowed) =>
        Assert.Equal(allowed, Guard().Allows(IPAddress.Parse(address)));

    [Fact]
    public void An_operator_may_allow_an_internal_range_and_only_that_range()
    {
        var guard = Guard("10.20.0.0/16");

        Assert.True(guard.Allows(IPAddress.Parse("10.20.3.4")));
        Assert.False(guard.Allows(IPAddress.Parse("10.21.3.4")));
        Assert.False(guard.Allows(IPAddress.Parse("127.0.0.1")));
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_when_connecting_and_allowed_once_configured()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptSocketAsync();

        using var refused = new HttpClient(Guard().Handler());
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync(new Uri($"http://localhost:{port}/hook")));
        Assert.Contains("internal addresses", error.Message, StringComparison.Ordinal);
        Assert.False(accepted.IsCompleted);

        using var allowed = new HttpClient(Guard("127.0.0.1", "::1").Handler()) { Timeout = TimeSpan.FromSeconds(2) };
        _ = allowed.GetAsync(new Uri($"http://localhost:{port}/hook"));
        using var socket = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(socket.Connected);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9000/")]
    [InlineData("https://10.0.0.8/hook")]
    public async Task Setting_a_webhook_to_an_internal_address_is_refused_with_the_field_and_nothing_is_saved(string url)
    {
        var organization = await TestData.InsertOrganizationAsync(server.ConnectionString, "推送测试局" + Guid.NewGuid().ToString("N")[..6]);
        using var steward = await server.ApiAsUserAsync(organization, Roles.DataSteward);

        var response = await steward.PutAsJsonAsync($"/api/v1/organizations/{organization}/webhook", new { url });

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "url");
        Assert.Contains(reasons, r => r.Contains("internal address", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await steward.GetAsync($"/api/v1/organizations/{organization}/webhook")).StatusCode);
    }

    private static WebhookAddressGuard Guard(params string[] allowed)
    {
        var options = new SharingOptions();
        foreach (var network in allowed)
        {
            options.WebhookAllowedNetworks.Add(network);
        }

        return new WebhookAddressGuard(Options.Create(options));
    }
}
