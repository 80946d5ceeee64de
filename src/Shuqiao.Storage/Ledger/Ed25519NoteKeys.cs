using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>
/// Ed25519 (RFC 8032) note signatures, signature type 0x01 — what every tlog verifier (Go's sumdb/note,
/// transparency-dev, litetlog) accepts. Implemented with BouncyCastle because .NET has no Ed25519.
/// </summary>
public sealed class Ed25519NoteSigner : INoteSigner
{
    public const int SeedSize = 32;

    private readonly Ed25519PrivateKeyParameters _key;

    public Ed25519NoteSigner(string keyName, ReadOnlySpan<byte> seed)
    {
        if (!NoteKeyId.IsValidName(keyName))
        {
            throw new ArgumentException("A key name is non-empty and has no spaces or '+'.", nameof(keyName));
        }

        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("An Ed25519 private key is a 32-byte seed.", nameof(seed));
        }

        KeyName = keyName;
        _key = new Ed25519PrivateKeyParameters(seed.ToArray(), 0);
        PublicKey = _key.GeneratePublicKey().GetEncoded();
        VerifierKey = VerifierKey.Create(keyName, NoteSignatureType.Ed25519, PublicKey);
    }

    public string KeyName { get; }

    public uint KeyId => VerifierKey.KeyId;

    public byte Algorithm => NoteSignatureType.Ed25519;

    public byte[] PublicKey { get; }

    /// <summary>The public half, as published at <c>/ledger/vkey</c>.</summary>
    public VerifierKey VerifierKey { get; }

    /// <summary>From a Go-style <c>PRIVATE+KEY+name+id+base64(0x01 ‖ seed)</c>; the ID must match the derived public key.</summary>
    public static Ed25519NoteSigner FromSignerKey(string signerKey)
    {
        if (!SignerKeyText.TryParse(signerKey, out var text) || text.Algorithm != NoteSignatureType.Ed25519)
        {
            throw new FormatException("Not an Ed25519 signer key (PRIVATE+KEY+<name>+<id>+<base64>).");
        }

        var signer = new Ed25519NoteSigner(text.Name, text.Secret);
        return signer.KeyId == text.KeyId ? signer : throw new FormatException("The signer key's ID does not match its key.");
    }

    /// <summary>A new random key: the private key text (keep secret) and the verifier key (publish).</summary>
    public static (string SignerKey, string VerifierKey) Generate(string keyName)
    {
        var seed = new byte[SeedSize];
        new SecureRandom().NextBytes(seed);
        var signer = new Ed25519NoteSigner(keyName, seed);
        var skey = SignerKeyText.Format(keyName, signer.KeyId, NoteSignatureType.Ed25519, seed);
        Array.Clear(seed);
        return (skey, signer.VerifierKey.ToString());
    }

    public byte[] Sign(ReadOnlySpan<byte> noteText) => Ed25519Crypto.Sign(_key, noteText);
}

public sealed class Ed25519NoteVerifier : INoteVerifier
{
    private readonly Ed25519PublicKeyParameters _key;

    public Ed25519NoteVerifier(string keyName, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize)
        {
            throw new ArgumentException("An Ed25519 public key has 32 bytes.", nameof(publicKey));
        }

        var key = VerifierKey.Create(keyName, NoteSignatureType.Ed25519, publicKey);
        KeyName = key.Name;
        KeyId = key.KeyId;
        _key = new Ed25519PublicKeyParameters(publicKey.ToArray(), 0);
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    public byte Algorithm => NoteSignatureType.Ed25519;

    public bool Verify(ReadOnlySpan<byte> noteText, ReadOnlySpan<byte> signature) => Ed25519Crypto.Verify(_key, noteText, signature);
}

/// <summary>
/// c2sp.org/tlog-cosignature Ed25519 cosigner (type 0x04), as a witness uses it: signs
/// <c>cosignature/v1 ‖ time ‖ checkpoint text</c> and prefixes the signature with the timestamp.
/// </summary>
public sealed class Ed25519CosignatureSigner : INoteSigner
{
    private readonly Ed25519PrivateKeyParameters _key;
    private readonly TimeProvider _clock;

    public Ed25519CosignatureSigner(string keyName, ReadOnlySpan<byte> seed, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (seed.Length != Ed25519NoteSigner.SeedSize)
        {
            throw new ArgumentException("An Ed25519 private key is a 32-byte seed.", nameof(seed));
        }

        _key = new Ed25519PrivateKeyParameters(seed.ToArray(), 0);
        _clock = clock;
        VerifierKey = VerifierKey.Create(keyName, NoteSignatureType.CosignatureV1, _key.GeneratePublicKey().GetEncoded());
        KeyName = keyName;
    }

    public string KeyName { get; }

    public uint KeyId => VerifierKey.KeyId;

    public byte Algorithm => NoteSignatureType.CosignatureV1;

    public VerifierKey VerifierKey { get; }

    public static Ed25519CosignatureSigner FromSignerKey(string signerKey, TimeProvider clock)
    {
        if (!SignerKeyText.TryParse(signerKey, out var text) || text.Algorithm != NoteSignatureType.CosignatureV1)
        {
            throw new FormatException("Not an Ed25519 cosigner key (PRIVATE+KEY+<name>+<id>+<base64(0x04 ‖ seed)>).");
        }

        var signer = new Ed25519CosignatureSigner(text.Name, text.Secret, clock);
        return signer.KeyId == text.KeyId ? signer : throw new FormatException("The signer key's ID does not match its key.");
    }

    public static (string SignerKey, string VerifierKey) Generate(string keyName, TimeProvider clock)
    {
        var seed = new byte[Ed25519NoteSigner.SeedSize];
        new SecureRandom().NextBytes(seed);
        var signer = new Ed25519CosignatureSigner(keyName, seed, clock);
        var skey = SignerKeyText.Format(keyName, signer.KeyId, NoteSignatureType.CosignatureV1, seed);
        Array.Clear(seed);
        return (skey, signer.VerifierKey.ToString());
    }

    public byte[] Sign(ReadOnlySpan<byte> noteText)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        return Cosignature.Encode(timestamp, Ed25519Crypto.Sign(_key, Cosignature.Message(timestamp, noteText)));
    }
}

public sealed class Ed25519CosignatureVerifier : INoteVerifier
{
    private readonly Ed25519PublicKeyParameters _key;

    public Ed25519CosignatureVerifier(string keyName, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize)
        {
            throw new ArgumentException("An Ed25519 public key has 32 bytes.", nameof(publicKey));
        }

        var key = VerifierKey.Create(keyName, NoteSignatureType.CosignatureV1, publicKey);
        KeyName = key.Name;
        KeyId = key.KeyId;
        _key = new Ed25519PublicKeyParameters(publicKey.ToArray(), 0);
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    public byte Algorithm => NoteSignatureType.CosignatureV1;

    public bool Verify(ReadOnlySpan<byte> noteText, ReadOnlySpan<byte> signature) =>
        Cosignature.TryDecode(signature, out var timestamp, out var ed25519) &&
        Ed25519Crypto.Verify(_key, Cosignature.Message(timestamp, noteText), ed25519);
}

internal static class Ed25519Crypto
{
    public static byte[] Sign(Ed25519PrivateKeyParameters key, ReadOnlySpan<byte> message)
    {
        // Ed25519Signer buffers the message and is not thread-safe: one per call.
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    public static bool Verify(Ed25519PublicKeyParameters key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        var bytes = message.ToArray();
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature.ToArray());
    }
}
