using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// A mainland China mobile number (手机号码): 11 digits starting with 1 and a second digit 3–9, as the numbering plan
/// of the Ministry of Industry and Information Technology allocates them (13x–19x).
/// </summary>
public static class MobileNumber
{
    /// <summary>
    /// The stored form: full-width digits folded, spaces, hyphens and parentheses removed, and a +86 / 0086 / 86
    /// country prefix dropped when eleven digits follow it.
    /// </summary>
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
            if (c is not ('-' or '(' or ')') && !char.IsWhiteSpace(c))
            {
                result.Append(c);
            }
        }

        var number = result.ToString();
        foreach (var prefix in new[] { "+86", "0086", "86" })
        {
            if (number.StartsWith(prefix, StringComparison.Ordinal) && number.Length == prefix.Length + 11)
            {
                return number[prefix.Length..];
            }
        }

        return number;
    }

    /// <summary>Why a normalized number is not a mobile number (English), or null.</summary>
    public static string? Validate(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (!number.All(char.IsAsciiDigit))
        {
            return "must be digits only (手机号码为11位数字)";
        }

        if (number.Length != 11)
        {
            return $"must be 11 digits long but has {number.Length}";
        }

        return number[0] == '1' && number[1] is >= '3' and <= '9'
            ? null
            : $"must start with 13–19; '{number[..2]}' is no mobile prefix in China";
    }
}

/// <summary>
/// An e-mail address, checked as RFC 5321 defines a mailbox: a dot-atom local part (RFC 5322 atext) of at most 64
/// octets, and a domain of LDH labels with a top-level domain of letters. Internationalized domains (例子.中国) are
/// checked in their IDNA form. Quoted local parts, comments and address literals are refused: no government system
/// issues them, and they are how malformed data slips through.
/// </summary>
public static class EmailAddress
{
    private const string AText = "!#$%&'*+-/=?^_`{|}~";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static string Normalize(string? value) => value?.Trim() ?? "";

    /// <summary>Why an address is not valid (English), or null.</summary>
    public static string? Validate(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Length > 254)
        {
            return $"must be at most 254 characters long but has {address.Length}";
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.IndexOf('@', StringComparison.Ordinal) != at)
        {
            return "must have exactly one '@' with text before and after it";
        }

        var local = address[..at];
        var domain = address[(at + 1)..];
        if (Encoding.UTF8.GetByteCount(local) > 64)
        {
            return "has a part before '@' longer than 64 characters";
        }

        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return "has a dot at the start or end of the part before '@', or two dots in a row";
        }

        foreach (var c in local)
        {
            if (c != '.' && !char.IsAsciiLetterOrDigit(c) && AText.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return $"has '{c}' before '@', which an address may not contain";
            }
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return $"has '{domain}' after '@', which is not a valid domain name";
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            return $"has '{domain}' after '@', which lacks a top-level domain (e.g. .cn)";
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-') || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return $"has '{domain}' after '@', which is not a valid domain name";
            }
        }

        var top = labels[^1];
        return top.Length >= 2 && (top.All(char.IsAsciiLetter) || top.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            ? null
            : $"has '{domain}' after '@', whose top-level domain '{top}' is not one";
    }
}
