using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Catalog;

/// <summary>What is wrong with a written resource code or category, if anything.</summary>
public enum ResourceCodeError
{
    None,
    Required,
    Format,        // not digits in the 类-项-目-细目/顺序码 layout
    Class,         // 类 is not 1, 2 or 3
    Item,          // 项 is 00
    Sequence,      // 顺序码 is 000000
}

/// <summary>
/// 信息资源分类 (前段码): 类 (1 digit: 1 基础, 2 主题, 3 部门信息资源), 项 (2 digits), 目 (3 digits), 细目 (3 digits) —
/// nine digits, e.g. <c>101001000</c>, written for people as <c>1-01-001-000</c>. <c>000</c> in 目 or 细目 means the
/// level is not subdivided.
/// </summary>
public readonly record struct ResourceCategory
{
    public const int Length = 9;

    private ResourceCategory(string digits) => Digits = digits;

    /// <summary>The nine digits.</summary>
    public string Digits { get; }

    public int Class => Digits[0] - '0';

    /// <summary>类 and 项: the first three digits, the level the national taxonomy defines.</summary>
    public string ItemPrefix => Digits[..3];

    /// <summary>类, 项 and 目: the first six digits.</summary>
    public string EntryPrefix => Digits[..6];

    /// <summary>The form people read: <c>1-01-001-000</c>.</summary>
    public string Display => $"{Digits[0]}-{Digits[1..3]}-{Digits[3..6]}-{Digits[6..9]}";

    public override string ToString() => Digits;

    /// <summary>
    /// Reads a category as people write it: nine digits, or grouped with hyphens or spaces (<c>1-01-001-000</c>);
    /// the trailing levels may be left out (<c>1-01</c> = <c>101000000</c>, <c>1-01-001</c> = <c>101001000</c>).
    /// Full-width digits are folded.
    /// </summary>
    public static ResourceCodeError TryParse(string? text, out ResourceCategory category)
    {
        category = default;
        var compact = Compact(text);
        if (compact.Length == 0)
        {
            return ResourceCodeError.Required;
        }

        if (!compact.All(char.IsAsciiDigit) || compact.Length is not (3 or 6 or 9))
        {
            return ResourceCodeError.Format;
        }

        return FromDigits(compact.PadRight(Length, '0'), out category);
    }

    internal static ResourceCodeError FromDigits(string digits, out ResourceCategory category)
    {
        category = default;
        if (digits[0] is < '1' or > '3')
        {
            return ResourceCodeError.Class;
        }

        if (digits[1] == '0' && digits[2] == '0')
        {
            return ResourceCodeError.Item;
        }

        category = new ResourceCategory(digits);
        return ResourceCodeError.None;
    }

    // NFKC folds full-width digits and the full-width solidus; grouping characters are dropped.
    internal static string Compact(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var folded = text.Normalize(NormalizationForm.FormKC);
        var result = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (c is '-' or '_' or '.' || char.IsWhiteSpace(c))
            {
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}

/// <summary>
/// 信息资源代码 (政务信息资源目录编制指南): the category (前段码: 类-项-目-细目) and a sequence number (后段码, 顺序码)
/// separated by <c>/</c>. Shuqiao fixes the lengths the guide leaves open — 细目 three digits, 顺序码 six — so every
/// code has one written form, <c>101001000/000001</c>, and one URL form without the slash, <c>101001000-000001</c>.
/// </summary>
public readonly record struct ResourceCode
{
    public const int SequenceLength = 6;

    public const int MaxSequence = 999_999;

    public ResourceCode(ResourceCategory category, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        Category = category;
        Sequence = sequence;
    }

    public ResourceCategory Category { get; }

    public int Sequence { get; }

    /// <summary>The canonical written form: <c>101001000/000001</c>.</summary>
    public string Value => $"{Category.Digits}/{Sequence.ToString("D6", CultureInfo.InvariantCulture)}";

    /// <summary>The form for URLs (a path segment cannot hold a slash): <c>101001000-000001</c>.</summary>
    public string Slug => $"{Category.Digits}-{Sequence.ToString("D6", CultureInfo.InvariantCulture)}";

    /// <summary>The grouped form people read: <c>1-01-001-000/000001</c>.</summary>
    public string Display => $"{Category.Display}/{Sequence.ToString("D6", CultureInfo.InvariantCulture)}";

    public bool IsEmpty => Category.Digits is null;

    public override string ToString() => Value;

    /// <summary>
    /// Reads a code in any of its forms: <c>101001000/000001</c>, <c>1-01-001-000/000001</c>, the URL form
    /// <c>101001000-000001</c>, fifteen digits, or with the slash percent-encoded (<c>%2F</c>). Full-width
    /// characters are folded.
    /// </summary>
    public static ResourceCodeError TryParse(string? text, out ResourceCode code)
    {
        code = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return ResourceCodeError.Required;
        }

        var t = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Normalize(NormalizationForm.FormKC);
        var slash = t.IndexOf('/', StringComparison.Ordinal);
        string categoryPart, sequencePart;
        if (slash >= 0)
        {
            if (t.IndexOf('/', slash + 1) >= 0)
            {
                return ResourceCodeError.Format;
            }

            categoryPart = ResourceCategory.Compact(t[..slash]);
            sequencePart = ResourceCategory.Compact(t[(slash + 1)..]);
        }
        else
        {
            var compact = ResourceCategory.Compact(t);
            if (compact.Length != ResourceCategory.Length + SequenceLength)
            {
                return compact.Length == 0 ? ResourceCodeError.Required : ResourceCodeError.Format;
            }

            categoryPart = compact[..ResourceCategory.Length];
            sequencePart = compact[ResourceCategory.Length..];
        }

        if (categoryPart.Length != ResourceCategory.Length || sequencePart.Length != SequenceLength ||
            !categoryPart.All(char.IsAsciiDigit) || !sequencePart.All(char.IsAsciiDigit))
        {
            return ResourceCodeError.Format;
        }

        if (ResourceCategory.FromDigits(categoryPart, out var category) is not ResourceCodeError.None and var error)
        {
            return error;
        }

        var sequence = int.Parse(sequencePart, CultureInfo.InvariantCulture);
        if (sequence == 0)
        {
            return ResourceCodeError.Sequence;
        }

        code = new ResourceCode(category, sequence);
        return ResourceCodeError.None;
    }

    public static ResourceCode Parse(string text) =>
        TryParse(text, out var code) == ResourceCodeError.None ? code : throw new FormatException($"'{text}' is not a resource code.");

    /// <summary>Why a code cannot be read (English, for the API), or null.</summary>
    public static string? Describe(ResourceCodeError error) => error switch
    {
        ResourceCodeError.None => null,
        ResourceCodeError.Required => "is required",
        ResourceCodeError.Format => "must be a 信息资源代码 of the form 类项目细目/顺序码: nine digits, a slash and six digits (e.g. 101001000/000001 or 1-01-001-000/000001)",
        ResourceCodeError.Class => "has 类 (the first digit) outside 1–3 (1 基础信息资源, 2 主题信息资源, 3 部门信息资源)",
        ResourceCodeError.Item => "has 项 (digits 2–3) 00; every resource belongs to an 项",
        ResourceCodeError.Sequence => "has 顺序码 000000; sequence numbers start at 000001",
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };
}
