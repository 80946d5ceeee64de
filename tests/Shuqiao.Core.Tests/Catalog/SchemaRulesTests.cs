using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using static Shuqiao.Core.Tests.Catalog.Schemas;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>What a schema and a resource description must satisfy, reported per path so a form can show each problem where it is.</summary>
public sealed class SchemaRulesTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static FieldDraft IdNumber(MaskingDraft? masking = null) =>
        new("idNumber", "公民身份号码", Type: "string", Required: true, Key: true, Classification: "Core", PersonalInfo: "Sensitive",
            Validators: [Kind("cnResidentId")], Masking: masking ?? new MaskingDraft("KeepFirstLast", 6, 4));

    [Fact]
    public void A_realistic_schema_is_read_with_every_attribute()
    {
        var issues = new List<Issue>();
        var fields = SchemaRules.ReadFields(
            [
                IdNumber(),
                new FieldDraft("name", "姓名", Type: "字符型", Required: true, Classification: "重要", PersonalInfo: "个人信息",
                    Validators: [Length(2, 50)], Masking: new MaskingDraft("KeepFirstLast", 1, 0)),
                new FieldDraft("address", "住址", Type: "string", Classification: "Important", PersonalInfo: "Personal", Masking: new MaskingDraft("RegionTruncate", Level: "县级")),
                new FieldDraft("income", "月收入", Type: "decimal", Precision: 12, Scale: 2, Classification: "General", PersonalInfo: "Sensitive",
                    Validators: [Range("0", null)], OnInvalid: "warn", Masking: new MaskingDraft("NumberRange", Step: 1000)),
            ],
            Options,
            issues);

        Assert.Empty(issues);
        var id = fields![0];
        Assert.Equal((FieldType.String, true, true, DataClassification.Core, PersonalInfoKind.Sensitive), (id.Type, id.Required, id.Key, id.Classification, id.PersonalInfo));
        Assert.Equal(MaskingRule.KeepFirstLastOf(6, 4), id.Masking);
        Assert.Equal(RegionLevel.County, fields[2].Masking.Level);
        Assert.Equal((12, 2, InvalidValueAction.Warn), (fields[3].Precision, fields[3].Scale, fields[3].OnInvalid));
        Assert.Equal(50, fields[1].MaxLength);
    }

    [Fact]
    public void An_unknown_validator_names_the_ones_that_exist()
    {
        var issue = Assert.Single(Issues(Key(), Field("x", "string", Kind("luhn"))));

        Assert.Equal(("fields[1].validators[0].kind", "validator.unknown"), (issue.Field, issue.Code));
        Assert.Equal("'luhn' is not a validator; use length, regex, codeList, range, cnResidentId, cnCreditCode, mobile, email", issue.Reason);
    }

    [Fact]
    public void A_validator_must_fit_the_field_type()
    {
        var issue = Assert.Single(Issues(Key(), Field("age", "integer", Kind("mobile"))));

        Assert.Equal(("fields[1].validators[0].kind", "validator.type"), (issue.Field, issue.Code));
    }

    [Fact]
    public void Sensitive_personal_information_needs_a_masking_rule()
    {
        var issue = Assert.Single(Issues(IdNumber(new MaskingDraft("None"))));

        Assert.Equal(("fields[0].masking", "field.masking.sensitive"), (issue.Field, issue.Code));
    }

    [Fact]
    public void Masking_rules_need_their_parameters_and_a_fitting_type()
    {
        var issues = Issues(
            Key(),
            new FieldDraft("a", "甲", Type: "string", Classification: "General", PersonalInfo: "None", Masking: new MaskingDraft("KeepFirstLast", 3)),
            new FieldDraft("b", "乙", Type: "string", Classification: "General", PersonalInfo: "None", Masking: new MaskingDraft("DateToYear")),
            new FieldDraft("c", "丙", Type: "integer", Classification: "General", PersonalInfo: "None", Masking: new MaskingDraft("NumberRange", Step: 0)),
            new FieldDraft("d", "丁", Type: "string", Classification: "General", PersonalInfo: "None", Masking: new MaskingDraft("Scramble")));

        Assert.Equal(
            ["fields[1].masking.last", "fields[2].masking.rule", "fields[3].masking.step", "fields[4].masking.rule"],
            issues.Select(i => i.Field));
    }

    [Fact]
    public void A_schema_needs_a_key_and_a_key_must_be_required()
    {
        var noKey = Assert.Single(Issues(Field("x", "string")));
        var optionalKey = Assert.Single(Issues(new FieldDraft("id", "编号", Type: "string", Required: false, Key: true, Classification: "General", PersonalInfo: "None")));
        var boolKey = Assert.Single(Issues(new FieldDraft("id", "编号", Type: "boolean", Key: true, Classification: "General", PersonalInfo: "None")));

        Assert.Equal("fields.keyMissing", noKey.Code);
        Assert.Equal(("fields[0].key", "field.key.required"), (optionalKey.Field, optionalKey.Code));
        Assert.Equal("field.key.type", boolKey.Code);
    }

    [Fact]
    public void Names_must_be_identifiers_and_unique_ignoring_case_labels_unique()
    {
        var issues = Issues(Key(), Field("身份证号", "string"), Field("ID", "string"), new FieldDraft("other", "编号", Type: "string", Classification: "General", PersonalInfo: "None"));

        Assert.Equal(
            [("fields[1].name", "field.name.format"), ("fields[2].name", "field.name.repeated"), ("fields[3].label", "field.label.repeated")],
            issues.Select(i => (i.Field, i.Code)));
    }

    [Fact]
    public void Classification_and_personal_information_kind_must_be_stated()
    {
        var issues = Issues(new FieldDraft("id", "编号", Type: "string", Key: true));

        Assert.Equal(["fields[0].classification", "fields[0].personalInfo"], issues.Select(i => i.Field));
    }

    [Fact]
    public void Validator_parameters_are_checked()
    {
        var issues = Issues(
            Key(),
            Field("a", "string", Length(10, 2)),
            Field("b", "string", Regex("([a-z")),
            Field("c", "integer", Codes("1", "x")),
            Field("d", "date", Range("2024-02-30", null)),
            Field("e", "integer", Range("10", "1")),
            Field("f", "string", new ValidatorDraft("length")),
            Field("g", "string", Kind("mobile"), Kind("mobile")));

        Assert.Equal(
            [
                ("fields[1].validators[0]", "validator.reversed"),
                ("fields[2].validators[0].pattern", "validator.pattern"),
                ("fields[3].validators[0].codes[1]", "validator.codeInteger"),
                ("fields[4].validators[0].min", "validator.rangeBound"),
                ("fields[5].validators[0]", "validator.reversed"),
                ("fields[6].validators[0]", "validator.bounds"),
                ("fields[7].validators[1].kind", "validator.repeated"),
            ],
            issues.Select(i => (i.Field, i.Code)));
    }

    [Fact]
    public void Code_lists_take_plain_codes_or_code_label_pairs()
    {
        var codes = new ValidatorDraft("codeList", Codes: [Json("\"1\""), Json("""{"code":"2","label":"女性"}"""), Json("9")], Source: "GB/T 2261.1-2003");

        var field = Read(Field("sex", "string", codes))[1];

        var list = Assert.IsType<CodeListValidator>(Assert.Single(field.Validators));
        Assert.Equal([new CodeListEntry("1", null), new CodeListEntry("2", "女性"), new CodeListEntry("9", null)], list.Codes);
        Assert.Equal("GB/T 2261.1-2003", list.Source);
    }

    [Fact]
    public void References_are_checked_against_the_resources_they_name()
    {
        var population = ResourceCode.Parse("101001000/000001");
        var fields = Read(new FieldDraft("legalRepId", "法定代表人身份证号", Type: "string", Classification: "Important", PersonalInfo: "Sensitive",
            Masking: new MaskingDraft("Redact"), References: [new ReferenceDraft("101001000-000001", "idNumber"), new ReferenceDraft("101001000/000009", "idNumber"), new ReferenceDraft("101001000/000001", "name")]));
        var target = Read(new FieldDraft("idNumber", "公民身份号码", Type: "string", Classification: "Core", PersonalInfo: "Sensitive", Masking: new MaskingDraft("Redact")), Field("name", "integer"));

        var issues = new List<Issue>();
        SchemaRules.CheckReferences(fields, null, code => code == population ? target : null, issues);

        Assert.Equal(
            [("fields[1].references[1].resource", "reference.resource"), ("fields[1].references[2].field", "reference.type")],
            issues.Select(i => (i.Field, i.Code)));
    }

    [Fact]
    public void A_field_draft_round_trips_through_its_written_form()
    {
        var fields = Read(
            IdNumber(),
            new FieldDraft("sex", "性别", Type: "string", Classification: "General", PersonalInfo: "Personal",
                Validators: [new ValidatorDraft("codeList", Codes: [Json("""{"code":"1","label":"男性"}""")])]),
            Field("age", "integer", Range("0", "150")),
            Field("email", "string", Length(null, 100), Kind("email")));

        var drafts = fields.Select(FieldDraft.From).ToList();
        var json = JsonSerializer.Serialize(drafts, Web);
        var again = SchemaRules.ReadFields(JsonSerializer.Deserialize<List<FieldDraft>>(json, Web), Options, []);

        Assert.NotNull(again);
        Assert.True(SchemaEvolution.Compare(fields, again).Unchanged);
    }

    [Fact]
    public void Not_shared_needs_a_legal_basis_and_conditional_sharing_its_conditions()
    {
        var notShared = new List<Issue>();
        var conditional = new List<Issue>();

        ResourceRules.ReadDescription(new ResourceDraft(Name: "涉密档案", Summary: "…", SharingType: "不予共享", OpenType: "NotOpen", UpdateFrequency: "Yearly"), notShared);
        ResourceRules.ReadDescription(new ResourceDraft(Name: "婚姻登记", Summary: "…", SharingType: "Conditional", OpenType: "不予开放", UpdateFrequency: "每日"), conditional);

        Assert.Equal(("legalBasis", "legalBasis.required"), (Assert.Single(notShared).Field, notShared[0].Code));
        Assert.Equal(("sharingConditions", "sharingConditions.required"), (Assert.Single(conditional).Field, conditional[0].Code));
    }

    [Fact]
    public void A_description_reads_chinese_and_english_terms()
    {
        var description = ResourceRules.ReadDescription(
            new ResourceDraft(Name: " 人口基本信息 ", Summary: "户籍人口的基本信息。\r\n按日更新。", SharingType: "有条件共享", SharingConditions: "用于政务服务身份核验",
                OpenType: "NotOpen", UpdateFrequency: "每日", Keywords: ["人口", "户籍", "人口"], Contact: new ContactDraft("人口管理处", "rkc@example.gov.cn", "0591-87000000")),
            []);

        Assert.NotNull(description);
        Assert.Equal(("人口基本信息", "户籍人口的基本信息。\n按日更新。", SharingType.Conditional, UpdateFrequency.Daily, ResourceRules.DefaultFormat),
            (description.Name, description.Summary, description.SharingType, description.UpdateFrequency, description.Format));
        Assert.Equal(["人口", "户籍"], description.Keywords);
    }
}
