using System.Globalization;
using System.Text;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Credentials;

/// <summary>
/// ISO/IEC 7064 hybrid system MOD 37,36 over the 36 characters 0–9, A–Z: the check character of the GB/T 36904
/// licence identifier.
/// </summary>
public static class Mod3736
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>The check character of <paramref name="text"/> (characters of <see cref="Alphabet"/> only).</summary>
    public static char Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int m = 36;
        var p = m;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{c}' is not one of 0–9, A–Z", nameof(text));
            }

            // ISO/IEC 7064 §7 (hybrid): S = (P + a) mod M, 0 taken as M; P' = 2S mod (M+1).
            var s = (p + value) % m;
            if (s == 0)
            {
                s = m;
            }

            p = 2 * s % (m + 1);
        }

        // The check character c makes (P + c) mod M = 1.
        return Alphabet[(m + 1 - p) % m];
    }

    public static bool IsValid(string textWithCheck) =>
        textWithCheck is { Length: > 1 } && textWithCheck.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) &&
        Compute(textWithCheck[..^1]) == textWithCheck[^1];
}

/// <summary>What is wrong with a licence identifier, if anything.</summary>
public enum LicenceIdentifierError
{
    None,
    Root,       // does not start with 1.2.156.3005.2
    Shape,      // not nine dot-separated parts after the root
    TypeCode,   // 证照类型代码 is not a valid credit code followed by three digits
    IssuerCode, // 颁发机构代码 is not a valid 统一社会信用代码
    Serial,     // 流水号 is not 1–20 digits
    Version,    // 版本号 is not 1–3 digits
    Checksum,   // the check character is not the one MOD 37,36 computes
}

/// <summary>
/// The national licence identifier (电子证照标识, GB/T 36904): the root OID 1.2.156.3005.2, then 证照类型代码
/// (the issuing body's 统一社会信用代码 + a three-digit sequence), 颁发机构代码 (统一社会信用代码), 流水号,
/// 版本号 and an ISO/IEC 7064 MOD 37,36 check character computed over every character of the identifier before it,
/// the dots left out.
/// </summary>
public sealed record LicenceIdentifier(string TypeCode, string IssuerCode, long Serial, int Version)
{
    public const string Root = "1.2.156.3005.2";

    public string SerialText => Serial.ToString("D8", CultureInfo.InvariantCulture);

    public string VersionText => Version.ToString("D3", CultureInfo.InvariantCulture);

    public char Check => Mod3736.Compute(Body.Replace(".", "", StringComparison.Ordinal));

    private string Body => $"{Root}.{TypeCode}.{IssuerCode}.{SerialText}.{VersionText}";

    public override string ToString() => $"{Body}.{Check}";

    /// <summary>Checks an identifier's shape, codes and check character.</summary>
    public static LicenceIdentifierError Validate(string? text, out LicenceIdentifier? identifier)
    {
        identifier = null;
        if (text is null || !text.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return LicenceIdentifierError.Root;
        }

        var parts = text[(Root.Length + 1)..].Split('.');
        if (parts.Length != 5 || parts.Any(p => p.Length == 0))
        {
            return LicenceIdentifierError.Shape;
        }

        if (!LicenceTypeCode.IsValid(parts[0]))
        {
            return LicenceIdentifierError.TypeCode;
        }

        if (!CreditCode.IsValid(parts[1]))
        {
            return LicenceIdentifierError.IssuerCode;
        }

        if (parts[2].Length is < 1 or > 20 || !parts[2].All(char.IsAsciiDigit) || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
        {
            return LicenceIdentifierError.Serial;
        }

        if (parts[3].Length is < 1 or > 3 || !parts[3].All(char.IsAsciiDigit))
        {
            return LicenceIdentifierError.Version;
        }

        var body = new StringBuilder(Root.Replace(".", "", StringComparison.Ordinal));
        foreach (var part in parts[..4])
        {
            body.Append(part);
        }

        if (parts[4].Length != 1 || Mod3736.Compute(body.ToString()) != parts[4][0])
        {
            return LicenceIdentifierError.Checksum;
        }

        identifier = new LicenceIdentifier(parts[0], parts[1], serial, int.Parse(parts[3], CultureInfo.InvariantCulture));
        return LicenceIdentifierError.None;
    }
}

/// <summary>证照类型代码: the defining body's 统一社会信用代码 followed by a three-digit sequence (001–999).</summary>
public static class LicenceTypeCode
{
    public const int Length = CreditCode.Length + 3;

    public static string Of(string creditCode, int sequence) =>
        creditCode + sequence.ToString("D3", CultureInfo.InvariantCulture);

    public static bool IsValid(string? code) =>
        code is { Length: Length } && CreditCode.IsValid(code[..CreditCode.Length]) &&
        code[CreditCode.Length..].All(char.IsAsciiDigit) && code[CreditCode.Length..] != "000";
}
