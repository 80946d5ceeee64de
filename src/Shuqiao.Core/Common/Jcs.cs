using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Common;

/// <summary>The input is not I-JSON (RFC 7493), so RFC 8785 gives it no canonical form.</summary>
public sealed class JcsException(string message) : Exception(message);

/// <summary>
/// JSON Canonicalization Scheme (RFC 8785): the bytes ecdsa-jcs-2019 hashes and the form of ledger entries (so any
/// JCS implementation can recompute an entry, or a snapshot hash in it, from the data it describes). Object members sorted by their names'
/// UTF-16 code units, no whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's
/// Number.prototype.toString form. Input must be I-JSON: no duplicate names, no lone surrogates, finite numbers.
/// </summary>
public static class Jcs
{
    /// <summary>Parser settings for documents about to be canonicalized: duplicates refused (I-JSON §2.3), depth bounded.</summary>
    public static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static byte[] Canonicalize(JsonNode? node) => Encoding.UTF8.GetBytes(CanonicalizeToString(node));

    public static string CanonicalizeToString(JsonNode? node)
    {
        var builder = new StringBuilder(256);
        Write(builder, node);
        return builder.ToString();
    }

    /// <summary>The canonical UTF-8 bytes of JSON text, e.g. a snapshot read back from jsonb, whose key order PostgreSQL changed.</summary>
    public static byte[] CanonicalizeJson(string json) => Encoding.UTF8.GetBytes(CanonicalizeToString(json));

    /// <summary>Canonicalizes JSON text (parsed with <see cref="ParseOptions"/>).</summary>
    public static string CanonicalizeToString(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: ParseOptions);
        }
        catch (JsonException e)
        {
            throw new JcsException("not JSON: " + e.Message);
        }

        return CanonicalizeToString(node);
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var names = new List<string>(obj.Count);
                foreach (var member in obj)
                {
                    names.Add(member.Key);
                }

                // RFC 8785 §3.2.3: sort by UTF-16 code units, which is exactly ordinal string comparison in .NET.
                names.Sort(string.CompareOrdinal);
                for (var i = 0; i < names.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    WriteString(builder, names[i]);
                    builder.Append(':');
                    Write(builder, obj[names[i]]);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
            default:
                throw new JcsException("unsupported JSON node");
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                string text;
                try
                {
                    text = value.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    throw new JcsException("a string is not valid UTF-16 (a lone surrogate; not I-JSON)");
                }

                WriteString(builder, text);
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            case JsonValueKind.Number:
                builder.Append(FormatNumber(ToDouble(value)));
                break;
            default:
                throw new JcsException("unsupported JSON value");
        }
    }

    private static double ToDouble(JsonValue value)
    {
        // A parsed number keeps its text; numbers set from .NET values are read through their own type.
        if (value.TryGetValue<JsonElement>(out var element))
        {
            var text = element.GetRawText();
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A double as ECMAScript's Number.prototype.toString writes it (ECMA-262 §6.1.6.1.20, RFC 8785 §3.2.2.3): the
    /// shortest digits that round-trip, plain notation for exponents from -6 to 20, otherwise d.ddde±n.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new JcsException("NaN and Infinity are not JSON numbers");
        }

        if (value == 0)
        {
            return "0"; // also -0
        }

        // .NET's "R" gives the shortest round-trip digits (since .NET Core 3.0); re-layout them the ECMAScript way.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var body = negative ? shortest[1..] : shortest;
        var exponent = 0;
        var e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        // body is d+[.d+]: collect the digits and where the decimal point sits.
        var point = body.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? body : body.Remove(point, 1);
        var integerDigits = point < 0 ? body.Length : point;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..];
        integerDigits -= leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        // value = 0.d1d2…dk × 10^n
        var k = digits.Length;
        var n = integerDigits + exponent;
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
            var exp = n - 1;
            result.Append(digits[0]);
            if (k > 1)
            {
                result.Append('.').Append(digits, 1, k - 1);
            }

            result.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                        {
                            throw new JcsException("a string holds a lone surrogate (not I-JSON)");
                        }

                        builder.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (char.IsLowSurrogate(c))
                    {
                        throw new JcsException("a string holds a lone surrogate (not I-JSON)");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
