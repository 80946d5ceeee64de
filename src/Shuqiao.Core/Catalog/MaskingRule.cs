namespace Shuqiao.Core.Catalog;

/// <summary>
/// How a field is masked (脱敏) by default when it is shared, unless a grant says otherwise. The catalog names the
/// rule; the Privacy capability applies it.
/// </summary>
public enum MaskingKind
{
    None,          // shown as is
    KeepFirstLast, // keep the first n and last m characters, mask the rest: 110105********123X
    Redact,        // replace the whole value with a fixed mask: ******
    Null,          // leave the value out (null)
    DateToYear,    // keep only the year of a date: 1990-05-17 → 1990
    NumberRange,   // a number becomes the band it falls in: 37 with step 10 → [30, 40)
    RegionTruncate,// an address or region code keeps only its first levels: 示范市鼓楼区东街街道… → 示范市鼓楼区
    Pseudonym,     // a stable keyed pseudonym (同一值同一化名), so records still join
}

/// <summary>The administrative levels an address or region code is cut back to (GB/T 2260 levels, then 乡镇).</summary>
public enum RegionLevel
{
    Province = 1, // 省级: 2 digits of a region code
    City = 2,     // 地市级: 4 digits
    County = 3,   // 县级: 6 digits
    Town = 4,     // 乡镇级: 9 digits
}

/// <summary>A masking rule and its parameters; only the parameters of <see cref="Kind"/> are set.</summary>
public sealed record MaskingRule(MaskingKind Kind, int? KeepFirst = null, int? KeepLast = null, decimal? Step = null, RegionLevel? Level = null)
{
    public static MaskingRule None { get; } = new(MaskingKind.None);

    public static MaskingRule KeepFirstLastOf(int first, int last) => new(MaskingKind.KeepFirstLast, KeepFirst: first, KeepLast: last);

    public static MaskingRule NumberRangeOf(decimal step) => new(MaskingKind.NumberRange, Step: step);

    public static MaskingRule RegionTruncateTo(RegionLevel level) => new(MaskingKind.RegionTruncate, Level: level);

    /// <summary>The field types a rule can apply to; null means any type.</summary>
    public static IReadOnlyList<FieldType>? TypesFor(MaskingKind kind) => kind switch
    {
        MaskingKind.KeepFirstLast or MaskingKind.RegionTruncate => [FieldType.String],
        MaskingKind.DateToYear => [FieldType.Date, FieldType.DateTime],
        MaskingKind.NumberRange => [FieldType.Integer, FieldType.Decimal],
        MaskingKind.Pseudonym => [FieldType.String, FieldType.Integer],
        _ => null,
    };

    /// <summary>The rule as people write it: <c>KeepFirstLast(6,4)</c>, <c>NumberRange(10)</c>, <c>RegionTruncate(County)</c>.</summary>
    public override string ToString() => Kind switch
    {
        MaskingKind.KeepFirstLast => $"KeepFirstLast({KeepFirst},{KeepLast})",
        MaskingKind.NumberRange => $"NumberRange({Step?.ToString(System.Globalization.CultureInfo.InvariantCulture)})",
        MaskingKind.RegionTruncate => $"RegionTruncate({Level})",
        _ => Kind.ToString(),
    };
}
