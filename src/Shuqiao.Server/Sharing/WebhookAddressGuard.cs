using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Sharing;

/// <summary>
/// Keeps webhook deliveries off the node's own network (SSRF): a department types the URL, the server makes the call,
/// so without this a webhook could reach PostgreSQL's host, cloud metadata (169.254.169.254) or an intranet admin page.
/// The check runs when the connection is made, on the addresses DNS actually returned — a name that resolves to a public
/// address when saved and to 10.0.0.5 later (DNS rebinding) is still refused. Redirects are not followed.
/// Private ranges an operator trusts (an on-premises receiver) are allowed with <c>Shuqiao:Sharing:WebhookAllowedNetworks</c>.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<SharingOptions> options)
{
    // Loopback, private (RFC 1918, RFC 4193), link-local, carrier-grade NAT, benchmarking, documentation, multicast,
    // "this network" and reserved ranges: none is a department's public receiver.
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("64:ff9b::/96"),
    ];

    private readonly IpAllowList _allowed = IpAllowList.FromStored(options.Value.WebhookAllowedNetworks);

    /// <summary>Whether a delivery may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return !Internal.Any(n => n.Contains(plain)) || (!_allowed.IsEmpty && _allowed.Allows(plain));
    }

    /// <summary>The handler of the webhook HttpClient: connects only to allowed addresses, follows no redirect.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(Allows).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"The webhook host {host} resolves only to internal addresses, which webhooks may not reach (Shuqiao:Sharing:WebhookAllowedNetworks).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
