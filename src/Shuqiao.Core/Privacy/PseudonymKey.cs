using System.Security.Cryptography;
using System.Text;

namespace Shuqiao.Core.Privacy;

/// <summary>
/// A consumer's pseudonym key (化名密钥): the same value gives the same pseudonym for one consumer, so its records
/// still join, and a different one for every other consumer, so two consumers cannot join their extracts on it.
/// A pseudonym is <c>&lt;prefix&gt;_&lt;26 base32 characters&gt;</c>: the first 128 bits of the MAC of the value's
/// canonical text (UTF-8), RFC 4648 base32, lower case, unpadded.
/// </summary>
/// <remarks>
/// Core has only the BCL, so it ships HMAC-SHA256 (prefix <c>h1</c>). SM3-HMAC (GB/T 32905, prefix <c>s1</c>) needs
/// BouncyCastle and belongs to a subclass in Storage or Server; the prefix keeps the two apart should a node switch.
/// </remarks>
public abstract class PseudonymKey
{
    private const int PseudonymBytes = 16;

    /// <summary>Names the algorithm inside every pseudonym, e.g. <c>h1</c>.</summary>
    public abstract string Prefix { get; }

    /// <summary>The keyed MAC of <paramref name="data"/>; at least 16 bytes.</summary>
    protected abstract byte[] Mac(byte[] data);

    /// <summary>The pseudonym of a value, given its canonical text (<see cref="Catalog.TypedValue.Text"/>).</summary>
    public string Pseudonym(string canonicalText)
    {
        ArgumentNullException.ThrowIfNull(canonicalText);
        var mac = Mac(Encoding.UTF8.GetBytes(canonicalText));
        return Prefix + "_" + Base32(mac.AsSpan(0, PseudonymBytes));
    }

    /// <summary>An HMAC-SHA256 key of at least 32 bytes.</summary>
    public static PseudonymKey HmacSha256(byte[] key) => new HmacSha256Key(key);

    /// <summary>
    /// The HMAC-SHA256 key of one consumer, derived from the node's pseudonym secret with HKDF (RFC 5869), so the
    /// node keeps one secret and no per-consumer key table: info = <c>shuqiao-pseudonym-v1:</c> + consumer id.
    /// </summary>
    public static PseudonymKey DeriveHmacSha256(byte[] nodeSecret, Guid consumerId)
    {
        ArgumentNullException.ThrowIfNull(nodeSecret);
        if (nodeSecret.Length < 32)
        {
            throw new ArgumentException("The node's pseudonym secret must have at least 32 bytes.", nameof(nodeSecret));
        }

        var info = Encoding.ASCII.GetBytes("shuqiao-pseudonym-v1:" + consumerId.ToString("D"));
        return new HmacSha256Key(HKDF.DeriveKey(HashAlgorithmName.SHA256, nodeSecret, 32, salt: null, info: info));
    }

    internal static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    private sealed class HmacSha256Key : PseudonymKey
    {
        private readonly byte[] _key;

        public HmacSha256Key(byte[] key)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (key.Length < 32)
            {
                throw new ArgumentException("An HMAC-SHA256 pseudonym key must have at least 32 bytes.", nameof(key));
            }

            _key = (byte[])key.Clone();
        }

        public override string Prefix => "h1";

        protected override byte[] Mac(byte[] data) => HMACSHA256.HashData(_key, data);
    }
}
