using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Privacy;

/// <summary>
/// Which masking rule applies to a field when it is shared (docs/masking.md has the table):
/// the grant's override for the field, else the field's own default (when it names one), else the default for the
/// field's classification (GB/T 43697) and personal-information kind (GB/T 35273).
/// </summary>
public static class MaskingPolicy
{
    /// <summary>
    /// The floor for a field whose catalog entry names no masking rule. 核心 data is always redacted; sensitive
    /// personal information is redacted; other personal information keeps one character at each end of text and the
    /// year of a date; numbers and flags of a person are redacted (no band width is known without the steward).
    /// </summary>
    public static MaskingRule DefaultFor(DataClassification classification, PersonalInfoKind personal, FieldType type)
    {
        if (classification == DataClassification.Core || personal == PersonalInfoKind.Sensitive)
        {
            return Redact;
        }

        if (personal == PersonalInfoKind.None)
        {
            return MaskingRule.None;
        }

        return type switch
        {
            FieldType.String => PersonalText,
            FieldType.Date or FieldType.DateTime => DateToYear,
            _ => Redact,
        };
    }

    /// <summary>The rule the field has without any grant override.</summary>
    public static MaskingRule Baseline(ResourceField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Masking.Kind != MaskingKind.None ? field.Masking : DefaultFor(field.Classification, field.PersonalInfo, field.Type);
    }

    /// <summary>The rule in force: the grant's override for the field if it has one, else <see cref="Baseline"/>.</summary>
    public static MaskingRule Effective(ResourceField field, IReadOnlyDictionary<string, MaskingRule>? overrides)
    {
        ArgumentNullException.ThrowIfNull(field);
        return overrides is not null && overrides.TryGetValue(field.Name, out var rule) ? rule : Baseline(field);
    }

    /// <summary>
    /// Whether <paramref name="rule"/> could show more than <paramref name="baseline"/> (解除/放宽脱敏). Only Null and
    /// Redact are known to show no more than anything else (Redact shows that a value exists, so it is not below
    /// Null); any other change of rule counts as a lift, because partial rules do not order (a year is not "less"
    /// than a region). A grant may carry a lift only when its approver confirmed it for that field.
    /// </summary>
    public static bool IsLift(MaskingRule rule, MaskingRule baseline)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(baseline);
        return rule.Kind switch
        {
            MaskingKind.Null => false,
            MaskingKind.Redact => baseline.Kind == MaskingKind.Null,
            _ => rule != baseline,
        };
    }

    private static MaskingRule Redact { get; } = new(MaskingKind.Redact);

    private static MaskingRule DateToYear { get; } = new(MaskingKind.DateToYear);

    private static MaskingRule PersonalText { get; } = MaskingRule.KeepFirstLastOf(1, 1);
}
