using Shuqiao.Core.Catalog;
using static Shuqiao.Core.Tests.Catalog.Schemas;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>Which problems refuse a record and which only warn (design §2: a batch is all-or-nothing, findings are quality).</summary>
public sealed class RecordValidationTests
{
    private static FieldDraft CreditCode(string onInvalid, bool required = false, bool key = false) =>
        new("uscc", "统一社会信用代码", Type: "string", Required: required || key, Key: key, Classification: "General", PersonalInfo: "None",
            Validators: [Kind("cnCreditCode")], OnInvalid: onInvalid);

    [Fact]
    public void A_wrong_check_digit_rejects_the_record_by_default()
    {
        var check = Compile(CreditCode("Reject")).CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["uscc"] = "91110000600037341N" });

        Assert.True(check.Rejected);
        Assert.Equal(InvalidValueAction.Reject, Assert.Single(check.Findings).Action);
    }

    [Fact]
    public void A_wrong_check_digit_from_a_legacy_system_is_a_finding_when_the_field_warns()
    {
        var check = Compile(CreditCode("Warn")).CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["uscc"] = "91110000600037341n" });

        Assert.False(check.Rejected);
        var finding = Assert.Single(check.Findings);
        Assert.Equal((InvalidValueAction.Warn, "value.creditCode.checksum"), (finding.Action, finding.Issue.Code));
        Assert.Equal("91110000600037341n", check.Values["uscc"].AsString); // kept as sent, not "corrected"
    }

    [Fact]
    public void A_value_of_the_wrong_type_rejects_the_record_even_when_the_field_warns()
    {
        var schema = Compile(new FieldDraft("count", "数量", Type: "integer", Classification: "General", PersonalInfo: "None", OnInvalid: "Warn"));

        var check = schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["count"] = "三" });

        Assert.True(check.Rejected);
        Assert.False(check.Values.ContainsKey("count"));
    }

    [Fact]
    public void A_missing_key_always_rejects_but_a_missing_required_value_follows_the_field()
    {
        var schema = Compile(CreditCode("Warn", required: true));

        var noKey = schema.CheckRow(new Dictionary<string, string?> { ["uscc"] = "91110000600037341L" });
        var noCode = schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["uscc"] = "" });

        Assert.True(noKey.Rejected);
        Assert.Equal(("id", "value.required"), (noKey.Findings[0].Issue.Field, noKey.Findings[0].Issue.Code));
        Assert.False(noCode.Rejected);
        Assert.Equal(InvalidValueAction.Warn, Assert.Single(noCode.Findings).Action);
    }

    [Fact]
    public void A_key_field_may_warn_about_its_check_digit_but_not_be_missing()
    {
        var schema = Compile(CreditCode("Warn", key: true));

        Assert.False(schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["uscc"] = "91110000600037341N" }).Rejected);
        Assert.True(schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1" }).Rejected);
    }

    [Fact]
    public void Unknown_columns_and_properties_reject_the_record()
    {
        var schema = Compile();

        var row = schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["idcard"] = "x" });
        var json = schema.CheckJsonRecord(Json("""{"id":"1","id":"2"}"""));
        var array = schema.CheckJsonRecord(Json("[1]"));

        Assert.Equal("record.unknownField", Assert.Single(row.Findings).Issue.Code);
        Assert.Equal("record.repeatedField", Assert.Single(json.Findings).Issue.Code);
        Assert.Equal("record.notObject", Assert.Single(array.Findings).Issue.Code);
    }

    [Fact]
    public void The_key_of_a_record_is_the_text_of_its_key_fields_in_schema_order()
    {
        var schema = Compile(new FieldDraft("year", "年度", Type: "integer", Key: true, Classification: "General", PersonalInfo: "None"));

        var check = schema.CheckJsonRecord(Json("""{"year":2024,"id":"A-1"}"""));

        Assert.Equal(["A-1", "2024"], check.KeyParts);
    }

    [Fact]
    public void Every_finding_of_a_record_is_reported_at_once()
    {
        var schema = Compile(
            new FieldDraft("mobile", "手机号码", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal", Validators: [Kind("mobile")]),
            new FieldDraft("age", "年龄", Type: "integer", Classification: "General", PersonalInfo: "Personal", Validators: [Range("0", "150")]));

        var check = schema.CheckRow(new Dictionary<string, string?> { ["id"] = "1", ["mobile"] = "12345", ["age"] = "200" });

        Assert.Equal(["mobile", "age"], check.Findings.Select(f => f.Issue.Field));
    }
}
