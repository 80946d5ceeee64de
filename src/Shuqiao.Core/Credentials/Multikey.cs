using System.Numerics;
using System.Security.Cryptography;

namespace Shuqiao.Core.Credentials;

/// <summary>The key algorithms of licence proofs.</summary>
public enum KeyAlgorithm
{
    P256, // ecdsa-jcs-2019 and ES256
    Sm2,  // the optional 国密 proof (GB/T 32918)
}

/// <summary>A public key as a multicodec-tagged, base58btc multibase string (W3C Controlled Identifiers, Multikey).</summary>
public sealed record PublicKeyInfo(KeyAlgorithm Algorithm, byte[] CompressedPoint)
{
    public string Multibase => Multikey.Encode(this);

    public string DidKey => "did:key:" + Multibase;

    /// <summary>The verification method id of a did:key: the DID, '#', the multibase key again.</summary>
    public string VerificationMethod => DidKey + "#" + Multibase;
}

/// <summary>
/// Multikey encoding: multicodec varint prefix + compressed EC point, base58btc. p256-pub is 0x1200 (varint 80 24),
/// sm2-pub 0x1206 (varint 86 24); a P-256 secret key (p256-priv 0x1306, varint 86 26) for the W3C test vectors' key.
/// </summary>
public static class Multikey
{
    private static readonly byte[] P256Prefix = [0x80, 0x24];
    private static readonly byte[] Sm2Prefix = [0x86, 0x24];
    private static readonly byte[] P256SecretPrefix = [0x86, 0x26];

    public static string Encode(PublicKeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = key.Algorithm == KeyAlgorithm.P256 ? P256Prefix : Sm2Prefix;
        return Credentials.Multibase.EncodeBase58Btc([.. prefix, .. key.CompressedPoint]);
    }

    public static bool TryDecode(string? multibase, out PublicKeyInfo key)
    {
        key = null!;
        if (multibase is null || !multibase.StartsWith('z') || !Credentials.Multibase.TryDecode(multibase, out var bytes) || bytes.Length != 35)
        {
            return false;
        }

        if (bytes[2] is not (0x02 or 0x03))
        {
            return false;
        }

        if (bytes.AsSpan(0, 2).SequenceEqual(P256Prefix))
        {
            key = new PublicKeyInfo(KeyAlgorithm.P256, bytes[2..]);
            return true;
        }

        if (bytes.AsSpan(0, 2).SequenceEqual(Sm2Prefix))
        {
            key = new PublicKeyInfo(KeyAlgorithm.Sm2, bytes[2..]);
            return true;
        }

        return false;
    }

    /// <summary>The key of a <c>did:key:z…</c> DID or verification method id (the fragment must repeat the key).</summary>
    public static bool TryParseDidKey(string? didOrMethod, out PublicKeyInfo key)
    {
        key = null!;
        if (didOrMethod is null || !didOrMethod.StartsWith("did:key:", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = didOrMethod["did:key:".Length..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        var id = hash < 0 ? rest : rest[..hash];
        if (hash >= 0 && rest[(hash + 1)..] != id)
        {
            return false;
        }

        return TryDecode(id, out key);
    }

    public static string EncodeP256Secret(ReadOnlySpan<byte> d) => Credentials.Multibase.EncodeBase58Btc([.. P256SecretPrefix, .. d]);

    public static bool TryDecodeP256Secret(string? multibase, out byte[] d)
    {
        d = [];
        if (!Credentials.Multibase.TryDecode(multibase, out var bytes) || bytes.Length != 34 || !bytes.AsSpan(0, 2).SequenceEqual(P256SecretPrefix))
        {
            return false;
        }

        d = bytes[2..];
        return true;
    }

    /// <summary>The compressed form (02/03 ‖ X) of a P-256 public key.</summary>
    public static PublicKeyInfo FromP256(ECParameters parameters)
    {
        var x = parameters.Q.X ?? throw new ArgumentException("no public point", nameof(parameters));
        var y = parameters.Q.Y ?? throw new ArgumentException("no public point", nameof(parameters));
        return new PublicKeyInfo(KeyAlgorithm.P256, [(byte)((y[^1] & 1) == 0 ? 0x02 : 0x03), .. x]);
    }

    public static PublicKeyInfo FromP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return FromP256(key.ExportParameters(includePrivateParameters: false));
    }

    /// <summary>
    /// An ECDsa for verifying with a compressed P-256 key. .NET imports only uncompressed points, so Y is recovered
    /// here: y² = x³ − 3x + b (mod p), and since p ≡ 3 (mod 4) the root is (y²)^((p+1)/4). The result is checked,
    /// so an X with no point on the curve is refused instead of yielding a wrong key.
    /// </summary>
    public static bool TryCreateP256Verifier(PublicKeyInfo key, out ECDsa ecdsa)
    {
        ecdsa = null!;
        if (key is null || key.Algorithm != KeyAlgorithm.P256 || key.CompressedPoint.Length != 33)
        {
            return false;
        }

        var x = new BigInteger(key.CompressedPoint.AsSpan(1), isUnsigned: true, isBigEndian: true);
        if (x >= P256.P)
        {
            return false;
        }

        var rhs = Mod((BigInteger.ModPow(x, 3, P256.P) - (3 * x) + P256.B), P256.P);
        var y = BigInteger.ModPow(rhs, (P256.P + 1) / 4, P256.P);
        if (BigInteger.ModPow(y, 2, P256.P) != rhs)
        {
            return false;
        }

        var odd = key.CompressedPoint[0] == 0x03;
        if (!y.IsEven != odd)
        {
            y = P256.P - y;
        }

        try
        {
            ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Fixed(x), Y = Fixed(y) },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>A P-256 key from its private scalar (32 bytes), e.g. the W3C test vectors' secret key.</summary>
    public static ECDsa CreateP256Signer(ReadOnlySpan<byte> d)
    {
        var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d.ToArray() });
        return key;
    }

    private static byte[] Fixed(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length == 32)
        {
            return bytes;
        }

        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }

    private static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = value % modulus;
        return r.Sign < 0 ? r + modulus : r;
    }

    // NIST P-256 (FIPS 186-4 D.1.2.3).
    private static class P256
    {
        public static readonly BigInteger P = BigInteger.Parse("0FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        public static readonly BigInteger B = BigInteger.Parse("05AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }
}
