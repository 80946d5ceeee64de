using System.Globalization;
using System.Text;
using System.Text.Json;
using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Privacy;

/// <summary>
/// What masking needs besides the rule: the consumer's pseudonym key (only for <see cref="MaskingKind.Pseudonym"/>)
/// and the UTC offset in which an instant's year is read (China Standard Time, +08:00, unless told otherwise).
/// </summary>
public sealed record MaskingContext(PseudonymKey? Pseudonyms, TimeSpan Offset)
{
    public static MaskingContext ForChina(PseudonymKey? pseudonyms) => new(pseudonyms, ValueParsingOptions.ChinaStandardTime);
}

/// <summary>
/// Applies a <see cref="MaskingRule"/> (脱敏规则) to a value. Pure and allocation-light: the gateway calls it for
/// every masked value it returns. A masked value is a string, except <see cref="MaskingKind.DateToYear"/> (the year,
/// an integer) and <see cref="MaskingKind.Null"/> (null). A missing value stays missing under every rule.
/// </summary>
/// <remarks>
/// Every rule fails closed: a rule that does not fit the value (a number range on text, an address that names no
/// administrative division) gives <see cref="RedactedText"/>, never the value. Text is counted in text elements
/// (what a reader sees as one character), so 张三 has two and an ideograph outside the BMP counts once.
/// </remarks>
public static class Masker
{
    /// <summary>What <see cref="MaskingKind.Redact"/> returns: always six asterisks, so the length does not leak.</summary>
    public const string RedactedText = "******";

    public const char MaskCharacter = '*';

    /// <summary>Masks a value; null (absent) stays null.</summary>
    public static TypedValue? Mask(TypedValue? value, MaskingRule rule, MaskingContext context)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(context);
        if (value is null)
        {
            return null;
        }

        return rule.Kind switch
        {
            MaskingKind.None => value,
            MaskingKind.Null => null,
            MaskingKind.Redact => Redacted,
            MaskingKind.KeepFirstLast => TypedValue.Of(KeepFirstLast(value.Text, rule.KeepFirst ?? 0, rule.KeepLast ?? 0)),
            MaskingKind.DateToYear => Year(value, context.Offset),
            MaskingKind.NumberRange => NumberRange(value, rule.Step),
            MaskingKind.RegionTruncate => TypedValue.Of(RegionTruncate(value.Text, rule.Level ?? RegionLevel.County)),
            MaskingKind.Pseudonym => TypedValue.Of((context.Pseudonyms ?? throw new ArgumentException("A pseudonym rule needs the consumer's pseudonym key.", nameof(context))).Pseudonym(value.Text)),
            _ => Redacted,
        };
    }

    /// <summary>Masks a stored JSON value of <paramref name="field"/> (as the records table holds it).</summary>
    public static TypedValue? MaskJson(ResourceField field, JsonElement value, MaskingRule rule, MaskingContext context)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(context);
        var parsed = FieldValueParser.FromJson(field.Name, field.Type, null, null, value, new ValueParsingOptions(context.Offset, DateOnly.MinValue));

        // A stored value that no longer reads as the field's type (the schema changed under it) is never shown raw.
        return parsed.Issue is not null ? (rule.Kind == MaskingKind.Null ? null : Redacted) : Mask(parsed.Value, rule, context);
    }

    private static TypedValue Redacted { get; } = TypedValue.Of(RedactedText);

    /// <summary>
    /// Keeps the first <paramref name="first"/> and last <paramref name="last"/> text elements and puts one
    /// <see cref="MaskCharacter"/> in place of each other one. At least one element is always masked: when the text
    /// is not longer than first + last, the kept tail shrinks first, then the head (张三 with (1,1) → 张*).
    /// </summary>
    public static string KeepFirstLast(string text, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(last);
        var elements = TextElements(text);
        var count = elements.Count;
        if (count == 0)
        {
            return text;
        }

        var keepLast = Math.Min(last, Math.Max(0, count - 1 - first));
        var keepFirst = Math.Min(first, count - 1 - keepLast);
        var masked = new StringBuilder(text.Length);
        for (var i = 0; i < count; i++)
        {
            if (i < keepFirst || i >= count - keepLast)
            {
                masked.Append(elements[i]);
            }
            else
            {
                masked.Append(MaskCharacter);
            }
        }

        return masked.ToString();
    }

    /// <summary>
    /// Cuts an address or a region code back to <paramref name="level"/>. A code (all digits: 6-digit GB/T 2260,
    /// 9- or 12-digit 统计用区划代码) keeps 2/4/6/9 digits and is padded with zeros to its length, so it stays the
    /// code of the enclosing division (350102 → 350100 at City). An address keeps its leading administrative
    /// divisions down to the level (see <see cref="AddressDivisions"/>); one that names none at or above the level is
    /// redacted.
    /// </summary>
    public static string RegionTruncate(string text, RegionLevel level)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            var keep = level switch
            {
                RegionLevel.Province => 2,
                RegionLevel.City => 4,
                RegionLevel.County => 6,
                _ => 9,
            };
            return trimmed.Length <= keep ? trimmed : trimmed[..keep] + new string('0', trimmed.Length - keep);
        }

        var end = 0;
        foreach (var division in AddressDivisions.Parse(trimmed))
        {
            if (division.Level > level)
            {
                break;
            }

            end = division.End;
        }

        return end == 0 ? RedactedText : trimmed[..end];
    }

    private static TypedValue Year(TypedValue value, TimeSpan offset) => value.Value switch
    {
        DateOnly date => TypedValue.Of((long)date.Year),
        DateTimeOffset instant => TypedValue.Of((long)instant.ToOffset(offset).Year),
        _ => Redacted,
    };

    // [low, high): low is the largest multiple of the step not above the value, so 40 falls in [40, 50).
    private static TypedValue NumberRange(TypedValue value, decimal? step)
    {
        decimal? number = value.Value switch
        {
            long l => l,
            decimal d => d,
            _ => null,
        };
        if (number is not { } n || step is not { } s || s <= 0)
        {
            return Redacted;
        }

        var low = Math.Floor(n / s) * s;
        var high = low + s;
        return TypedValue.Of($"[{TypedValue.Of(low).Text}, {TypedValue.Of(high).Text})");
    }

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>(text.Length);
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }
}
