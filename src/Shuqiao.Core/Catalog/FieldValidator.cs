namespace Shuqiao.Core.Catalog;

/// <summary>
/// A check on a field's values besides its type and <see cref="ResourceField.Required"/>. The kinds are named as the
/// API writes them (<see cref="Kind"/>): <c>length</c>, <c>regex</c>, <c>codeList</c>, <c>range</c>,
/// <c>cnResidentId</c>, <c>cnCreditCode</c>, <c>mobile</c>, <c>email</c>.
/// </summary>
public abstract record FieldValidator
{
    public abstract string Kind { get; }

    /// <summary>The field types this check applies to.</summary>
    public abstract IReadOnlyList<FieldType> AppliesTo { get; }

    /// <summary>Every kind, in the order forms list them.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        [LengthValidator.Name, RegexValidator.Name, CodeListValidator.Name, RangeValidator.Name, ResidentIdValidator.Name, CreditCodeValidator.Name, MobileValidator.Name, EmailValidator.Name];

    // Static, not per instance: records compare their fields, and a per-instance list would make equal validators differ.
    private protected static readonly FieldType[] Text = [FieldType.String];

    private protected static readonly FieldType[] TextOrInteger = [FieldType.String, FieldType.Integer];

    private protected static readonly FieldType[] Ordered = [FieldType.Integer, FieldType.Decimal, FieldType.Date, FieldType.DateTime];
}

/// <summary>Length in characters (Unicode code points: 张 and 𠀀 count one each), inclusive bounds.</summary>
public sealed record LengthValidator(int? Min, int? Max) : FieldValidator
{
    public const string Name = "length";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}

/// <summary>
/// The whole value matches <see cref="Pattern"/> (.NET syntax; anchored at both ends, so <c>\d{6}</c> means exactly six
/// digits). Matching is linear-time where the pattern allows and always bounded by a timeout.
/// </summary>
public sealed record RegexValidator(string Pattern) : FieldValidator
{
    public const string Name = "regex";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}

/// <summary>One code of a code list (代码表), e.g. GB/T 2261.1 性别代码 <c>1</c> 男性.</summary>
public sealed record CodeListEntry(string Code, string? Label);

/// <summary>The value is one of the listed codes (compared exactly; an integer field's codes are its decimal text).</summary>
public sealed record CodeListValidator(IReadOnlyList<CodeListEntry> Codes, string? Source) : FieldValidator
{
    public const string Name = "codeList";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => TextOrInteger;
}

/// <summary>
/// Inclusive bounds, written in the field's own text form (<c>0</c>, <c>99.5</c>, <c>1900-01-01</c>,
/// <c>2020-01-01T00:00:00+08:00</c>); either may be absent.
/// </summary>
public sealed record RangeValidator(string? Min, string? Max) : FieldValidator
{
    public const string Name = "range";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Ordered;
}

/// <summary>公民身份号码 (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check character, a real birth date.</summary>
public sealed record ResidentIdValidator : FieldValidator
{
    public const string Name = "cnResidentId";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}

/// <summary>统一社会信用代码 (GB 32100-2015), checked by <see cref="Organizations.CreditCode"/>.</summary>
public sealed record CreditCodeValidator : FieldValidator
{
    public const string Name = "cnCreditCode";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}

/// <summary>A mainland China mobile number: 11 digits, <c>1[3-9]</c> then nine digits.</summary>
public sealed record MobileValidator : FieldValidator
{
    public const string Name = "mobile";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}

/// <summary>An e-mail address (RFC 5321 mailbox, dot-atom local part; internationalized domains allowed).</summary>
public sealed record EmailValidator : FieldValidator
{
    public const string Name = "email";

    public override string Kind => Name;

    public override IReadOnlyList<FieldType> AppliesTo => Text;
}
