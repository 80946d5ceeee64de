using Shuqiao.Core.Catalog;
using static Shuqiao.Core.Tests.Catalog.Schemas;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>Text (CSV) and JSON values become the same typed values, or say precisely why they cannot.</summary>
public sealed class FieldValueParserTests
{
    private static ParsedValue Text(FieldType type, string? text, int? precision = null, int? scale = null) =>
        FieldValueParser.FromText("v", type, precision, scale, text, Options);

    private static ParsedValue FromJson(FieldType type, string json, int? precision = null, int? scale = null) =>
        FieldValueParser.FromJson("v", type, precision, scale, Json(json), Options);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    [InlineData(null)]
    public void An_empty_cell_is_a_missing_value(string? text)
    {
        var parsed = Text(FieldType.Integer, text);

        Assert.Null(parsed.Value);
        Assert.Null(parsed.Issue);
    }

    [Fact]
    public void A_string_is_trimmed_of_ascii_and_full_width_spaces_but_kept_otherwise()
    {
        Assert.Equal("示范市 鼓楼区", Text(FieldType.String, "\u3000 示范市 鼓楼区 ").Value!.AsString);
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("+42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("１２３", 123L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Integers_are_read_from_text(string text, long value) =>
        Assert.Equal(value, Text(FieldType.Integer, text).Value!.AsInteger);

    [Theory]
    [InlineData("1,000", "value.integer")]
    [InlineData("1.0", "value.integer")]
    [InlineData("1e3", "value.integer")]
    [InlineData("十二", "value.integer")]
    [InlineData("9223372036854775808", "value.integerRange")]
    public void Text_that_is_not_an_integer_says_why(string text, string code) =>
        Assert.Equal(code, Text(FieldType.Integer, text).Issue!.Code);

    [Theory]
    [InlineData("12.50", 5, 2, "12.5")]
    [InlineData("999.99", 5, 2, "999.99")]
    [InlineData("-0.5", 3, 1, "-0.5")]
    [InlineData(".5", null, null, "0.5")]
    [InlineData("7", null, null, "7")]
    public void Decimals_keep_their_exact_value_without_trailing_zeros(string text, int? precision, int? scale, string canonical) =>
        Assert.Equal(canonical, Text(FieldType.Decimal, text, precision, scale).Value!.Text);

    [Theory]
    [InlineData("1000.00", 5, 2, "value.precision")]
    [InlineData("1.234", 5, 2, "value.scale")]
    [InlineData("1,5", null, null, "value.decimal")]
    [InlineData("1.5e2", null, null, "value.decimal")]
    [InlineData("-", null, null, "value.decimal")]
    public void Decimals_beyond_precision_or_scale_or_badly_written_are_refused(string text, int? precision, int? scale, string code) =>
        Assert.Equal(code, Text(FieldType.Decimal, text, precision, scale).Issue!.Code);

    [Theory]
    [InlineData("true", true)]
    [InlineData("Y", true)]
    [InlineData("是", true)]
    [InlineData("1", true)]
    [InlineData("否", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    public void Booleans_are_read_as_people_write_yes_and_no(string text, bool value) =>
        Assert.Equal(value, Text(FieldType.Boolean, text).Value!.AsBoolean);

    [Fact]
    public void Something_else_is_no_boolean() => Assert.Equal("value.boolean", Text(FieldType.Boolean, "maybe").Issue!.Code);

    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("20240229")]
    [InlineData("2024/2/29")]
    [InlineData("2024年2月29日")]
    [InlineData("２０２４-０２-２９")]
    public void Dates_in_common_Chinese_forms_become_one_date(string text) =>
        Assert.Equal(new DateOnly(2024, 2, 29), Text(FieldType.Date, text).Value!.AsDate);

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("01/02/2024")]
    [InlineData("2024-02-29 10:00:00")]
    public void Impossible_or_ambiguous_dates_are_refused(string text) =>
        Assert.Equal("value.date", Text(FieldType.Date, text).Issue!.Code);

    [Theory]
    [InlineData("2024-05-01T08:30:00+08:00")]
    [InlineData("2024-05-01T00:30:00Z")]
    [InlineData("2024-05-01T08:30:00")]
    [InlineData("2024-05-01 08:30:00")]
    [InlineData("2024-05-01 08:30")]
    [InlineData("2024/5/1 8:30:00")]
    [InlineData("20240501083000")]
    [InlineData("2024-04-30T19:30:00-0500")]
    public void Date_times_with_or_without_an_offset_become_one_instant(string text)
    {
        // Without an offset, China Standard Time (+08:00) is assumed.
        var value = Text(FieldType.DateTime, text).Value!;

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 30, 0, TimeSpan.Zero), value.AsDateTime);
        Assert.Equal("2024-05-01T00:30:00Z", value.Text);
    }

    [Theory]
    [InlineData("2024-05-01")]
    [InlineData("2024-05-01T25:00:00")]
    [InlineData("yesterday")]
    public void Text_that_is_no_date_time_is_refused(string text) =>
        Assert.Equal("value.dateTime", Text(FieldType.DateTime, text).Issue!.Code);

    [Fact]
    public void Json_numbers_and_booleans_are_read_for_their_types()
    {
        Assert.Equal(12L, FromJson(FieldType.Integer, "12").Value!.AsInteger);
        Assert.Equal(12.5m, FromJson(FieldType.Decimal, "12.50").Value!.AsDecimal);
        Assert.True(FromJson(FieldType.Boolean, "true").Value!.AsBoolean);
        Assert.Null(FromJson(FieldType.String, "null").Value);
    }

    [Fact]
    public void Json_strings_are_read_as_text_for_every_type()
    {
        Assert.Equal(12L, FromJson(FieldType.Integer, "\"12\"").Value!.AsInteger);
        Assert.Equal(new DateOnly(2024, 2, 29), FromJson(FieldType.Date, "\"2024-02-29\"").Value!.AsDate);
        Assert.Equal("0591", FromJson(FieldType.String, "\"0591\"").Value!.AsString);
    }

    [Theory]
    [InlineData(FieldType.String, "13800138000", "must be a string but is a JSON number")]
    [InlineData(FieldType.Integer, "true", "must be an integer but is a JSON boolean")]
    [InlineData(FieldType.Boolean, "1", "must be true or false but is a JSON number")]
    [InlineData(FieldType.Date, "{}", "must be a date string but is a JSON object")]
    [InlineData(FieldType.Decimal, "[1]", "must be a decimal number but is a JSON array")]
    public void A_json_value_of_the_wrong_kind_is_refused(FieldType type, string json, string reason)
    {
        var issue = FromJson(type, json).Issue!;

        Assert.Equal(("value.jsonType", reason), (issue.Code, issue.Reason));
    }

    [Theory]
    [InlineData("1.5", "value.integer")]
    [InlineData("1e2", "value.integer")]
    [InlineData("92233720368547758070", "value.integerRange")]
    public void A_json_number_that_is_no_64_bit_integer_is_refused(string json, string code) =>
        Assert.Equal(code, FromJson(FieldType.Integer, json).Issue!.Code);

    [Fact]
    public void A_json_decimal_is_held_to_precision_and_scale() =>
        Assert.Equal("value.scale", FromJson(FieldType.Decimal, "1.234", 5, 2).Issue!.Code);

    [Fact]
    public void The_same_record_uploaded_as_csv_or_json_is_stored_the_same()
    {
        var schema = Compile(
            Field("amount", "decimal"), Field("count", "integer"), Field("paid", "boolean"), Field("day", "date"), Field("at", "datetime"));

        var csv = schema.CheckRow(new Dictionary<string, string?>
        {
            ["id"] = "A1", ["amount"] = "12.50", ["count"] = "３", ["paid"] = "是", ["day"] = "2024年2月29日", ["at"] = "2024-05-01 08:30:00",
        });
        var json = schema.CheckJsonRecord(Json("""{"id":"A1","amount":12.5,"count":3,"paid":true,"day":"2024-02-29","at":"2024-05-01T00:30:00Z"}"""));

        Assert.Empty(csv.Findings);
        Assert.Empty(json.Findings);
        Assert.Equal(json.ToJson(schema.Fields), csv.ToJson(schema.Fields));
        Assert.Equal("""{"id":"A1","amount":12.5,"count":3,"paid":true,"day":"2024-02-29","at":"2024-05-01T00:30:00Z"}""", csv.ToJson(schema.Fields));
    }
}
