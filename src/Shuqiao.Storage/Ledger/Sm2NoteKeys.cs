using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>
/// 国密 note signatures: SM2 (GB/T 32918.2) with SM3, the default signer ID "1234567812345678" (GM/T 0009), and the
/// DER signature encoding of GB/T 35276. An additional line next to the Ed25519 one for verifiers that must use
/// national algorithms; its type is <see cref="NoteSignatureType.Sm2Sm3Prefix"/> (0xFF + identifier), so its key ID
/// never matches an Ed25519 key and standard verifiers ignore the line as an unknown key.
/// </summary>
public sealed class Sm2NoteSigner : INoteSigner
{
    public const int PrivateKeySize = 32;

    private readonly ECPrivateKeyParameters _key;

    public Sm2NoteSigner(string keyName, ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySize)
        {
            throw new ArgumentException("An SM2 private key is a 32-byte scalar.", nameof(privateKey));
        }

        var d = new BigInteger(1, privateKey.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Sm2Curve.Domain.N.Subtract(BigInteger.One)) >= 0)
        {
            throw new ArgumentException("The SM2 private key is out of range.", nameof(privateKey));
        }

        _key = new ECPrivateKeyParameters(d, Sm2Curve.Domain);
        var publicKey = Sm2Curve.Domain.G.Multiply(d).Normalize().GetEncoded(compressed: false);
        VerifierKey = new VerifierKey(keyName, [.. NoteSignatureType.Sm2Sm3Prefix, .. publicKey]);
        KeyName = keyName;
    }

    public string KeyName { get; }

    public uint KeyId => VerifierKey.KeyId;

    public byte Algorithm => NoteSignatureType.Unassigned;

    public VerifierKey VerifierKey { get; }

    public static Sm2NoteSigner FromSignerKey(string signerKey)
    {
        // PRIVATE+KEY+name+id+base64(0xFF ‖ "shuqiao/sm2-sm3/v1" ‖ d): SignerKeyText splits off the first type byte only.
        var prefix = NoteSignatureType.Sm2Sm3Prefix;
        if (!SignerKeyText.TryParse(signerKey, out var text) || text.Algorithm != NoteSignatureType.Unassigned ||
            !text.Secret.StartsWith(prefix[1..]) || text.Secret.Length != prefix.Length - 1 + PrivateKeySize)
        {
            throw new FormatException("Not an SM2 signer key.");
        }

        var signer = new Sm2NoteSigner(text.Name, text.Secret[(prefix.Length - 1)..]);
        return signer.KeyId == text.KeyId ? signer : throw new FormatException("The signer key's ID does not match its key.");
    }

    public static (string SignerKey, string VerifierKey) Generate(string keyName)
    {
        var random = new SecureRandom();
        byte[] d;
        do
        {
            d = new byte[PrivateKeySize];
            random.NextBytes(d);
        }
        while (new BigInteger(1, d) is var v && (v.SignValue == 0 || v.CompareTo(Sm2Curve.Domain.N.Subtract(BigInteger.One)) >= 0));

        var signer = new Sm2NoteSigner(keyName, d);
        var skey = SignerKeyText.Format(keyName, signer.KeyId, NoteSignatureType.Unassigned, [.. NoteSignatureType.Sm2Sm3Prefix[1..], .. d]);
        Array.Clear(d);
        return (skey, signer.VerifierKey.ToString());
    }

    public byte[] Sign(ReadOnlySpan<byte> noteText)
    {
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithRandom(_key, new SecureRandom()));
        var bytes = noteText.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }
}

public sealed class Sm2NoteVerifier : INoteVerifier
{
    private readonly ECPublicKeyParameters _key;

    /// <param name="publicKey">The uncompressed point 0x04 ‖ X ‖ Y (65 bytes).</param>
    public Sm2NoteVerifier(string keyName, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 65 || publicKey[0] != 0x04)
        {
            throw new ArgumentException("Not an uncompressed SM2 public key.", nameof(publicKey));
        }

        // DecodePoint checks that the point is on the curve.
        var point = Sm2Curve.Domain.Curve.DecodePoint(publicKey.ToArray());

        var key = new VerifierKey(keyName, [.. NoteSignatureType.Sm2Sm3Prefix, .. publicKey]);
        KeyName = key.Name;
        KeyId = key.KeyId;
        _key = new ECPublicKeyParameters(point, Sm2Curve.Domain);
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    public byte Algorithm => NoteSignatureType.Unassigned;

    public bool Verify(ReadOnlySpan<byte> noteText, ReadOnlySpan<byte> signature)
    {
        var verifier = new SM2Signer();
        verifier.Init(false, _key);
        var bytes = noteText.ToArray();
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        try
        {
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false; // not a DER signature at all
        }
    }
}

internal static class Sm2Curve
{
    public static readonly ECDomainParameters Domain = Create();

    private static ECDomainParameters Create()
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
    }
}
