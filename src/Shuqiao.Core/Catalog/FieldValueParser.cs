using System.Globalization;
using System.Text;
using System.Text.Json;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// How values are read. <see cref="DefaultOffset"/> is the UTC offset of date-times written without one (most
/// department systems write local time; China Standard Time is +08:00 all year). <see cref="Today"/> is the date
/// birth dates are checked against; the caller takes it from its clock.
/// </summary>
public sealed record ValueParsingOptions(TimeSpan DefaultOffset, DateOnly Today)
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static ValueParsingOptions ForChina(DateOnly today) => new(ChinaStandardTime, today);
}

/// <summary>A parsed value (null when absent) or why the input is not a value of the field's type.</summary>
public readonly record struct ParsedValue(TypedValue? Value, Issue? Issue)
{
    public static ParsedValue Missing => default;
}

/// <summary>
/// Parses field values from text (CSV cells, form inputs) and from JSON (API uploads) into <see cref="TypedValue"/>s.
/// Text is trimmed (ASCII and full-width spaces) and an empty cell is a missing value. Numbers, booleans and dates
/// are NFKC-folded first, so full-width digits typed by Chinese input methods are read. JSON values must have the
/// field's JSON type, except that a JSON string holding a number, boolean or date is read as text would be
/// (systems that send every value as a string are common).
/// </summary>
public static class FieldValueParser
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyyMMdd", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日"];

    private static readonly string[] LocalDateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm",
        "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyyMMddHHmmss",
    ];

    private static readonly string[] TrueWords = ["true", "t", "yes", "y", "1", "是", "√"];

    private static readonly string[] FalseWords = ["false", "f", "no", "n", "0", "否", "×"];

    /// <summary>Parses text for a field of <paramref name="type"/>; <paramref name="field"/> names it in issues.</summary>
    public static ParsedValue FromText(string field, FieldType type, int? precision, int? scale, string? text, ValueParsingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trimmed = Trim(text);
        if (trimmed.Length == 0)
        {
            return ParsedValue.Missing;
        }

        if (trimmed.Contains('\0', StringComparison.Ordinal))
        {
            return new ParsedValue(null, CatalogIssues.ValueNul(field));
        }

        if (type == FieldType.String)
        {
            return new ParsedValue(TypedValue.Of(trimmed), null);
        }

        var folded = trimmed.Normalize(NormalizationForm.FormKC);
        return type switch
        {
            FieldType.Integer => Integer(field, folded),
            FieldType.Decimal => Decimal(field, folded, precision, scale),
            FieldType.Boolean => Boolean(field, folded),
            FieldType.Date => Date(field, folded),
            FieldType.DateTime => DateTime(field, folded, options.DefaultOffset),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>Parses a JSON value for a field of <paramref name="type"/> (see the class remarks).</summary>
    public static ParsedValue FromJson(string field, FieldType type, int? precision, int? scale, JsonElement element, ValueParsingOptions options)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return ParsedValue.Missing;
            case JsonValueKind.String:
                // A JSON string is text; for a string field it is taken exactly as sent, apart from trimming.
                return FromText(field, type, precision, scale, element.GetString(), options);
            case JsonValueKind.Number when type == FieldType.Integer:
                if (element.TryGetInt64(out var integer))
                {
                    return new ParsedValue(TypedValue.Of(integer), null);
                }

                var raw = element.GetRawText();
                return element.TryGetDecimal(out var d) && d == decimal.Truncate(d) && !raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? new ParsedValue(null, CatalogIssues.ValueIntegerRange(field, raw))
                    : new ParsedValue(null, CatalogIssues.ValueNotInteger(field, raw));
            case JsonValueKind.Number when type == FieldType.Decimal:
                return element.TryGetDecimal(out var number)
                    ? CheckDigits(field, element.GetRawText(), number, precision, scale)
                    : new ParsedValue(null, CatalogIssues.ValueNotDecimal(field, element.GetRawText()));
            case JsonValueKind.True or JsonValueKind.False when type == FieldType.Boolean:
                return new ParsedValue(TypedValue.Of(element.GetBoolean()), null);
            default:
                return new ParsedValue(null, CatalogIssues.ValueJsonType(field, type, JsonKind(element.ValueKind)));
        }
    }

    /// <summary>Trims ASCII white space and the full-width space U+3000 that Chinese documents use.</summary>
    public static string Trim(string? text) => text is null ? "" : text.Trim().Trim('\u3000').Trim();

    internal static string JsonKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static ParsedValue Integer(string field, string text)
    {
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return new ParsedValue(null, CatalogIssues.ValueNotInteger(field, text));
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? new ParsedValue(TypedValue.Of(value), null)
            : new ParsedValue(null, CatalogIssues.ValueIntegerRange(field, text));
    }

    private static ParsedValue Decimal(string field, string text, int? precision, int? scale)
    {
        var body = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        var point = body.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? body : body[..point];
        var fraction = point < 0 ? "" : body[(point + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) ||
            !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return new ParsedValue(null, CatalogIssues.ValueNotDecimal(field, text));
        }

        return CheckDigits(field, text, value, precision, scale);
    }

    // Precision and scale count the digits of the value itself: 1.50 is 1.5, one digit after the point.
    private static ParsedValue CheckDigits(string field, string text, decimal value, int? precision, int? scale)
    {
        var typed = TypedValue.Of(value);
        var canonical = typed.Text.TrimStart('-');
        var point = canonical.IndexOf('.', StringComparison.Ordinal);
        var fractionDigits = point < 0 ? 0 : canonical.Length - point - 1;
        var wholeDigits = (point < 0 ? canonical : canonical[..point]).TrimStart('0').Length;
        if (scale is { } s && fractionDigits > s)
        {
            return new ParsedValue(null, CatalogIssues.ValueScale(field, text, s));
        }

        // As SQL's numeric(p, s): the whole part may use only the digits the scale leaves, so decimal(5,2) holds up
        // to 999.99. Without a scale, precision bounds the digits in all.
        if (precision is { } p && (scale is { } reserved ? wholeDigits > p - reserved : wholeDigits + fractionDigits > p))
        {
            return new ParsedValue(null, CatalogIssues.ValuePrecision(field, text, p));
        }

        return new ParsedValue(typed, null);
    }

    private static ParsedValue Boolean(string field, string text)
    {
        if (TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return new ParsedValue(TypedValue.Of(true), null);
        }

        return FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase)
            ? new ParsedValue(TypedValue.Of(false), null)
            : new ParsedValue(null, CatalogIssues.ValueNotBoolean(field, text));
    }

    private static ParsedValue Date(string field, string text) =>
        DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new ParsedValue(TypedValue.Of(date), null)
            : new ParsedValue(null, CatalogIssues.ValueNotDate(field, text));

    private static ParsedValue DateTime(string field, string text, TimeSpan defaultOffset)
    {
        var local = text;
        TimeSpan? offset = null;
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            local = text[..^1];
            offset = TimeSpan.Zero;
        }
        else if (TrySplitOffset(text, out var head, out var parsed))
        {
            local = head;
            offset = parsed;
        }

        if (!System.DateTime.TryParseExact(local, LocalDateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            return new ParsedValue(null, CatalogIssues.ValueNotDateTime(field, text));
        }

        // 0001-01-01T00:00:00+08:00 is before the first instant DateTimeOffset holds.
        var ticks = clock.Ticks - (offset ?? defaultOffset).Ticks;
        if (ticks < System.DateTime.MinValue.Ticks || ticks > System.DateTime.MaxValue.Ticks)
        {
            return new ParsedValue(null, CatalogIssues.ValueNotDateTime(field, text));
        }

        return new ParsedValue(TypedValue.Of(new DateTimeOffset(clock, offset ?? defaultOffset)), null);
    }

    // A trailing +hh:mm, -hh:mm or +hhmm after a time (the date's own hyphens come before the 'T' or space).
    private static bool TrySplitOffset(string text, out string head, out TimeSpan offset)
    {
        head = text;
        offset = default;
        var timeStart = Math.Max(text.IndexOf('T', StringComparison.Ordinal), text.IndexOf(' ', StringComparison.Ordinal));
        if (timeStart < 0)
        {
            return false;
        }

        var sign = text.LastIndexOfAny(['+', '-']);
        if (sign <= timeStart)
        {
            return false;
        }

        var suffix = text[(sign + 1)..].Replace(":", "", StringComparison.Ordinal);
        if (suffix.Length != 4 || !suffix.All(char.IsAsciiDigit))
        {
            return false;
        }

        var hours = int.Parse(suffix[..2], CultureInfo.InvariantCulture);
        var minutes = int.Parse(suffix[2..], CultureInfo.InvariantCulture);
        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0) * (text[sign] == '-' ? -1 : 1);
        head = text[..sign];
        return true;
    }
}
