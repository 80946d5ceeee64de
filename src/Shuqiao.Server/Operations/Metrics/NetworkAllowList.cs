using System.Net;
using Microsoft.Extensions.Options;

namespace Shuqiao.Server.Operations.Metrics;

/// <summary>Who may scrape <c>/metrics</c> (<see cref="OperationsOptions.MetricsAllowedNetworks"/>); empty allows everyone.</summary>
public sealed class NetworkAllowList
{
    private readonly IPNetwork[] _networks;

    public NetworkAllowList(IOptions<OperationsOptions> options) =>
        _networks = options.Value.MetricsAllowedNetworks.Select(n => IPNetwork.Parse(n.Trim())).ToArray();

    public bool IsRestricted => _networks.Length > 0;

    public bool Allows(IPAddress? address)
    {
        if (_networks.Length == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; match them against IPv4 networks too.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain) || n.Contains(address));
    }
}
