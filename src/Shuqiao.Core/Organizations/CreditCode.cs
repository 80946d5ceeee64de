using System.Text;

namespace Shuqiao.Core.Organizations;

/// <summary>What is wrong with a 统一社会信用代码, if anything.</summary>
public enum CreditCodeError
{
    None,
    Required,
    Length,     // not 18 characters
    Character,  // a character outside the GB 32100 alphabet
    Region,     // positions 3–8 (GB/T 2260 region of the registering authority) are not all digits
    Checksum,   // the 18th character is not the one GB 32100 computes
}

/// <summary>The result of checking a code: the error and where it is (1-based position, found and expected characters).</summary>
public readonly record struct CreditCodeCheck(CreditCodeError Error, int Position = 0, char Found = '\0', char Expected = '\0', int Length = 0)
{
    public bool IsValid => Error == CreditCodeError.None;
}

/// <summary>
/// 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters —
/// registration authority, organization kind, 6-digit region (GB/T 2260), 9-character organization code, check character.
/// </summary>
public static class CreditCode
{
    // GB 32100 §4.1: the 31 characters used, in value order; I, O, S, V and Z are excluded.
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public const int Length = 18;

    /// <summary>
    /// The form a code is stored and compared in: full-width characters folded to ASCII (NFKC, as Chinese input methods
    /// often type them), spaces and hyphens removed (codes are printed in groups, e.g. "91 110000 600037341L"),
    /// upper case. Anything else is left for <see cref="Check"/> to report.
    /// </summary>
    public static string Normalize(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "";
        }

        var folded = code.Normalize(NormalizationForm.FormKC);
        var result = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (c == '-' || char.IsWhiteSpace(c))
            {
                continue;
            }

            result.Append(c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'A') : c);
        }

        return result.ToString();
    }

    /// <summary>Checks an already normalized code.</summary>
    /// <remarks>
    /// The first two characters (登记管理部门码, 机构类别码) are not checked against a table: the authorities have added
    /// codes after 2015 (e.g. A 军队事业单位, N 农村集体经济组织 — the latter matter to village-level organizations),
    /// so any character of the alphabet is accepted there. python-stdnum requires digits in positions 1–2 and so
    /// reports <c>A1110000600037341L</c> as a format error; here it fails its check character instead.
    /// </remarks>
    public static CreditCodeCheck Check(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return new CreditCodeCheck(CreditCodeError.Required);
        }

        if (code.Length != Length)
        {
            return new CreditCodeCheck(CreditCodeError.Length, Length: code.Length);
        }

        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return new CreditCodeCheck(CreditCodeError.Character, i + 1, c, Length: Length);
            }

            // GB 32100: positions 3–8 are the registering authority's 行政区划码 (GB/T 2260), digits only.
            if (i is >= 2 and <= 7 && !char.IsAsciiDigit(c))
            {
                return new CreditCodeCheck(CreditCodeError.Region, i + 1, c, Length: Length);
            }
        }

        var expected = CheckCharacter(code.AsSpan(0, Length - 1));
        return code[Length - 1] == expected
            ? new CreditCodeCheck(CreditCodeError.None, Length: Length)
            : new CreditCodeCheck(CreditCodeError.Checksum, Length, code[Length - 1], expected, Length);
    }

    /// <summary>Why a code is not valid (in English, for the API), or null when it is.</summary>
    public static string? Validate(string? code) => Describe(Check(code));

    /// <summary>The English reason for a failed check, or null when the check passed.</summary>
    public static string? Describe(CreditCodeCheck check) => check.Error switch
    {
        CreditCodeError.None => null,
        CreditCodeError.Required => "is required",
        CreditCodeError.Length => $"must be {Length} characters long (统一社会信用代码为18位) but has {check.Length}",
        CreditCodeError.Character => $"contains '{check.Found}' at position {check.Position}, which GB 32100 does not allow (digits and upper-case letters except I, O, S, V, Z)",
        CreditCodeError.Region => $"has '{check.Found}' at position {check.Position}, but positions 3–8 are the registering authority's region code (GB/T 2260) and must be digits",
        CreditCodeError.Checksum => $"has check character '{check.Found}' but GB 32100 gives '{check.Expected}' (校验码错误)",
        _ => throw new ArgumentOutOfRangeException(nameof(check)),
    };

    public static bool IsValid(string? code) => Check(code).IsValid;

    /// <summary>The check character for the first 17 characters (GB 32100 §5: weighted sum modulo 31).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1)
        {
            throw new ArgumentException("Seventeen characters are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var value = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{first17[i]}' is not a GB 32100 character.", nameof(first17));
            }

            sum += value * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>Completes 17 characters with their check character.</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
