using System.Net;
using Shuqiao.Core.Identity;

namespace Shuqiao.Core.Tests.Identity;

public sealed class IpAllowListTests
{
    [Fact]
    public void An_empty_list_allows_any_address_and_an_unknown_one()
    {
        var list = Parse();
        Assert.True(list.IsEmpty);
        Assert.True(list.Allows(IPAddress.Parse("203.0.113.7")));
        Assert.True(list.Allows(IPAddress.Parse("2001:db8::1")));
        Assert.True(list.Allows(null));
    }

    [Theory]
    [InlineData("10.20.0.0/16", "10.20.255.254", true)]
    [InlineData("10.20.0.0/16", "10.21.0.1", false)]
    [InlineData("192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    [InlineData("192.0.2.1/32", "192.0.2.1", true)]
    [InlineData("0.0.0.0/0", "198.51.100.1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::5", "2001:db8::5", true)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]        // families do not mix
    [InlineData("10.0.0.0/8", "2001:db8::1", false)]
    public void An_address_is_allowed_when_an_entry_covers_it(string entry, string address, bool allowed) =>
        Assert.Equal(allowed, Parse(entry).Allows(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.20.0.0/16", "::ffff:10.20.3.4", true)]   // a dual-stack socket reports IPv4 peers this way
    [InlineData("10.20.0.0/16", "::ffff:10.21.3.4", false)]
    [InlineData("::ffff:10.20.0.0/112", "10.20.9.9", true)]  // a mapped entry means the IPv4 range it maps
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    public void Ipv4_mapped_ipv6_addresses_match_ipv4_entries(string entry, string address, bool allowed) =>
        Assert.Equal(allowed, Parse(entry).Allows(IPAddress.Parse(address)));

    [Fact]
    public void A_non_empty_list_refuses_an_unknown_address()
    {
        Assert.False(Parse("10.0.0.0/8").Allows(null));
    }

    [Fact]
    public void Entries_are_stored_in_canonical_form_without_duplicates()
    {
        var list = Parse(" 10.0.0.0/8 ", "192.0.2.1/32", "::ffff:192.0.2.1", "2001:DB8:0::/48", "10.0.0.0/8");
        Assert.Equal(["10.0.0.0/8", "192.0.2.1", "2001:db8::/48"], list.ToStrings());
        Assert.Equal(list, IpAllowList.FromStored(["10.0.0.0/8", "192.0.2.1/32", "2001:db8::/48"]));
    }

    [Theory]
    [InlineData("not-an-ip", "is not an IP address")]
    [InlineData("10.1", "is not an IP address")]             // IPAddress.Parse would read 10.0.0.1
    [InlineData("0x0a.0.0.1", "is not an IP address")]
    [InlineData("256.1.1.1", "is not an IP address")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/", "prefix length")]
    [InlineData("2001:db8::/129", "prefix length")]
    [InlineData("10.1.2.3/8", "did you mean 10.0.0.0/8")]
    [InlineData("2001:db8::1/32", "did you mean 2001:db8::/32")]
    [InlineData("fe80::1%eth0", "zone index")]
    [InlineData("   ", "is empty")]
    public void A_bad_entry_is_refused_with_a_reason_naming_it(string entry, string reason)
    {
        var outcome = IpAllowList.Parse(["192.0.2.1", entry]);

        Assert.False(outcome.Succeeded);
        var errors = outcome.Failure!.Errors!;
        Assert.False(errors.ContainsKey("ipAllowList[0]"));
        Assert.Contains(reason, Assert.Single(errors["ipAllowList[1]"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_longer_than_the_maximum_is_refused()
    {
        var entries = Enumerable.Range(0, IpAllowList.MaxEntries + 1).Select(i => $"10.0.{i / 256}.{i % 256}");
        var outcome = IpAllowList.Parse(entries);
        Assert.True(outcome.Failure!.Errors!.ContainsKey("ipAllowList"));
    }

    private static IpAllowList Parse(params string[] entries)
    {
        var outcome = IpAllowList.Parse(entries);
        Assert.True(outcome.Succeeded, outcome.Failure?.ToString());
        return outcome.Value!;
    }
}
