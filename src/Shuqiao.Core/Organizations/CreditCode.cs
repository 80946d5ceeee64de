namespace Shuqiao.Core.Organizations;

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

    /// <summary>Why a code is not valid, or null when it is.</summary>
    public static string? Validate(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "is required";
        }

        if (code.Length != Length)
        {
            return $"must be {Length} characters long (统一社会信用代码为18位)";
        }

        foreach (var c in code)
        {
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return $"contains '{c}', which GB 32100 does not allow (digits and upper-case letters except I, O, S, V, Z)";
            }
        }

        var expected = CheckCharacter(code.AsSpan(0, Length - 1));
        return code[Length - 1] == expected
            ? null
            : $"has check character '{code[Length - 1]}' but GB 32100 gives '{expected}' (校验码错误)";
    }

    public static bool IsValid(string? code) => Validate(code) is null;

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
