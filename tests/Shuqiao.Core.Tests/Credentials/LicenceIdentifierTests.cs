using Shuqiao.Core.Credentials;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Credentials;

public sealed class LicenceIdentifierTests
{
    [Fact]
    public void Mod_37_36_gives_the_published_example_check_character()
    {
        // ISO/IEC 7064 MOD 37,36 example as published with python-stdnum's iso7064.mod_37_36.
        Assert.Equal('M', Mod3736.Compute("A12425GABC1234002"));
        Assert.True(Mod3736.IsValid("A12425GABC1234002M"));
        Assert.False(Mod3736.IsValid("A12425GABC1234002N"));
    }

    [Fact]
    public void Mod_37_36_catches_every_single_character_change_and_every_adjacent_transposition()
    {
        const string body = "12156300529135010061000001X00191350100MB0000000Y00000123001";
        var check = Mod3736.Compute(body);
        for (var i = 0; i < body.Length; i++)
        {
            foreach (var c in Mod3736.Alphabet.Where(c => c != body[i]))
            {
                var changed = body[..i] + c + body[(i + 1)..];
                Assert.False(Mod3736.Compute(changed) == check, $"changing position {i} to {c} went unnoticed");
            }

            if (i + 1 < body.Length && body[i] != body[i + 1])
            {
                var swapped = body[..i] + body[i + 1] + body[i] + body[(i + 2)..];
                Assert.False(Mod3736.Compute(swapped) == check, $"swapping positions {i} and {i + 1} went unnoticed");
            }
        }
    }

    [Fact]
    public void A_business_licence_identifier_is_the_root_type_issuer_serial_version_and_check()
    {
        // A real-looking 营业执照: 福州市市场监督管理局's (11350100MB0000000Y) type 001, serial 123, version 1.
        var issuer = "11350100MB0000000Y";
        Assert.True(CreditCode.IsValid(issuer));
        var id = new LicenceIdentifier(LicenceTypeCode.Of(issuer, 1), issuer, 123, 1);

        var text = id.ToString();

        Assert.StartsWith("1.2.156.3005.2.11350100MB0000000Y001.11350100MB0000000Y.00000123.001.", text, StringComparison.Ordinal);
        Assert.Equal(Mod3736.Compute(text[..^2].Replace(".", "", StringComparison.Ordinal)), text[^1]);
        Assert.Equal(LicenceIdentifierError.None, LicenceIdentifier.Validate(text, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("1.2.156.3005.1.11350100MB0000000Y001.11350100MB0000000Y.00000123.001.X", LicenceIdentifierError.Root)]
    [InlineData("1.2.156.3005.2.11350100MB0000000Y001.11350100MB0000000Y.00000123.X", LicenceIdentifierError.Shape)]
    [InlineData("1.2.156.3005.2.11350100MB0000000Y000.11350100MB0000000Y.00000123.001.X", LicenceIdentifierError.TypeCode)]
    [InlineData("1.2.156.3005.2.11350100MB0000000Y001.11350100MB0000000X.00000123.001.X", LicenceIdentifierError.IssuerCode)]
    [InlineData("1.2.156.3005.2.11350100MB0000000Y001.11350100MB0000000Y.0000012A.001.X", LicenceIdentifierError.Serial)]
    [InlineData("1.2.156.3005.2.11350100MB0000000Y001.11350100MB0000000Y.00000123.0001.X", LicenceIdentifierError.Version)]
    public void Malformed_identifiers_are_refused_with_the_part_that_is_wrong(string text, LicenceIdentifierError expected)
    {
        Assert.Equal(expected, LicenceIdentifier.Validate(text, out _));
    }

    [Fact]
    public void A_wrong_check_character_or_a_changed_serial_is_a_checksum_error()
    {
        var text = new LicenceIdentifier("11350100MB0000000Y001", "11350100MB0000000Y", 123, 1).ToString();
        var wrongCheck = text[..^1] + (text[^1] == 'A' ? 'B' : 'A');
        var changedSerial = text.Replace(".00000123.", ".00000124.", StringComparison.Ordinal);

        Assert.Equal(LicenceIdentifierError.Checksum, LicenceIdentifier.Validate(wrongCheck, out _));
        Assert.Equal(LicenceIdentifierError.Checksum, LicenceIdentifier.Validate(changedSerial, out _));
    }
}
