using System.Net;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>A gateway server in benchmark mode (bench/gateway), which maps the benchmark's comparison paths.</summary>
public sealed class BenchmarkExchangeServer : ExchangeServer
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Shuqiao:BenchmarkMode"] = "true" };
}

/// <summary>The benchmark's baseline and unaudited paths: what they skip, and what they still enforce.</summary>
public sealed class ExchangeBenchEndpointsTests(BenchmarkExchangeServer server) : IClassFixture<BenchmarkExchangeServer>
{
    [Fact]
    public async Task The_baseline_reads_the_stored_row_without_credentials_masking_or_audit()
    {
        var world = await CreateAsync(server);
        using var anonymous = server.CreateClient();

        var (status, body) = await world.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/bench/exchange/{world.Slug}/records/{Zhang.IdNumber}"), anonymous);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Zhang.Name, body.GetProperty("name").GetString());
        Assert.Equal(Zhang.IdNumber, body.GetProperty("idNumber").GetString());
    }

    [Fact]
    public async Task The_unaudited_path_governs_as_the_gateway_does_but_writes_no_event_for_an_allowed_read()
    {
        var world = await CreateAsync(server);
        var user = "bench-" + Guid.NewGuid().ToString("N")[..8];
        using var anonymous = server.CreateClient();

        var (unauthenticated, _) = await world.SendAsync(Unaudited(world, Zhang.IdNumber, Purpose, user), anonymous);
        var (allowed, record) = await world.SendAsync(Unaudited(world, Zhang.IdNumber, Purpose, user));
        Assert.Equal(0, await world.EventsAsync(user));
        var (governed, governedRecord) = await world.SendAsync(world.Get(Zhang.IdNumber, Purpose, user));
        var (refused, problem) = await world.SendAsync(Unaudited(world, Zhang.IdNumber, "另一个目的", user));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated);
        Assert.Equal(HttpStatusCode.OK, allowed);
        Assert.Equal(HttpStatusCode.OK, governed);
        Assert.Equal(Text(governedRecord), Text(record)); // the same fields, masked alike
        Assert.NotEqual(Zhang.Name, record.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("denied.purposeMismatch", Reason(problem));
        Assert.Equal(1, await world.EventsAsync(user, "Allowed")); // the governed read only
        Assert.Equal(1, await world.EventsAsync(user, "Denied"));  // refusals are audited on every path
    }

    private static HttpRequestMessage Unaudited(ExchangeWorld world, string key, string purpose, string user)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/bench/exchange/{world.Slug}/unaudited/{Uri.EscapeDataString(key)}");
        request.Headers.Add("X-Shuqiao-Purpose", Uri.EscapeDataString(purpose));
        request.Headers.Add("X-Shuqiao-User", user);
        return request;
    }
}

/// <summary>Outside benchmark mode the comparison paths do not exist.</summary>
public sealed class ExchangeBenchEndpointsAbsentTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Theory]
    [InlineData("records")]
    [InlineData("unaudited")]
    public async Task A_server_not_in_benchmark_mode_does_not_map_them(string path)
    {
        var world = await CreateAsync(server);

        var (status, _) = await world.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/bench/exchange/{world.Slug}/{path}/{Zhang.IdNumber}"));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
