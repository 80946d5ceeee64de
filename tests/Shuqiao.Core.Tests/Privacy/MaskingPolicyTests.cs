using Shuqiao.Core.Catalog;
using Shuqiao.Core.Privacy;

namespace Shuqiao.Core.Tests.Privacy;

public class MaskingPolicyTests
{
    private static ResourceField Field(string name, FieldType type, DataClassification classification, PersonalInfoKind personal, MaskingRule? masking = null) =>
        new(name, name, null, type, null, null, false, false, false, classification, personal, [], InvalidValueAction.Reject, masking ?? MaskingRule.None, []);

    [Theory]
    [InlineData(DataClassification.General, PersonalInfoKind.None, FieldType.String, "None")]
    [InlineData(DataClassification.General, PersonalInfoKind.Personal, FieldType.String, "KeepFirstLast(1,1)")]
    [InlineData(DataClassification.General, PersonalInfoKind.Personal, FieldType.Date, "DateToYear")]
    [InlineData(DataClassification.General, PersonalInfoKind.Personal, FieldType.Integer, "Redact")]
    [InlineData(DataClassification.General, PersonalInfoKind.Sensitive, FieldType.String, "Redact")]
    [InlineData(DataClassification.Important, PersonalInfoKind.None, FieldType.Decimal, "None")]
    [InlineData(DataClassification.Important, PersonalInfoKind.Personal, FieldType.String, "KeepFirstLast(1,1)")]
    [InlineData(DataClassification.Core, PersonalInfoKind.None, FieldType.Integer, "Redact")]
    [InlineData(DataClassification.Core, PersonalInfoKind.Personal, FieldType.Date, "Redact")]
    public void Defaults_follow_classification_and_personal_information_kind(DataClassification classification, PersonalInfoKind personal, FieldType type, string expected) =>
        Assert.Equal(expected, MaskingPolicy.DefaultFor(classification, personal, type).ToString());

    [Fact]
    public void The_field_default_applies_unless_the_grant_overrides_it()
    {
        var mobile = Field("mobile", FieldType.String, DataClassification.General, PersonalInfoKind.Personal, MaskingRule.KeepFirstLastOf(3, 4));
        Assert.Equal(MaskingRule.KeepFirstLastOf(3, 4), MaskingPolicy.Effective(mobile, null));
        Assert.Equal(MaskingRule.None, MaskingPolicy.Effective(mobile, new Dictionary<string, MaskingRule> { ["mobile"] = MaskingRule.None }));
        Assert.Equal(MaskingRule.KeepFirstLastOf(3, 4), MaskingPolicy.Effective(mobile, new Dictionary<string, MaskingRule> { ["name"] = MaskingRule.None }));
    }

    [Fact]
    public void A_personal_field_without_its_own_rule_gets_the_table_default_not_nothing()
    {
        var name = Field("name", FieldType.String, DataClassification.General, PersonalInfoKind.Personal);
        Assert.Equal(MaskingRule.KeepFirstLastOf(1, 1), MaskingPolicy.Effective(name, null));
        Assert.Equal("张*", Masker.Mask(TypedValue.Of("张三"), MaskingPolicy.Effective(name, null), MaskingContext.ForChina(null))!.Text);
    }

    [Theory]
    [InlineData("None", "KeepFirstLast(6,4)", true)]
    [InlineData("KeepFirstLast(3,4)", "KeepFirstLast(6,4)", true)] // partial rules do not order: any change is a lift
    [InlineData("KeepFirstLast(6,4)", "KeepFirstLast(6,4)", false)]
    [InlineData("Redact", "KeepFirstLast(6,4)", false)]
    [InlineData("Null", "Redact", false)]
    [InlineData("Redact", "Null", true)]
    [InlineData("Pseudonym", "Redact", true)]
    public void Only_null_and_redaction_are_known_not_to_lift_masking(string rule, string baseline, bool lift) =>
        Assert.Equal(lift, MaskingPolicy.IsLift(Rule(rule), Rule(baseline)));

    private static MaskingRule Rule(string text) => text switch
    {
        "KeepFirstLast(6,4)" => MaskingRule.KeepFirstLastOf(6, 4),
        "KeepFirstLast(3,4)" => MaskingRule.KeepFirstLastOf(3, 4),
        _ => new MaskingRule(Enum.Parse<MaskingKind>(text)),
    };
}
