using System.Text.RegularExpressions;

namespace Shuqiao.Core.Identity;

/// <summary>What makes a login name and a password acceptable.</summary>
public static partial class LoginRules
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")]
    private static partial Regex LoginPattern();

    public static string? ValidateLogin(string? login) =>
        string.IsNullOrWhiteSpace(login) ? "is required"
        : LoginPattern().IsMatch(login) ? null
        : "must be 2–64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

    /// <summary>
    /// Length first (NIST SP 800-63B), plus at least three of four character classes, which 等保 2.0 assessors
    /// expect of government systems; never the login itself.
    /// </summary>
    public static string? ValidatePassword(string? password, string login, int minimumLength)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "is required";
        }

        if (password.Length < minimumLength)
        {
            return $"must be at least {minimumLength} characters";
        }

        if (password.Length > 128)
        {
            return "must be at most 128 characters";
        }

        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3)
        {
            return "must mix at least three of: lower-case letters, upper-case letters, digits, symbols";
        }

        return password.Contains(login, StringComparison.OrdinalIgnoreCase) ? "must not contain the login name" : null;
    }
}
