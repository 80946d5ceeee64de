using System.Globalization;
using System.Text.Json;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// A field value after parsing: a string, a 64-bit integer, an exact decimal, a boolean, a date or an instant,
/// with one canonical text form (used for keys, code lists, uniqueness and CSV) and one JSON form (stored records).
/// CSV gives text and JSON gives typed values; both end up here, so the same record is stored the same way
/// whichever way it was uploaded.
/// </summary>
public sealed record TypedValue
{
    private TypedValue(FieldType type, object value)
    {
        Type = type;
        Value = value;
    }

    public FieldType Type { get; }

    /// <summary><see cref="string"/>, <see cref="long"/>, <see cref="decimal"/>, <see cref="bool"/>, <see cref="DateOnly"/> or <see cref="DateTimeOffset"/>.</summary>
    public object Value { get; }

    public static TypedValue Of(string value) => new(FieldType.String, value);

    public static TypedValue Of(long value) => new(FieldType.Integer, value);

    public static TypedValue Of(decimal value) => new(FieldType.Decimal, Normalize(value));

    public static TypedValue Of(bool value) => new(FieldType.Boolean, value);

    public static TypedValue Of(DateOnly value) => new(FieldType.Date, value);

    /// <summary>Instants are kept in UTC, so two writings of one instant are one value.</summary>
    public static TypedValue Of(DateTimeOffset value) => new(FieldType.DateTime, value.ToUniversalTime());

    public string AsString => (string)Value;

    public long AsInteger => (long)Value;

    public decimal AsDecimal => (decimal)Value;

    public bool AsBoolean => (bool)Value;

    public DateOnly AsDate => (DateOnly)Value;

    public DateTimeOffset AsDateTime => (DateTimeOffset)Value;

    /// <summary>
    /// The one text form of the value: the string itself, <c>-12</c>, <c>3.5</c> (no trailing zeros),
    /// <c>true</c>, <c>2024-02-29</c>, <c>2024-02-29T01:02:03Z</c> (UTC, fractions only when present).
    /// </summary>
    public string Text => Value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException("Unknown value kind."),
    };

    /// <summary>Writes the value as JSON: numbers and booleans as JSON numbers and booleans, the rest as strings.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Value)
        {
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal d:
                writer.WriteNumberValue(d);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            default:
                writer.WriteStringValue(Text);
                break;
        }
    }

    /// <summary>Orders two values of the same type (strings ordinally).</summary>
    public int CompareTo(TypedValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Type != Type)
        {
            throw new ArgumentException("Values of different types do not compare.", nameof(other));
        }

        return Value switch
        {
            string s => string.CompareOrdinal(s, other.AsString),
            long l => l.CompareTo(other.AsInteger),
            decimal d => d.CompareTo(other.AsDecimal),
            bool b => b.CompareTo(other.AsBoolean),
            DateOnly date => date.CompareTo(other.AsDate),
            DateTimeOffset instant => instant.CompareTo(other.AsDateTime),
            _ => 0,
        };
    }

    public override string ToString() => Text;

    // 1.50 and 1.5 are one value: drop the trailing zeros decimal keeps from its input.
    private static decimal Normalize(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}
