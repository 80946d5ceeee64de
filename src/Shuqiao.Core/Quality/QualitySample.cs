using System.Text;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Ingestion;

namespace Shuqiao.Core.Quality;

/// <summary>
/// A failing example: which record (by its key, masked when a key field is personal information), which field and
/// which rule (a stable code such as <c>value.mobile</c>, <c>unique.duplicate</c>). Never the value itself.
/// </summary>
public sealed record QualitySample(QualityDimension Dimension, string Field, string Code, string Key);

/// <summary>Rule codes of the samples that are not validator codes.</summary>
public static class QualityCodes
{
    public const string Missing = "value.required";           // 完整性: a required value is absent
    public const string Duplicate = "unique.duplicate";       // 准确性: another record has the same value
    public const string Unresolved = "reference.unresolved";  // 一致性: the referenced resource has no such value
}

/// <summary>
/// Record keys as samples may show them. A key part of a field with personal information (GB/T 35273) is masked
/// with the field's masking rule; rules that cannot apply to a key text (or none) fall back to keeping the first and
/// last character, and a part too short to keep anything is masked entirely, so no personal value leaves.
/// </summary>
public static class SampleKeys
{
    private const string Redacted = "******";

    public static string Mask(string key, IReadOnlyList<ResourceField> keyFields)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(keyFields);
        if (keyFields.All(f => f.PersonalInfo == PersonalInfoKind.None))
        {
            return key;
        }

        if (keyFields.Count == 1)
        {
            // A single-field key is the value itself: BatchReader.Key escapes the parts of composite keys only, so a
            // "|" or "\" here is part of the value.
            return keyFields[0].PersonalInfo == PersonalInfoKind.None ? key : MaskPart(key, keyFields[0].Masking);
        }

        var parts = BatchReader.SplitKey(key);
        if (parts.Count != keyFields.Count)
        {
            // Keys written under another schema version: without knowing which part is which, mask every part.
            return string.Join('|', parts.Select(p => BatchReader.EscapeKeyPart(MaskPart(p, MaskingRule.None))));
        }

        return string.Join('|', parts.Select((p, i) => BatchReader.EscapeKeyPart(keyFields[i].PersonalInfo == PersonalInfoKind.None ? p : MaskPart(p, keyFields[i].Masking))));
    }

    /// <summary>One value masked by a rule (<see cref="MaskingKind.None"/> here means "personal, no rule given").</summary>
    public static string MaskPart(string value, MaskingRule rule)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Kind switch
        {
            MaskingKind.KeepFirstLast => KeepFirstLast(value, rule.KeepFirst ?? 0, rule.KeepLast ?? 0),
            MaskingKind.None => KeepFirstLast(value, 1, 1),
            MaskingKind.DateToYear when value.Length >= 4 && value[..4].All(char.IsAsciiDigit) => value[..4],
            _ => Redacted,
        };
    }

    private static string KeepFirstLast(string value, int first, int last)
    {
        var runes = value.EnumerateRunes().ToList();
        if (first + last >= runes.Count)
        {
            return new string('*', Math.Max(runes.Count, 1));
        }

        var text = new StringBuilder();
        for (var i = 0; i < runes.Count; i++)
        {
            if (i < first || i >= runes.Count - last)
            {
                text.Append(runes[i].ToString());
            }
            else
            {
                text.Append('*');
            }
        }

        return text.ToString();
    }
}
