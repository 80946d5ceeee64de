using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Ingestion;
using Shuqiao.Core.Quality;
using Shuqiao.Core.Tests.Catalog;

namespace Shuqiao.Core.Tests.Quality;

/// <summary>Failing samples: keys only, masked when the key is personal information; conformity re-checked with the compiled schema.</summary>
public sealed class SampleKeysTests
{
    private static ResourceField KeyField(PersonalInfoKind personal, MaskingRule masking) =>
        new("idNumber", "公民身份号码", null, FieldType.String, null, null, true, true, false, DataClassification.Core, personal, [], InvalidValueAction.Reject, masking, []);

    [Fact]
    public void A_key_that_is_not_personal_is_shown_as_it_is()
    {
        Assert.Equal("A-001", SampleKeys.Mask("A-001", [KeyField(PersonalInfoKind.None, MaskingRule.None)]));
    }

    [Fact]
    public void A_personal_key_is_masked_with_its_fields_rule()
    {
        var key = KeyField(PersonalInfoKind.Sensitive, MaskingRule.KeepFirstLastOf(6, 4));

        Assert.Equal("110105********123X", SampleKeys.Mask("11010519900307123X", [key]));
    }

    [Fact]
    public void A_personal_key_without_a_usable_rule_keeps_only_its_first_and_last_character()
    {
        Assert.Equal("欧*修", SampleKeys.Mask("欧阳修", [KeyField(PersonalInfoKind.Personal, MaskingRule.None)]));
        Assert.Equal("**", SampleKeys.Mask("张三", [KeyField(PersonalInfoKind.Personal, MaskingRule.None)]));
        Assert.Equal("******", SampleKeys.Mask("13800138000", [KeyField(PersonalInfoKind.Personal, MaskingRule.RegionTruncateTo(RegionLevel.City))]));
    }

    [Fact]
    public void A_single_field_key_with_a_bar_or_backslash_is_one_value_not_a_composite()
    {
        // Single-field keys are stored as the value itself (BatchReader.Key escapes composite parts only).
        var name = KeyField(PersonalInfoKind.Personal, MaskingRule.KeepFirstLastOf(1, 1));

        Assert.Equal("张***丰", SampleKeys.Mask("张三|李丰", [name]));
        Assert.Equal("a*b", SampleKeys.Mask("a\\b", [name]));
        Assert.Equal("A|001", SampleKeys.Mask("A|001", [KeyField(PersonalInfoKind.None, MaskingRule.None)]));
    }

    [Fact]
    public void Only_the_personal_parts_of_a_composite_key_are_masked()
    {
        var year = new ResourceField("year", "年度", null, FieldType.Integer, null, null, true, true, false, DataClassification.General, PersonalInfoKind.None, [], InvalidValueAction.Reject, MaskingRule.None, []);

        Assert.Equal("2025|110105********123X", SampleKeys.Mask("2025|11010519900307123X", [year, KeyField(PersonalInfoKind.Sensitive, MaskingRule.KeepFirstLastOf(6, 4))]));
        Assert.Equal(["a|b", "c\\d"], BatchReader.SplitKey("a\\|b|c\\\\d"));
    }

    [Fact]
    public void Conformity_counts_present_values_of_validated_fields_and_samples_keys_with_the_rule_code_only()
    {
        var schema = Schemas.Compile(
            new FieldDraft("mobile", "手机号码", Type: "string", Classification: "General", PersonalInfo: "Personal", Validators: [Schemas.Kind("mobile")], OnInvalid: "Warn"),
            new FieldDraft("grade", "等级", Type: "string", Classification: "General", PersonalInfo: "None", Validators: [Schemas.Codes("A", "B")], OnInvalid: "Warn"),
            Schemas.Field("note", "string"));
        var counter = new ConformityCounter(schema, sampleLimit: 1);

        // 4 mobiles present (2 bad), 3 grades present (1 bad), notes are not validated, nulls are not counted: 7 checked, 3 failed
        counter.Add("1", Schemas.Json("""{"id":"1","mobile":"13800138000","grade":"A","note":"x"}"""));
        counter.Add("2", Schemas.Json("""{"id":"2","mobile":"12345","grade":"C"}"""));
        counter.Add("3", Schemas.Json("""{"id":"3","mobile":"999","grade":null}"""));
        counter.Add("4", Schemas.Json("""{"id":"4","mobile":"13912345678","grade":"B"}"""));

        Assert.Equal(new CheckCounts(7, 3), counter.Counts);
        Assert.Equal(57.1, QualityScoring.Share(counter.Counts)); // 4 of 7 pass: 57.14…
        Assert.Equal(
            [new QualitySample(QualityDimension.Conformity, "mobile", "value.mobile", "2"), new QualitySample(QualityDimension.Conformity, "grade", "value.codeList", "2")],
            counter.Samples);
        Assert.DoesNotContain(counter.Samples, s => JsonSerializer.Serialize(s).Contains("12345", StringComparison.Ordinal));
    }
}
