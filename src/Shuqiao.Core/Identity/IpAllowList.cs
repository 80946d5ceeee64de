using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Identity;

/// <summary>
/// The source addresses an API client may call from (IP 白名单): single IPv4/IPv6 addresses and CIDR ranges.
/// An empty list allows any address. IPv4-mapped IPv6 addresses (<c>::ffff:10.0.0.1</c>, as a dual-stack socket
/// reports IPv4 peers) match IPv4 entries, and such entries are stored as the IPv4 they mean.
/// </summary>
public sealed partial class IpAllowList : IEquatable<IpAllowList>
{
    public const int MaxEntries = 100;

    private readonly IPNetwork[] _networks;

    private IpAllowList(IPNetwork[] networks) => _networks = networks;

    public static IpAllowList Any { get; } = new([]);

    public IReadOnlyList<IPNetwork> Networks => _networks;

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>Parses entries as people type them; reasons are reported per entry (<c>ipAllowList[2]</c>).</summary>
    public static Outcome<IpAllowList> Parse(IEnumerable<string?>? entries, string field = "ipAllowList")
    {
        var errors = new FieldErrors();
        var networks = new List<IPNetwork>();
        var index = 0;
        foreach (var raw in entries ?? [])
        {
            var entry = raw?.Trim() ?? "";
            if (entry.Length == 0)
            {
                errors.Add($"{field}[{index}]", "is empty; give an IP address (10.1.2.3) or a CIDR range (10.1.0.0/16)");
            }
            else if (TryParseEntry(entry, out var network, out var reason))
            {
                if (!networks.Contains(network))
                {
                    networks.Add(network);
                }
            }
            else
            {
                errors.Add($"{field}[{index}]", reason);
            }

            index++;
        }

        if (index > MaxEntries)
        {
            errors.Add(field, $"must have at most {MaxEntries} entries");
        }

        return errors.IsEmpty ? new IpAllowList([.. networks]) : Failure.Invalid(errors);
    }

    /// <summary>Reads entries written by <see cref="ToStrings"/> (or PostgreSQL's <c>cidr</c> text); they were validated on the way in.</summary>
    public static IpAllowList FromStored(IEnumerable<string> entries)
    {
        var parsed = Parse(entries);
        return parsed.Value ?? throw new FormatException("A stored IP allow-list entry is not a valid address or range.");
    }

    /// <summary>Whether a request from <paramref name="address"/> is allowed. An unknown address is allowed only by an empty list.</summary>
    public bool Allows(IPAddress? address)
    {
        if (IsEmpty)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Canonical text: a single address without its <c>/32</c> or <c>/128</c>, ranges as <c>base/prefix</c>.</summary>
    public IReadOnlyList<string> ToStrings() => [.. _networks.Select(Format)];

    public override string ToString() => string.Join(", ", ToStrings());

    public bool Equals(IpAllowList? other) => other is not null && _networks.AsSpan().SequenceEqual(other._networks);

    public override bool Equals(object? obj) => Equals(obj as IpAllowList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var network in _networks)
        {
            hash.Add(network);
        }

        return hash.ToHashCode();
    }

    private static string Format(IPNetwork network) =>
        network.PrefixLength == MaxPrefix(network.BaseAddress) ? network.BaseAddress.ToString() : network.ToString();

    private static int MaxPrefix(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    private static bool TryParseEntry(string entry, out IPNetwork network, out string reason)
    {
        network = default;
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? entry : entry[..slash];
        if (!TryParseAddress(addressText, out var address, out reason))
        {
            reason = $"'{entry}' {reason}";
            return false;
        }

        var prefix = MaxPrefix(address);
        if (slash >= 0)
        {
            var prefixText = entry[(slash + 1)..];
            if (!PrefixPattern().IsMatch(prefixText) || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > MaxPrefix(address))
            {
                reason = $"'{entry}' has an invalid prefix length; it must be 0–{MaxPrefix(address)}";
                return false;
            }
        }

        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
        }

        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            // PostgreSQL's cidr type refuses host bits too; say which network was probably meant.
            reason = $"'{entry}' has bits set beyond its prefix; did you mean {masked}/{prefix}?";
            return false;
        }

        network = new IPNetwork(address, prefix);
        reason = "";
        return true;
    }

    private static bool TryParseAddress(string text, out IPAddress address, out string reason)
    {
        address = IPAddress.None;
        reason = "is not an IP address or CIDR range";
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.Contains('%', StringComparison.Ordinal))
            {
                reason = "must not carry an IPv6 zone index (%…)";
                return false;
            }

            return IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPAddress.TryParse also takes "10.1" or "0x0a.0.0.1"; an allow-list entry must say exactly what it means.
        return DottedQuad().IsMatch(text) && IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetwork;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^\d{1,3}$")]
    private static partial Regex PrefixPattern();
}
