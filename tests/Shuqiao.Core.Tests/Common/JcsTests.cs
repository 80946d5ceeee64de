using Shuqiao.Core.Common;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Core.Tests.Common;

/// <summary>RFC 8785 (JSON Canonicalization Scheme): its own examples, values copied from the RFC.</summary>
public sealed class JcsTests
{
    [Fact]
    public void The_rfc_8785_section_3_2_2_example_canonicalizes_byte_for_byte()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.Equal(expected, Jcs.CanonicalizeToString(input));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_as_rfc_8785_section_3_2_3_shows()
    {
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
        var canonical = Jcs.CanonicalizeToString(input);
        var order = JsonNode.Parse(canonical)!.AsObject().Select(p => p.Value!.GetValue<string>()).ToArray();

        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            order);
    }

    [Theory]
    // RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serializations.
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_serialize_as_rfc_8785_appendix_b_lists(ulong bits, string expected)
    {
        Assert.Equal(expected, Jcs.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Theory]
    [InlineData(0x7fffffffffffffffUL)]
    [InlineData(0x7ff0000000000000UL)]
    public void NaN_and_infinity_have_no_canonical_form(ulong bits)
    {
        Assert.Throws<JcsException>(() => Jcs.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Fact]
    public void Duplicate_member_names_are_not_i_json_and_are_refused()
    {
        Assert.Throws<JcsException>(() => Jcs.CanonicalizeToString("""{"a":1,"a":2}"""));
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        Assert.Throws<JcsException>(() => Jcs.CanonicalizeToString("\"\\ud800\""));
    }

    [Fact]
    public void Chinese_text_is_written_as_is_and_numbers_built_in_code_match_parsed_ones()
    {
        var built = new JsonObject { ["持证主体"] = "示范市某某有限公司", ["capital"] = 1000000m, ["ratio"] = 0.5 };
        Assert.Equal("""{"capital":1000000,"ratio":0.5,"持证主体":"示范市某某有限公司"}""", Jcs.CanonicalizeToString(built));
        Assert.Equal(Jcs.CanonicalizeToString(built), Jcs.CanonicalizeToString(built.ToJsonString()));
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
}
