using System.Text.Json;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

/// <summary>
/// Checked against python-stdnum's public vectors (Data/stdnum-cn-credit-codes.json, see Data/README.md), so the
/// algorithm is verified against results computed outside this project.
/// </summary>
public sealed class CreditCodeTests
{
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
        Assert.Equal(normalized, CreditCode.Normalize(value));
        Assert.True(CreditCode.Check(normalized).IsValid);
        Assert.Null(CreditCode.Validate(normalized));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void An_invalid_vector_fails_with_the_matching_kind_of_error(string value, string stdnumError)
    {
        var check = CreditCode.Check(CreditCode.Normalize(value));

        Assert.False(check.IsValid);
        Assert.NotNull(CreditCode.Describe(check));
        var expected = (value, stdnumError) switch
        {
            // python-stdnum requires digits in positions 1–2; GB 32100's registration authority codes include letters
            // (A 军队事业单位, N 农村集体经济组织, Y 其他), so here this code fails on its check character instead.
            ("A1110000600037341L", "InvalidFormat") => CreditCodeError.Checksum,
            (_, "InvalidLength") => CreditCodeError.Length,
            (_, "InvalidFormat") => CreditCodeError.Character,
            (_, "InvalidChecksum") => CreditCodeError.Checksum,
            _ => throw new InvalidOperationException($"Unexpected vector error kind {stdnumError}."),
        };
        Assert.Equal(expected, check.Error);
    }

    [Fact]
    public void All_two_hundred_real_codes_collected_by_stdnum_pass()
    {
        var codes = Vectors.GetProperty("validBulk").EnumerateArray().Select(c => c.GetString()!).ToList();

        Assert.Equal(200, codes.Count);
        Assert.All(codes, code => Assert.Null(CreditCode.Validate(code)));
    }

    [Fact]
    public void Changing_any_single_character_of_a_real_code_is_detected()
    {
        // GB 32100's weighted modulus-31 check catches every single-character substitution.
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        const string code = "91110000600037341L";
        for (var position = 0; position < code.Length; position++)
        {
            foreach (var c in alphabet.Where(c => c != code[position]))
            {
                var changed = code[..position] + c + code[(position + 1)..];
                Assert.False(CreditCode.IsValid(changed), changed);
            }
        }
    }

    [Fact]
    public void The_check_character_comes_from_the_first_seventeen()
    {
        Assert.Equal('L', CreditCode.CheckCharacter("91110000600037341"));
        Assert.Equal("91110000600037341L", CreditCode.Complete("91110000600037341"));
    }

    [Theory]
    [InlineData("９１１１００００６０００３７３４１Ｌ")] // full-width, as some input methods type it
    [InlineData("91110000600037341l")]
    [InlineData(" 91-110000-600037341L ")]
    [InlineData("9111 0000 6000 3734 1L")]
    public void Normalizing_folds_what_people_type_into_the_stored_form(string typed)
    {
        Assert.Equal("91110000600037341L", CreditCode.Normalize(typed));
    }

    [Fact]
    public void Normalizing_nothing_gives_an_empty_code_that_is_required()
    {
        Assert.Equal("", CreditCode.Normalize(null));
        Assert.Equal(CreditCodeError.Required, CreditCode.Check("").Error);
        Assert.Equal("is required", CreditCode.Validate(null));
    }

    [Fact]
    public void A_short_code_reports_its_length()
    {
        var check = CreditCode.Check("9111000060003734");

        Assert.Equal(CreditCodeError.Length, check.Error);
        Assert.Equal(16, check.Length);
        Assert.Contains("has 16", CreditCode.Describe(check), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9111000060003734IL", 17, 'I')]
    [InlineData("911100006000373O1L", 16, 'O')]
    [InlineData("91110000600037341z", 18, 'z')] // Check does not normalize: lower case is not in the alphabet
    public void A_character_outside_the_alphabet_is_named_with_its_position(string code, int position, char found)
    {
        var check = CreditCode.Check(code);

        Assert.Equal(CreditCodeError.Character, check.Error);
        Assert.Equal(position, check.Position);
        Assert.Equal(found, check.Found);
    }

    [Fact]
    public void A_letter_in_the_region_code_is_refused_even_with_a_matching_check_character()
    {
        var code = CreditCode.Complete("9111A000600037341");

        var check = CreditCode.Check(code);

        Assert.Equal(CreditCodeError.Region, check.Error);
        Assert.Equal(5, check.Position);
        Assert.Contains("GB/T 2260", CreditCode.Describe(check), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("N2")] // 农业: 村级集体经济组织
    [InlineData("Y1")] // 其他
    [InlineData("A1")] // 中央军委改革和编制办公室: 军队事业单位
    [InlineData("54")]
    public void Letters_and_any_digits_are_accepted_as_registration_authority_and_kind(string prefix)
    {
        Assert.True(CreditCode.IsValid(CreditCode.Complete(prefix + "350100MA2YXK5D0")));
    }

    [Fact]
    public void A_wrong_check_character_names_the_expected_one()
    {
        var check = CreditCode.Check("91110000600037341N");

        Assert.Equal(CreditCodeError.Checksum, check.Error);
        Assert.Equal('N', check.Found);
        Assert.Equal('L', check.Expected);
        Assert.Equal("has check character 'N' but GB 32100 gives 'L' (校验码错误)", CreditCode.Validate("91110000600037341N"));
    }

    [Fact]
    public void The_check_character_needs_exactly_seventeen_alphabet_characters()
    {
        Assert.Throws<ArgumentException>(() => CreditCode.CheckCharacter("9111000060003734"));
        Assert.Throws<ArgumentException>(() => CreditCode.CheckCharacter("9111000060003734I"));
    }

    private static JsonElement LoadVectors()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Organizations", "Data", "stdnum-cn-credit-codes.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("cnCreditCode").Clone();
    }
}
