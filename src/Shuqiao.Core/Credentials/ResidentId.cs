using System.Globalization;

namespace Shuqiao.Core.Credentials;

/// <summary>What is wrong with a 公民身份号码, if anything.</summary>
public enum ResidentIdError
{
    None,
    Required,
    Format,    // not 17 digits and a digit or X
    BirthDate, // positions 7–14 are not a real date from 1900 on
    Checksum,  // the check character is not the one GB 11643 computes
}

/// <summary>
/// 公民身份号码 (GB 11643-1999): 6-digit address code (GB/T 2260), 8-digit birth date, 3-digit sequence, check
/// character ISO 7064 MOD 11-2. The address code is not checked against GB/T 2260 (the region table changes, and
/// the demo data uses the fictional region 99xxxx on purpose).
/// </summary>
public static class ResidentId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    public static string Normalize(string? id) => (id ?? "").Trim().ToUpperInvariant();

    public static ResidentIdError Check(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return ResidentIdError.Required;
        }

        if (id.Length != 18 || !id[..17].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
        {
            return ResidentIdError.Format;
        }

        if (!DateOnly.TryParseExact(id[6..14], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth) || birth.Year < 1900)
        {
            return ResidentIdError.BirthDate;
        }

        return CheckCharacter(id[..17]) == id[17] ? ResidentIdError.None : ResidentIdError.Checksum;
    }

    public static bool IsValid(string? id) => Check(id) == ResidentIdError.None;

    /// <summary>The check character of the first 17 digits: (12 − Σ aᵢ·wᵢ mod 11) mod 11, 10 written X.</summary>
    public static char CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        var check = (12 - (sum % 11)) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    /// <summary>A number completed with its check character.</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);

    /// <summary>The number as shown to people who need only to recognize it: region, then stars, then the last four.</summary>
    public static string Mask(string id) =>
        id is { Length: 18 } ? id[..6] + new string('*', 8) + id[14..] : id;
}
