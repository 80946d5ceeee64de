using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785, "JCS"): object members sorted by their names' UTF-16 code units, no
/// insignificant whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's shortest
/// form. Ledger entries are written this way, so the same event always gives the same bytes and any JCS
/// implementation can recompute an entry (or a snapshot hash in it) from the data it describes.
/// </summary>
public static class CanonicalJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Serialize(JsonNode? node) =>
        node is null ? "null"u8.ToArray() : Serialize(JsonSerializer.SerializeToElement(node, CanonicalJsonContext.Default.JsonNode));

    public static byte[] Serialize(JsonElement element)
    {
        var text = new StringBuilder(256);
        Write(text, element);
        try
        {
            return StrictUtf8.GetBytes(text.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new FormatException("RFC 8785 §3.2.2.2: a string holds a lone surrogate, which has no UTF-8 form.", e);
        }
    }

    /// <summary>Canonicalizes a JSON text (e.g. a snapshot read back from jsonb, whose key order PostgreSQL changed).</summary>
    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Serialize(document.RootElement);
    }

    private static void Write(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = element.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        if (members[i].Name == members[i - 1].Name)
                        {
                            throw new FormatException($"RFC 8785 §3.1: duplicate member name '{members[i].Name}'.");
                        }

                        text.Append(',');
                    }

                    WriteString(text, members[i].Name);
                    text.Append(':');
                    Write(text, members[i].Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    Write(text, item);
                    first = false;
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                text.Append(FormatNumber(element.GetDouble()));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new FormatException($"Cannot canonicalize a JSON {element.ValueKind}.");
        }
    }

    // RFC 8785 §3.2.2.2: only " and \ and the control characters are escaped; \b \t \n \f \r in short form, the other
    // controls as \u00xx with lowercase hex; everything else, non-ASCII included, is written as is.
    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\f': text.Append("\\f"); break;
                case '\r': text.Append("\\r"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    /// <summary>
    /// ECMAScript's Number::toString (ECMA-262 §7.1.12.1, what RFC 8785 §3.2.2.3 requires) from .NET's shortest
    /// round-trip digits: plain notation for decimal exponents −6 &lt; n ≤ 21, otherwise <c>d.ddde±x</c>.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new FormatException("RFC 8785 §3.2.2.3: NaN and Infinity are not JSON numbers.");
        }

        if (value == 0)
        {
            return "0"; // −0 too
        }

        var negative = value < 0;
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            shortest = shortest[..e];
        }

        var point = shortest.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = point < 0 ? shortest.Length : point;
        var digits = shortest.Replace(".", "", StringComparison.Ordinal);
        // n: the position of the decimal point relative to the first significant digit (ECMA-262's n).
        var n = integerDigits + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leadingZeros;
        var k = digits.Length;

        var result = new StringBuilder(32);
        if (negative)
        {
            result.Append('-');
        }

        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var power = n - 1;
            result.Append(digits[0]);
            if (k > 1)
            {
                result.Append('.').Append(digits, 1, k - 1);
            }

            result.Append('e').Append(power < 0 ? '-' : '+').Append(Math.Abs(power).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class CanonicalJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
