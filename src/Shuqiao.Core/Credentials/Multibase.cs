using System.Buffers.Text;
using System.Numerics;
using System.Text;

namespace Shuqiao.Core.Credentials;

/// <summary>
/// Multibase (draft-multiformats-multibase) in the two encodings Data Integrity uses: base58btc ('z', proof values,
/// multikeys) and base64url without padding ('u', Bitstring Status List's encodedList).
/// </summary>
public static class Multibase
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string EncodeBase58Btc(ReadOnlySpan<byte> data) => "z" + Base58Encode(data);

    public static string EncodeBase64Url(ReadOnlySpan<byte> data) => "u" + Base64Url.EncodeToString(data);

    /// <summary>Decodes a 'z' or 'u' multibase string; false for another prefix or a bad character.</summary>
    public static bool TryDecode(string? text, out byte[] data)
    {
        data = [];
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        switch (text[0])
        {
            case 'z':
                return TryBase58Decode(text.AsSpan(1), out data);
            case 'u':
                try
                {
                    data = Base64Url.DecodeFromChars(text.AsSpan(1));
                    return true;
                }
                catch (FormatException)
                {
                    return false;
                }

            default:
                return false;
        }
    }

    public static string Base58Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        var value = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var result = new StringBuilder();
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            result.Insert(0, Base58Alphabet[(int)remainder]);
        }

        result.Insert(0, "1", zeros);
        return result.ToString();
    }

    public static bool TryBase58Decode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length > 4096)
        {
            return false; // nothing we read is this long; bounds the quadratic big-integer work
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        BigInteger value = 0;
        foreach (var c in text[zeros..])
        {
            var digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value * 58) + digit;
        }

        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        data = new byte[zeros + body.Length];
        body.CopyTo(data, zeros);
        return true;
    }
}
