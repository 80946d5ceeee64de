using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Catalog;

/// <summary>What is wrong with a 公民身份号码, if anything.</summary>
public enum ResidentIdError
{
    None,
    Required,
    Legacy15,   // the 15-digit form of GB 11643-1989, no longer issued
    Length,
    Character,  // not 17 digits and a digit or X
    Region,     // the first two digits are no province of GB/T 2260
    BirthDate,  // positions 7–14 are no real date
    Future,     // the birth date is after today
    TooOld,     // the birth date is before 1800
    Checksum,   // the 18th character is not the one ISO 7064 MOD 11-2 gives
}

/// <summary>The result of checking a number; the fields say where it went wrong.</summary>
public readonly record struct ResidentIdCheck(ResidentIdError Error, int Length = 0, int Position = 0, char Found = '\0', char Expected = '\0', string? Detail = null)
{
    public bool IsValid => Error == ResidentIdError.None;
}

/// <summary>
/// 公民身份号码 (GB 11643-1999): 6-digit 地址码 (GB/T 2260 region where the number was first issued), 8-digit
/// 出生日期码 (YYYYMMDD), 3-digit 顺序码 (odd for men, even for women), and a check character computed with
/// ISO 7064 MOD 11-2 (<c>X</c> stands for 10).
/// </summary>
/// <remarks>
/// Only the province part of the region is checked: GB/T 2260 county codes change every year and a number keeps the
/// code of where it was issued, so a county-level table would reject valid numbers. 港澳台居民居住证 numbers
/// (810000, 820000, 830000) follow the same structure and pass.
/// </remarks>
public static class ResidentId
{
    public const int Length = 18;

    // GB 11643-1999 §7.2 (ISO 7064 MOD 11-2): weights Wi = 2^(i-1) mod 11 for positions 18 down to 2.
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private const string CheckCharacters = "10X98765432"; // indexed by the weighted sum mod 11

    // GB/T 2260 provinces (省级行政区划代码), plus 71 台湾, 81 香港, 82 澳门 and 83 (台湾居民居住证).
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
    ];

    private static readonly DateOnly Earliest = new(1800, 1, 1);

    /// <summary>The form a number is stored in: full-width characters folded, spaces removed, <c>x</c> upper-cased.</summary>
    public static string Normalize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var folded = value.Normalize(NormalizationForm.FormKC);
        var result = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (!char.IsWhiteSpace(c))
            {
                result.Append(c == 'x' ? 'X' : c);
            }
        }

        return result.ToString();
    }

    /// <summary>Checks a normalized number against <paramref name="today"/> (the birth date may not be later).</summary>
    public static ResidentIdCheck Check(string? number, DateOnly today)
    {
        if (string.IsNullOrEmpty(number))
        {
            return new ResidentIdCheck(ResidentIdError.Required);
        }

        if (number.Length == 15 && number.All(char.IsAsciiDigit))
        {
            return new ResidentIdCheck(ResidentIdError.Legacy15, 15, Detail: Upgrade(number));
        }

        if (number.Length != Length)
        {
            return new ResidentIdCheck(ResidentIdError.Length, number.Length);
        }

        for (var i = 0; i < Length; i++)
        {
            var c = number[i];
            if (!char.IsAsciiDigit(c) && !(i == Length - 1 && c == 'X'))
            {
                return new ResidentIdCheck(ResidentIdError.Character, Length, i + 1, c);
            }
        }

        if (!Provinces.Contains(number[..2]))
        {
            return new ResidentIdCheck(ResidentIdError.Region, Length, 1, Detail: number[..2]);
        }

        if (!DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        {
            return new ResidentIdCheck(ResidentIdError.BirthDate, Length, 7, Detail: number[6..14]);
        }

        if (birth > today)
        {
            return new ResidentIdCheck(ResidentIdError.Future, Length, 7, Detail: birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (birth < Earliest)
        {
            return new ResidentIdCheck(ResidentIdError.TooOld, Length, 7, Detail: birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var expected = CheckCharacter(number.AsSpan(0, 17));
        return number[17] == expected
            ? new ResidentIdCheck(ResidentIdError.None, Length)
            : new ResidentIdCheck(ResidentIdError.Checksum, Length, Length, number[17], expected);
    }

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("Seventeen digits are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(first17[i]))
            {
                throw new ArgumentException($"'{first17[i]}' is not a digit.", nameof(first17));
            }

            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// The 18-digit form of a 15-digit GB 11643-1989 number: the century 19 is inserted before the two-digit year
    /// (15-digit numbers were issued only to people born in the 1900s) and the check character appended.
    /// </summary>
    public static string Upgrade(string number15)
    {
        ArgumentNullException.ThrowIfNull(number15);
        if (number15.Length != 15 || !number15.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Fifteen digits are needed.", nameof(number15));
        }

        var first17 = number15[..6] + "19" + number15[6..];
        return first17 + CheckCharacter(first17);
    }

    /// <summary>The birth date of a valid number.</summary>
    public static DateOnly BirthDate(string number) =>
        DateOnly.ParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Why a number is not valid (English, for the API), or null when it is.</summary>
    public static string? Describe(ResidentIdCheck check) => check.Error switch
    {
        ResidentIdError.None => null,
        ResidentIdError.Required => "is required",
        ResidentIdError.Legacy15 => $"is a 15-digit number of the withdrawn GB 11643-1989; record the 18-digit number (GB 11643-1999), which for this one is {check.Detail}",
        ResidentIdError.Length => $"must be 18 characters long (公民身份号码为18位) but has {check.Length}",
        ResidentIdError.Character => $"has '{check.Found}' at position {check.Position}; only digits are allowed, and X only as the last character",
        ResidentIdError.Region => $"starts with {check.Detail}, which is no province code of GB/T 2260 (地址码无效)",
        ResidentIdError.BirthDate => $"has the birth date {check.Detail} (positions 7–14), which is no real date (出生日期无效)",
        ResidentIdError.Future => $"has the birth date {check.Detail}, which is in the future",
        ResidentIdError.TooOld => $"has the birth date {check.Detail}, which is before 1800",
        ResidentIdError.Checksum => $"has check character '{check.Found}' but ISO 7064 MOD 11-2 gives '{check.Expected}' (校验码错误)",
        _ => throw new ArgumentOutOfRangeException(nameof(check)),
    };
}
