using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Storage.Credentials;

/// <summary>
/// 国密 for licence proofs, with BouncyCastle: SM3 (GB/T 32905, GM/T 0004) and SM2 signatures (GB/T 32918.2,
/// GM/T 0003.2) with SM3, the default signer ID "1234567812345678" (GM/T 0009 §10) and raw r ‖ s (64 bytes), as
/// Data Integrity proof values carry signatures.
/// </summary>
public sealed class NationalCrypto : INationalCrypto
{
    public static readonly NationalCrypto Instance = new();

    private static readonly ECDomainParameters Domain = CreateDomain();

    public byte[] Sm3(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        var bytes = data.ToArray();
        digest.BlockUpdate(bytes, 0, bytes.Length);
        var result = new byte[digest.GetDigestSize()];
        digest.DoFinal(result, 0);
        return result;
    }

    public byte[] Sm2Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message) => Sign(privateKey, message, new SecureRandom());

    /// <summary>
    /// Signs with the given source of the per-signature k. Production code uses <see cref="Sm2Sign"/>; this exists so
    /// the standard's worked example (fixed k) can be reproduced byte for byte.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, SecureRandom random)
    {
        var d = Scalar(privateKey);
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithRandom(new ECPrivateKeyParameters(d, Domain), random));
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    public bool Sm2Verify(PublicKeyInfo publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey is null || publicKey.Algorithm != KeyAlgorithm.Sm2 || signature.Length != 64)
        {
            return false;
        }

        try
        {
            var point = Domain.Curve.DecodePoint(publicKey.CompressedPoint); // checks the point is on the curve
            var verifier = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
            verifier.Init(false, new ECPublicKeyParameters(point, Domain));
            var bytes = message.ToArray();
            verifier.BlockUpdate(bytes, 0, bytes.Length);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false; // not a point of the curve
        }
    }

    public (byte[] PrivateKey, PublicKeyInfo PublicKey) Sm2Generate()
    {
        var random = new SecureRandom();
        var n = Domain.N;
        BigInteger d;
        do
        {
            d = new BigInteger(n.BitLength, random);
        }
        while (d.SignValue == 0 || d.CompareTo(n.Subtract(BigInteger.One)) >= 0);

        var privateKey = d.ToByteArrayUnsigned();
        if (privateKey.Length < 32)
        {
            privateKey = [.. new byte[32 - privateKey.Length], .. privateKey];
        }

        return (privateKey, Sm2PublicKey(privateKey));
    }

    public PublicKeyInfo Sm2PublicKey(ReadOnlySpan<byte> privateKey) =>
        new(KeyAlgorithm.Sm2, Domain.G.Multiply(Scalar(privateKey)).Normalize().GetEncoded(compressed: true));

    /// <summary>The uncompressed point 04 ‖ X ‖ Y of a public key, e.g. to compare with a standard's example.</summary>
    public static byte[] Uncompressed(PublicKeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Domain.Curve.DecodePoint(key.CompressedPoint).Normalize().GetEncoded(compressed: false);
    }

    private static BigInteger Scalar(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32)
        {
            throw new ArgumentException("An SM2 private key is a 32-byte scalar.", nameof(privateKey));
        }

        var d = new BigInteger(1, privateKey.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Domain.N.Subtract(BigInteger.One)) >= 0)
        {
            throw new ArgumentException("The SM2 private key is out of range.", nameof(privateKey));
        }

        return d;
    }

    private static ECDomainParameters CreateDomain()
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
    }
}
