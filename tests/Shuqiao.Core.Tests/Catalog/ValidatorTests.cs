using System.Text.Json;
using Shuqiao.Core.Catalog;
using static Shuqiao.Core.Tests.Catalog.Schemas;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>Every built-in validator with values that pass and values that fail, through the compiled schema ingestion uses.</summary>
public sealed class ValidatorTests
{
    private static readonly JsonElement CreditCodeVectors = LoadCreditCodeVectors();

    private static string Code(ValueCheck check) => Assert.Single(check.Findings).Issue.Code;

    // length

    [Theory]
    [InlineData("张三", true)]
    [InlineData("欧阳娜娜", true)]
    [InlineData("张", false)]
    [InlineData("爱新觉罗溥仪啊", false)]
    public void Length_counts_Chinese_characters_one_each(string value, bool valid)
    {
        var schema = Compile(Field("name", "string", Length(2, 6)));

        var check = schema.CheckText("name", value);

        Assert.Equal(valid, check.Findings.Count == 0);
    }

    [Fact]
    public void Length_counts_a_character_outside_the_basic_plane_once()
    {
        var schema = Compile(Field("name", "string", Length(null, 2)));

        Assert.Empty(schema.CheckText("name", "𠀀𠀁").Findings);
        var check = schema.CheckText("name", "𠀀𠀁𠀂");
        Assert.Equal("value.tooLong", Code(check));
        Assert.Equal("must be at most 2 characters long but has 3", check.Findings[0].Issue.Reason);
    }

    [Fact]
    public void Length_below_the_minimum_says_how_long_the_value_is()
    {
        var check = Compile(Field("code", "string", Length(6, 6))).CheckText("code", "35010");

        Assert.Equal("must be at least 6 characters long but has 5", Assert.Single(check.Findings).Issue.Reason);
    }

    // regex

    [Theory]
    [InlineData("350102", true)]
    [InlineData("35010", false)]
    [InlineData("3501021", false)] // anchored: a match inside the value is not enough
    [InlineData("x350102", false)]
    public void A_pattern_must_match_the_whole_value(string value, bool valid)
    {
        var schema = Compile(Field("region", "string", Regex(@"\d{6}")));

        Assert.Equal(valid, schema.CheckText("region", value).Findings.Count == 0);
    }

    [Fact]
    public void A_catastrophic_pattern_runs_in_linear_time()
    {
        // (a+)+b backtracks exponentially on aaaa…!; the non-backtracking engine answers at once.
        var schema = Compile(Field("text", "string", Regex("(a+)+b")));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var check = schema.CheckText("text", new string('a', 5000) + "!");

        Assert.Equal("value.pattern", Code(check));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_pattern_the_linear_engine_cannot_run_is_bounded_by_the_timeout()
    {
        // A backreference needs the backtracking engine; this input would run for ages without the timeout.
        var schema = Compile(Field("text", "string", Regex(@"((a+)+)\1b")));

        var check = schema.CheckText("text", new string('a', 40) + "!");

        Assert.Equal("value.patternTimeout", Code(check));
        Assert.DoesNotContain(schema.CheckText("text", "aab").Findings, f => f.Issue.Code == "value.patternTimeout");
    }

    [Fact]
    public void Only_a_pattern_that_needs_backtracking_has_a_wall_clock_timeout()
    {
        // A timeout counts wall-clock time: a collection, a busy machine or a new process's first (JIT-compiled) match
        // can pass 100 ms and refuse a valid value. A linear-time pattern (here 民族 codes) is given no timeout at all.
        var linear = SchemaRules.CompilePattern("0[1-9]|[1-4][0-9]|5[0-6]|9[78]", CompiledSchema.PatternTimeout)!;
        var backtracking = SchemaRules.CompilePattern(@"(a+)\1", CompiledSchema.PatternTimeout)!;

        Assert.True(linear.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Equal(System.Text.RegularExpressions.Regex.InfiniteMatchTimeout, linear.MatchTimeout);
        Assert.False(backtracking.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Equal(CompiledSchema.PatternTimeout, backtracking.MatchTimeout);
    }

    // codeList

    [Theory]
    [InlineData("1", true)]
    [InlineData("2", true)]
    [InlineData("9", true)]
    [InlineData("3", false)]
    [InlineData("男", false)]
    public void A_code_list_accepts_only_its_codes(string value, bool valid)
    {
        // GB/T 2261.1-2003 人的性别代码: 0 未知的性别, 1 男性, 2 女性, 9 未说明的性别.
        var schema = Compile(Field("sex", "string", Codes("0", "1", "2", "9")));

        Assert.Equal(valid, schema.CheckText("sex", value).Findings.Count == 0);
    }

    [Fact]
    public void An_integer_code_list_compares_numbers_not_spellings()
    {
        var schema = Compile(Field("level", "integer", Codes("1", "2", "3")));

        Assert.Empty(schema.CheckText("level", "+2").Findings);
        Assert.Empty(schema.CheckJson("level", Json("3")).Findings);
        Assert.Equal("value.codeList", Code(schema.CheckText("level", "4")));
    }

    // range

    [Theory]
    [InlineData("integer", "0", "150", "37", true)]
    [InlineData("integer", "0", "150", "-1", false)]
    [InlineData("integer", "0", "150", "151", false)]
    [InlineData("decimal", "0.5", "99.99", "99.99", true)]
    [InlineData("decimal", "0.5", "99.99", "0.49", false)]
    [InlineData("date", "1900-01-01", "2026-12-31", "1949-10-01", true)]
    [InlineData("date", "1900-01-01", "2026-12-31", "1899-12-31", false)]
    [InlineData("datetime", "2024-01-01T00:00:00+08:00", null, "2024-01-01 00:00:00", true)]
    [InlineData("datetime", "2024-01-01T00:00:00+08:00", null, "2023-12-31T16:00:00Z", true)]
    [InlineData("datetime", "2024-01-01T00:00:00+08:00", null, "2023-12-31T15:59:59Z", false)]
    public void A_range_is_inclusive_and_compares_values_of_the_fields_type(string type, string? min, string? max, string value, bool valid)
    {
        var schema = Compile(Field("v", type, Range(min, max)));

        Assert.Equal(valid, schema.CheckText("v", value).Findings.Count == 0);
    }

    [Fact]
    public void Out_of_range_reasons_name_the_bound()
    {
        var schema = Compile(Field("age", "integer", Range("0", "150")));

        Assert.Equal("200 is greater than the maximum 150", Assert.Single(schema.CheckText("age", "200").Findings).Issue.Reason);
    }

    // cnResidentId

    [Fact]
    public void A_resident_id_is_checked_and_stored_normalized()
    {
        var schema = Compile(Field("idNumber", "string", Kind("cnResidentId")));

        var check = schema.CheckText("idNumber", "11010519491231002x");

        Assert.Empty(check.Findings);
        Assert.Equal("11010519491231002X", check.Value!.AsString);
    }

    [Theory]
    [InlineData("110105194912310021", "value.residentId.checksum")]
    [InlineData("110105491231002", "value.residentId.legacy15")]
    [InlineData("110105194913310020", "value.residentId.birthDate")]
    [InlineData("990426199112010074", "value.residentId.region")]
    public void A_bad_resident_id_gets_the_code_of_its_fault(string value, string code) =>
        Assert.Equal(code, Code(Compile(Field("idNumber", "string", Kind("cnResidentId"))).CheckText("idNumber", value)));

    // cnCreditCode (vectors shared with the organization tests)

    [Fact]
    public void Every_valid_credit_code_vector_passes_and_is_stored_normalized()
    {
        var schema = Compile(Field("uscc", "string", Kind("cnCreditCode")));
        foreach (var v in CreditCodeVectors.GetProperty("valid").EnumerateArray())
        {
            var check = schema.CheckText("uscc", v.GetProperty("value").GetString());
            Assert.Empty(check.Findings);
            Assert.Equal(v.GetProperty("normalized").GetString(), check.Value!.AsString);
        }

        Assert.All(CreditCodeVectors.GetProperty("validBulk").EnumerateArray(), c => Assert.Empty(schema.CheckText("uscc", c.GetString()).Findings));
    }

    [Fact]
    public void Every_invalid_credit_code_vector_fails()
    {
        var schema = Compile(Field("uscc", "string", Kind("cnCreditCode")));
        foreach (var v in CreditCodeVectors.GetProperty("invalid").EnumerateArray())
        {
            var code = Code(schema.CheckText("uscc", v.GetProperty("value").GetString()));
            Assert.StartsWith("value.creditCode.", code, StringComparison.Ordinal);
        }

        var check = schema.CheckText("uscc", "91110000600037341N");
        Assert.Equal("has check character 'N' but GB 32100 gives 'L' (校验码错误)", check.Findings[0].Issue.Reason);
    }

    // mobile

    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData("+86 138-0013-8000", "13800138000")]
    [InlineData("8619912345678", "19912345678")]
    [InlineData("１５９１２３４５６７８", "15912345678")]
    public void A_mobile_number_passes_and_is_stored_as_eleven_digits(string value, string stored)
    {
        var check = Compile(Field("mobile", "string", Kind("mobile"))).CheckText("mobile", value);

        Assert.Empty(check.Findings);
        Assert.Equal(stored, check.Value!.AsString);
    }

    [Theory]
    [InlineData("12800138000", "must start with 13–19; '12' is no mobile prefix in China")]
    [InlineData("1380013800", "must be 11 digits long but has 10")]
    [InlineData("0591-87654321", "must be 11 digits long but has 12")]
    [InlineData("138001380OO", "must be digits only (手机号码为11位数字)")]
    public void A_bad_mobile_number_says_why(string value, string reason)
    {
        var check = Compile(Field("mobile", "string", Kind("mobile"))).CheckText("mobile", value);

        Assert.Equal(reason, Assert.Single(check.Findings).Issue.Reason);
    }

    // email

    [Theory]
    [InlineData("zhang.san@example.gov.cn")]
    [InlineData("wang_wu+catalog@data.fz.gov.cn")]
    [InlineData("service@例子.中国")]
    public void A_valid_email_address_passes(string value) =>
        Assert.Empty(Compile(Field("email", "string", Kind("email"))).CheckText("email", value).Findings);

    [Theory]
    [InlineData("zhangsan")]
    [InlineData("zhang@san@example.cn")]
    [InlineData("zhang..san@example.cn")]
    [InlineData(".zhang@example.cn")]
    [InlineData("张三@example.cn")]
    [InlineData("zhang@localhost")]
    [InlineData("zhang@-example.cn")]
    [InlineData("zhang@example.c1")]
    public void An_invalid_email_address_fails(string value) =>
        Assert.Equal("value.email", Code(Compile(Field("email", "string", Kind("email"))).CheckText("email", value)));

    private static JsonElement LoadCreditCodeVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Organizations", "Data", "stdnum-cn-credit-codes.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cnCreditCode").Clone();
    }
}
