using Shuqiao.Core.Common;
using System.Security.Cryptography;
using System.Text;

namespace Shuqiao.Core.Identity;

/// <summary>
/// A credential of the form <c>&lt;id&gt;.&lt;secret&gt;</c>, used for API keys (<c>ApiKey</c> scheme) and personal
/// access tokens (<c>Bearer</c> scheme). The id is public and finds the row; only SHA-256 of the secret is stored.
/// </summary>
public readonly record struct SecretCredential(string Id, string Secret)
{
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";

    public const int SecretBytes = 32;

    /// <summary>Issues a fresh credential whose id starts with <paramref name="idPrefix"/>, e.g. <c>sqk_</c>.</summary>
    public static SecretCredential Create(string idPrefix) =>
        new(idPrefix + RandomText(10), RandomText(SecretBytes));

    public static bool TryParse(string? value, out SecretCredential credential)
    {
        credential = default;
        if (string.IsNullOrEmpty(value) || value.Length > 256)
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == value.Length - 1)
        {
            return false;
        }

        credential = new SecretCredential(value[..dot], value[(dot + 1)..]);
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so response timing tells nothing about how much of a secret matched.</summary>
    public static bool Matches(string secret, ReadOnlySpan<byte> storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    public override string ToString() => $"{Id}.{Secret}";

    private static string RandomText(int bytes)
    {
        var random = RandomNumberGenerator.GetBytes(bytes);
        var text = new StringBuilder(bytes * 8 / 5 + 1);
        int buffer = 0, bits = 0;
        foreach (var b in random)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Base32[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}
