using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// Signs note text for one key. Implementations hold the private key; the cryptography itself (Ed25519, SM2) lives
/// outside Core because the .NET base library has neither.
/// </summary>
public interface INoteSigner
{
    string KeyName { get; }

    /// <summary>The 32-bit key ID that prefixes every signature (see <see cref="NoteKeyId"/>).</summary>
    uint KeyId { get; }

    /// <summary>The signed-note signature type byte (0x01 Ed25519, 0x04 cosignature, 0xFF unregistered).</summary>
    byte Algorithm { get; }

    /// <summary>The signature over <paramref name="noteText"/> (the text including its final newline), without the key ID.</summary>
    byte[] Sign(ReadOnlySpan<byte> noteText);
}

/// <summary>Verifies signatures of one key over note text.</summary>
public interface INoteVerifier
{
    string KeyName { get; }

    uint KeyId { get; }

    byte Algorithm { get; }

    bool Verify(ReadOnlySpan<byte> noteText, ReadOnlySpan<byte> signature);
}

/// <summary>The signature type bytes of c2sp.org/signed-note §Signature types, and ours.</summary>
public static class NoteSignatureType
{
    public const byte Ed25519 = 0x01;

    /// <summary>Timestamped Ed25519 witness cosignature, c2sp.org/tlog-cosignature (cosignature/v1).</summary>
    public const byte CosignatureV1 = 0x04;

    /// <summary>"Reserved for signature types without an identifier byte assigned by this specification", to be followed by a longer identifier.</summary>
    public const byte Unassigned = 0xFF;

    /// <summary>
    /// 国密 SM2 signature with SM3 (GB/T 32918.2, GB/T 35276 DER encoding, default user ID per GM/T 0009) over the note
    /// text. signed-note assigns no byte for it, so per the spec we use 0xFF followed by this identifier; the key ID
    /// then differs from every Ed25519 key, and standard verifiers skip the line as an unknown key.
    /// </summary>
    public static ReadOnlySpan<byte> Sm2Sm3Prefix => Sm2Sm3PrefixBytes;

    private static readonly byte[] Sm2Sm3PrefixBytes = [Unassigned, .. "shuqiao/sm2-sm3/v1"u8];
}

/// <summary>
/// Key IDs per c2sp.org/signed-note: the first four bytes (big-endian) of
/// SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key).
/// </summary>
public static class NoteKeyId
{
    /// <param name="keyMaterial">The signature type byte(s) followed by the public key, as in a verifier key.</param>
    public static uint Compute(string keyName, ReadOnlySpan<byte> keyMaterial)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        var name = Encoding.UTF8.GetBytes(keyName);
        var input = new byte[name.Length + 1 + keyMaterial.Length];
        name.CopyTo(input, 0);
        input[name.Length] = 0x0A;
        keyMaterial.CopyTo(input.AsSpan(name.Length + 1));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static uint Compute(string keyName, byte algorithm, ReadOnlySpan<byte> publicKey)
    {
        var material = new byte[1 + publicKey.Length];
        material[0] = algorithm;
        publicKey.CopyTo(material.AsSpan(1));
        return Compute(keyName, material);
    }

    /// <summary>
    /// Key names are non-empty UTF-8 without Unicode spaces or '+' (signed-note §Format); control characters are
    /// excluded too, since no note may contain them.
    /// </summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var rune in EnumerateStrict(name))
        {
            if (rune is not { } r || Rune.IsWhiteSpace(r) || r.Value == '+' || r.Value < 0x20)
            {
                return false;
            }
        }

        return true;
    }

    // Lone surrogates cannot be encoded as UTF-8; they yield null.
    private static IEnumerable<Rune?> EnumerateStrict(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                yield return null;
                yield break;
            }

            yield return rune;
            i += consumed;
        }
    }
}

/// <summary>
/// A verifier key as the Go note package and c2sp.org/signed-note write it:
/// <c>&lt;name&gt;+&lt;hex key ID&gt;+&lt;base64(signature type ‖ public key)&gt;</c>.
/// </summary>
public sealed record VerifierKey
{
    private readonly byte[] _keyMaterial;

    public VerifierKey(string name, ReadOnlySpan<byte> keyMaterial)
    {
        if (!NoteKeyId.IsValidName(name))
        {
            throw new ArgumentException("A key name is non-empty and has no spaces or '+'.", nameof(name));
        }

        if (keyMaterial.Length < 2)
        {
            throw new ArgumentException("The key material is a signature type followed by a public key.", nameof(keyMaterial));
        }

        Name = name;
        _keyMaterial = keyMaterial.ToArray();
        KeyId = NoteKeyId.Compute(name, keyMaterial);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte Algorithm => _keyMaterial[0];

    /// <summary>The signature type byte(s) followed by the public key.</summary>
    public ReadOnlySpan<byte> KeyMaterial => _keyMaterial;

    /// <summary>The key material after the single type byte (for types with a one-byte identifier).</summary>
    public ReadOnlySpan<byte> PublicKey => _keyMaterial.AsSpan(1);

    public static VerifierKey Create(string name, byte algorithm, ReadOnlySpan<byte> publicKey) => new(name, [algorithm, .. publicKey]);

    public static bool TryParse(string? text, out VerifierKey key)
    {
        key = null!;
        if (text is null)
        {
            return false;
        }

        // The base64 key may itself contain '+': only the first two separate fields.
        var parts = text.Split('+', 3);
        if (parts.Length != 3 || !NoteKeyId.IsValidName(parts[0]) || parts[1].Length != 8 || !parts[1].All(char.IsAsciiHexDigit))
        {
            return false;
        }

        if (!StrictBase64.TryDecode(parts[2], out var material) || material.Length < 2)
        {
            return false;
        }

        var candidate = new VerifierKey(parts[0], material);
        if (candidate.KeyId != uint.Parse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
        {
            return false; // the ID must be the hash of this name and key, or a typo could pair a name with a wrong key
        }

        key = candidate;
        return true;
    }

    public static VerifierKey Parse(string text) =>
        TryParse(text, out var key) ? key : throw new FormatException("Not a verifier key (<name>+<8 hex digits>+<base64 key>, with the key ID matching).");

    public bool Equals(VerifierKey? other) => other is not null && Name == other.Name && _keyMaterial.AsSpan().SequenceEqual(other._keyMaterial);

    public override int GetHashCode() => HashCode.Combine(Name, KeyId);

    public override string ToString() =>
        $"{Name}+{KeyId.ToString("x8", CultureInfo.InvariantCulture)}+{Convert.ToBase64String(_keyMaterial)}";
}

/// <summary>
/// A private signer key in the Go note format <c>PRIVATE+KEY+&lt;name&gt;+&lt;hex key ID&gt;+&lt;base64(type ‖ secret)&gt;</c>.
/// The key ID is of the public key, so only the implementation that derives it can check it.
/// </summary>
public sealed class SignerKeyText
{
    private readonly byte[] _secret;

    private SignerKeyText(string name, uint keyId, byte algorithm, byte[] secret)
    {
        Name = name;
        KeyId = keyId;
        Algorithm = algorithm;
        _secret = secret;
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte Algorithm { get; }

    public ReadOnlySpan<byte> Secret => _secret;

    public static bool TryParse(string? text, out SignerKeyText key)
    {
        key = null!;
        const string prefix = "PRIVATE+KEY+";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[prefix.Length..].Split('+', 3);
        if (parts.Length != 3 || !NoteKeyId.IsValidName(parts[0]) || parts[1].Length != 8 || !parts[1].All(char.IsAsciiHexDigit))
        {
            return false;
        }

        if (!StrictBase64.TryDecode(parts[2], out var material) || material.Length < 2)
        {
            return false;
        }

        key = new SignerKeyText(parts[0], uint.Parse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), material[0], material[1..]);
        return true;
    }

    public static string Format(string name, uint keyId, byte algorithm, ReadOnlySpan<byte> secret) =>
        $"PRIVATE+KEY+{name}+{keyId.ToString("x8", CultureInfo.InvariantCulture)}+{Convert.ToBase64String([algorithm, .. secret])}";

    // Never let the secret reach a log line through string interpolation.
    public override string ToString() => $"PRIVATE+KEY+{Name}+{KeyId.ToString("x8", CultureInfo.InvariantCulture)}+…";
}

/// <summary>Standard base64 (RFC 4648 §4) with padding, in canonical form only: no whitespace, no stray bits.</summary>
public static class StrictBase64
{
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length % 4 != 0)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/' || (c == '=' && i >= text.Length - 2);
            if (!ok)
            {
                return false;
            }
        }

        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }

        return Convert.ToBase64String(bytes) == text;
    }
}
