using Shuqiao.Core.Common;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Credentials;

/// <summary>The national (国密) primitives of the optional SM2 proof; implemented with BouncyCastle in Storage.</summary>
public interface INationalCrypto
{
    byte[] Sm3(ReadOnlySpan<byte> data);

    /// <summary>SM2 (GB/T 32918.2) with SM3 and the default signer ID 1234567812345678 (GM/T 0009); raw r ‖ s, 64 bytes.</summary>
    byte[] Sm2Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message);

    /// <summary>Verifies a raw r ‖ s signature; false (never an exception) for any malformed key or signature.</summary>
    bool Sm2Verify(PublicKeyInfo publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>A new key pair: the 32-byte private scalar and the compressed public key.</summary>
    (byte[] PrivateKey, PublicKeyInfo PublicKey) Sm2Generate();

    /// <summary>The public key of a private scalar.</summary>
    PublicKeyInfo Sm2PublicKey(ReadOnlySpan<byte> privateKey);
}

/// <summary>The settings of a new proof (everything but the proof value).</summary>
public sealed record ProofOptions(string VerificationMethod, DateTimeOffset Created, string ProofPurpose = "assertionMethod", string? Challenge = null, string? Domain = null);

/// <summary>A cryptosuite of the JCS family: how its proof configuration and document are hashed, then signed.</summary>
public interface IJcsCryptosuite
{
    string Name { get; }

    byte[] Hash(ReadOnlySpan<byte> data);
}

/// <summary>ecdsa-jcs-2019 (W3C vc-di-ecdsa §3.3) with P-256: SHA-256 hashes, ECDSA signature as r ‖ s.</summary>
public sealed class EcdsaJcs2019 : IJcsCryptosuite
{
    public const string Cryptosuite = "ecdsa-jcs-2019";

    public static readonly EcdsaJcs2019 Instance = new();

    public string Name => Cryptosuite;

    public byte[] Hash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public static byte[] Sign(ECDsa key, byte[] hashData)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(hashData, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public static bool Verify(ECDsa key, byte[] hashData, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return signature.Length == 64 && key.VerifyData(hashData, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}

/// <summary>
/// Shuqiao's 国密 proof: the ecdsa-jcs-2019 procedure with SM3 for SHA-256 and SM2 (signer ID 1234567812345678) for
/// ECDSA. No W3C cryptosuite exists for SM2, so it is named as Shuqiao's own; standard verifiers skip a proof whose
/// cryptosuite they do not know, so the credential still verifies for them by its ecdsa-jcs-2019 proof.
/// </summary>
public sealed class Sm2Jcs(INationalCrypto crypto) : IJcsCryptosuite
{
    public const string Cryptosuite = "shuqiao-sm2-jcs-2025";

    public string Name => Cryptosuite;

    public byte[] Hash(ReadOnlySpan<byte> data) => crypto.Sm3(data);
}

/// <summary>
/// Data Integrity proofs (W3C vc-data-integrity) of the JCS family: the proof configuration (the proof without its
/// value, carrying the document's @context) and the document without its proof are canonicalized with RFC 8785 and
/// hashed separately; the signature covers hash(proof configuration) ‖ hash(document).
/// </summary>
public static class DataIntegrity
{
    public const string ProofType = "DataIntegrityProof";

    /// <summary>The proof configuration of a new proof (vc-di-ecdsa §3.3.5), before its value is added.</summary>
    public static JsonObject ProofConfiguration(JsonObject unsecured, ProofOptions options, IJcsCryptosuite suite)
    {
        ArgumentNullException.ThrowIfNull(unsecured);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(suite);
        var proof = new JsonObject
        {
            ["type"] = ProofType,
            ["cryptosuite"] = suite.Name,
            ["created"] = Timestamps.Format(options.Created),
            ["verificationMethod"] = options.VerificationMethod,
            ["proofPurpose"] = options.ProofPurpose,
        };
        if (options.Challenge is not null)
        {
            proof["challenge"] = options.Challenge;
        }

        if (options.Domain is not null)
        {
            proof["domain"] = options.Domain;
        }

        if (unsecured["@context"] is { } context)
        {
            proof["@context"] = context.DeepClone();
        }

        return proof;
    }

    /// <summary>hash(JCS(proof configuration)) ‖ hash(JCS(document without proof)) (vc-di-ecdsa §3.3.4).</summary>
    public static byte[] HashData(JsonObject documentWithoutProof, JsonObject proofConfiguration, IJcsCryptosuite suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var proofHash = suite.Hash(Jcs.Canonicalize(proofConfiguration));
        var documentHash = suite.Hash(Jcs.Canonicalize(documentWithoutProof));
        return [.. proofHash, .. documentHash];
    }

    /// <summary>
    /// Adds a proof signed by <paramref name="sign"/> (which receives the hash data). The document is left alone; the
    /// result is a copy with the proof added (a second proof makes a proof set, each signed over the document alone).
    /// </summary>
    public static JsonObject AddProof(JsonObject document, ProofOptions options, IJcsCryptosuite suite, Func<byte[], byte[]> sign)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(sign);
        var secured = (JsonObject)document.DeepClone();
        var existing = secured["proof"]?.DeepClone();
        secured.Remove("proof");
        var config = ProofConfiguration(secured, options, suite);
        var hashData = HashData(secured, config, suite);
        config["proofValue"] = Multibase.EncodeBase58Btc(sign(hashData));
        secured["proof"] = existing switch
        {
            null => config,
            JsonArray array => Append(array, config),
            _ => new JsonArray(existing, config),
        };
        return secured;
    }

    /// <summary>
    /// The hash data a proof was signed over, or an error code: the proof's @context must be a prefix of the
    /// document's (vc-di-ecdsa §3.3.2 step 6) and the value must be base58btc multibase.
    /// </summary>
    public static bool TryPrepareVerification(JsonObject documentWithoutProof, JsonObject proof, IJcsCryptosuite suite, out byte[] hashData, out byte[] signature, out string? error)
    {
        ArgumentNullException.ThrowIfNull(documentWithoutProof);
        ArgumentNullException.ThrowIfNull(proof);
        hashData = [];
        signature = [];
        error = null;
        var config = (JsonObject)proof.DeepClone();
        var value = config["proofValue"];
        config.Remove("proofValue");
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || !text.StartsWith('z') || !Multibase.TryDecode(text, out signature))
        {
            error = "the proofValue is not a base58btc multibase string";
            return false;
        }

        var document = documentWithoutProof;
        if (config["@context"] is { } proofContext)
        {
            if (!IsPrefix(proofContext, documentWithoutProof["@context"]))
            {
                error = "the proof's @context does not match the document's";
                return false;
            }

            document = (JsonObject)documentWithoutProof.DeepClone();
            document["@context"] = proofContext.DeepClone();
        }

        try
        {
            hashData = HashData(document, config, suite);
            return true;
        }
        catch (JcsException e)
        {
            error = "the document cannot be canonicalized: " + e.Message;
            return false;
        }
    }

    private static JsonArray Append(JsonArray array, JsonNode proof)
    {
        array.Add(proof);
        return array;
    }

    private static bool IsPrefix(JsonNode proofContext, JsonNode? documentContext)
    {
        var proofItems = proofContext is JsonArray pa ? pa.ToList() : [proofContext];
        var documentItems = documentContext is JsonArray da ? da.ToList() : documentContext is null ? [] : [documentContext];
        if (proofItems.Count > documentItems.Count)
        {
            return false;
        }

        for (var i = 0; i < proofItems.Count; i++)
        {
            if (!JsonNode.DeepEquals(proofItems[i], documentItems[i]))
            {
                return false;
            }
        }

        return true;
    }
}
