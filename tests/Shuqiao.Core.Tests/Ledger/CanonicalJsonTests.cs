using Shuqiao.Core.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

/// <summary>RFC 8785 (JCS) against the RFC's own examples, and the ledger's admin-change entries built with it.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void The_rfc_8785_example_with_numbers_escapes_and_literals_is_reproduced()
    {
        // RFC 8785 §3.2.2 ("Serialization of Primitive Data Types") example, input and output verbatim.
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.Equal(expected, Encoding.UTF8.GetString(Jcs.CanonicalizeJson(input)));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_as_in_the_rfc_8785_sorting_example()
    {
        // RFC 8785 §3.2.3: the sort is on UTF-16 code units, so the emoji (a surrogate pair, 0xD83D…) sorts before U+FB33.
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        var names = JsonDocument.Parse(Jcs.CanonicalizeJson(input)).RootElement.EnumerateObject().Select(p => p.Value.GetString()).ToList();

        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            names);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(295147905179352830000.0, "295147905179352830000")]
    [InlineData(123.456, "123.456")]
    public void Numbers_are_written_as_ecmascript_does(double value, string expected) =>
        Assert.Equal(expected, Jcs.FormatNumber(value));

    [Fact]
    public void Negative_zero_is_written_as_zero() => Assert.Equal("0", Jcs.FormatNumber(-0.0));

    [Fact]
    public void Duplicate_member_names_are_refused()
    {
        Assert.Throws<JcsException>(() => Jcs.CanonicalizeJson("""{"a":1,"a":2}"""));
    }

    [Fact]
    public void An_admin_change_entry_holds_ids_action_and_snapshot_hashes_and_is_the_same_for_any_key_order()
    {
        var eventId = Guid.Parse("0190b3e4-7c1a-7d2e-9f00-123456789abc");
        var actorId = Guid.Parse("0190b3e4-0000-7000-8000-000000000001");
        var time = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8)).AddTicks(1234567);
        const string after = """{"login":"zhangsan","displayName":"张三","roles":["Approver"]}""";
        const string afterReordered = """{ "roles": ["Approver"], "displayName": "张三", "login": "zhangsan" }""";

        var entry = LedgerEntryFormat.AdminChange(eventId, time, ActorKind.User, actorId, "user.create", "User", "u-1", null, after);
        var same = LedgerEntryFormat.AdminChange(eventId, time, ActorKind.User, actorId, "user.create", "User", "u-1", null, afterReordered);

        var text = Encoding.UTF8.GetString(entry);
        Assert.Equal(entry, same);
        Assert.Equal(
            "{\"action\":\"user.create\",\"actor\":{\"id\":\"" + actorId + "\",\"kind\":\"User\"},\"after\":\"" +
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"displayName":"张三","login":"zhangsan","roles":["Approver"]}"""))) +
            "\",\"before\":null,\"event\":\"" + eventId + "\",\"target\":{\"id\":\"u-1\",\"type\":\"User\"},\"time\":\"2025-03-01T00:00:00.123456Z\",\"type\":\"admin-change\",\"v\":1}",
            text);
        Assert.DoesNotContain("zhangsan", text, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", text, StringComparison.Ordinal);
        Assert.Equal(("admin-change", (Guid?)eventId), LedgerEntryFormat.Describe(entry));
    }
}
