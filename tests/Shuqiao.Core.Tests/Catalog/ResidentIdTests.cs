using System.Text.Json;
using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>
/// GB 11643-1999 公民身份号码, checked against python-stdnum's public vectors (Data/stdnum-cn-resident-ids.json, see
/// Data/README.md) and the worked example of the standard itself.
/// </summary>
public sealed class ResidentIdTests
{
    private static readonly DateOnly Today = new(2026, 3, 1);

    private static readonly JsonElement Vectors = LoadVectors();

    public static TheoryData<string, string> ValidVectors()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in Vectors.GetProperty("valid").EnumerateArray())
        {
            data.Add(v.GetProperty("value").GetString()!, v.GetProperty("normalized").GetString()!);
        }

        return data;
    }

    public static TheoryData<string, string> InvalidVectors()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in Vectors.GetProperty("invalid").EnumerateArray())
        {
            data.Add(v.GetProperty("value").GetString()!, v.GetProperty("error").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void A_valid_vector_normalizes_as_stdnum_does_and_passes(string value, string normalized)
    {
        Assert.Equal(normalized, ResidentId.Normalize(value));
        Assert.True(ResidentId.Check(normalized, Today).IsValid);
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void An_invalid_vector_fails_with_the_matching_kind_of_error(string value, string stdnumError)
    {
        var check = ResidentId.Check(ResidentId.Normalize(value), Today);

        Assert.False(check.IsValid);
        var expected = (value, stdnumError) switch
        {
            (_, "InvalidFormat") => ResidentIdError.Character,
            (_, "InvalidChecksum") => ResidentIdError.Checksum,
            // stdnum's InvalidComponent is an impossible date (month 13) or an unknown birthplace (province 99).
            ("990426199112010074", "InvalidComponent") => ResidentIdError.Region,
            (_, "InvalidComponent") => ResidentIdError.BirthDate,
            _ => throw new InvalidOperationException($"Unexpected vector error kind {stdnumError}."),
        };
        Assert.Equal(expected, check.Error);
        Assert.NotNull(ResidentId.Describe(check));
    }

    [Fact]
    public void The_worked_example_of_GB_11643_has_check_character_X()
    {
        // GB 11643-1999 Appendix: 北京市朝阳区, born 1949-12-31, sequence 002 (a woman), check character X.
        Assert.Equal('X', ResidentId.CheckCharacter("11010519491231002"));
        Assert.True(ResidentId.Check("11010519491231002X", Today).IsValid);
        Assert.Equal(new DateOnly(1949, 12, 31), ResidentId.BirthDate("11010519491231002X"));
    }

    [Fact]
    public void A_wrong_check_character_names_the_expected_one()
    {
        var check = ResidentId.Check("110105194912310021", Today);

        Assert.Equal((ResidentIdError.Checksum, '1', 'X'), (check.Error, check.Found, check.Expected));
        Assert.Equal("has check character '1' but ISO 7064 MOD 11-2 gives 'X' (校验码错误)", ResidentId.Describe(check));
    }

    [Fact]
    public void A_fifteen_digit_number_is_refused_with_its_eighteen_digit_form()
    {
        var check = ResidentId.Check("110105491231002", Today);

        Assert.Equal(ResidentIdError.Legacy15, check.Error);
        Assert.Equal("11010519491231002X", check.Detail);
        Assert.Contains("GB 11643-1989", ResidentId.Describe(check), StringComparison.Ordinal);
    }

    [Fact]
    public void A_birth_date_after_today_is_refused()
    {
        var first17 = "11010520260302001";
        var number = first17 + ResidentId.CheckCharacter(first17);

        Assert.Equal(ResidentIdError.Future, ResidentId.Check(number, Today).Error);
        Assert.True(ResidentId.Check(number, new DateOnly(2026, 3, 2)).IsValid);
    }

    [Fact]
    public void February_29_is_a_birth_date_only_in_leap_years()
    {
        var leap = "11010520000229001";
        var common = "11010519990229001";

        Assert.True(ResidentId.Check(leap + ResidentId.CheckCharacter(leap), Today).IsValid);
        Assert.Equal(ResidentIdError.BirthDate, ResidentId.Check(common + ResidentId.CheckCharacter(common), Today).Error);
    }

    [Theory]
    [InlineData("1101051949123100", ResidentIdError.Length)]
    [InlineData("11010519491231002X1", ResidentIdError.Length)]
    [InlineData("1101051949123100X2", ResidentIdError.Character)]
    [InlineData("", ResidentIdError.Required)]
    public void Malformed_numbers_are_refused_by_kind(string number, ResidentIdError error) =>
        Assert.Equal(error, ResidentId.Check(number, Today).Error);

    [Fact]
    public void Full_width_characters_spaces_and_a_lower_case_x_are_normalized()
    {
        Assert.Equal("11010519491231002X", ResidentId.Normalize("１１０１０５ 19491231 002x"));
    }

    [Fact]
    public void Hong_Kong_Macao_and_Taiwan_residence_permit_numbers_pass()
    {
        foreach (var region in new[] { "810000", "820000", "830000" })
        {
            var first17 = region + "19900101001";
            Assert.True(ResidentId.Check(first17 + ResidentId.CheckCharacter(first17), Today).IsValid, region);
        }
    }

    private static JsonElement LoadVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Catalog", "Data", "stdnum-cn-resident-ids.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cnResidentId").Clone();
    }
}
