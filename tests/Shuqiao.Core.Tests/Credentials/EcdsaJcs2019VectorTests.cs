using Shuqiao.Core.Common;
using System.Text;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Core.Tests.Credentials;

/// <summary>
/// The W3C vc-di-ecdsa test vectors for ecdsa-jcs-2019 with P-256 (Vectors/README.md), step by step: canonical
/// forms, hashes, key decoding and the published signature.
/// </summary>
public sealed class EcdsaJcs2019VectorTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Credentials", "Vectors", "vc-di-ecdsa");

    private static string Read(string path) => File.ReadAllText(Path.Combine(Root, path)).Trim();

    private static JsonObject ReadJson(string path) => JsonNode.Parse(Read(path))!.AsObject();

    [Fact]
    public void The_unsigned_credential_canonicalizes_to_the_published_form_and_hash()
    {
        var canonical = Jcs.CanonicalizeToString(ReadJson("unsigned.json"));

        Assert.Equal(Read("ecdsa-jcs-2019-p256/canonDocJCSECDSAP256.txt"), canonical);
        Assert.Equal(Read("ecdsa-jcs-2019-p256/docHashJCSECDSAP256.txt"), Convert.ToHexStringLower(EcdsaJcs2019.Instance.Hash(Encoding.UTF8.GetBytes(canonical))));
    }

    [Fact]
    public void The_proof_configuration_canonicalizes_to_the_published_form_and_the_combined_hash_matches()
    {
        var unsigned = ReadJson("unsigned.json");
        var published = ReadJson("ecdsa-jcs-2019-p256/proofConfigJCSECDSAP256.json");
        var config = DataIntegrity.ProofConfiguration(unsigned, new ProofOptions(
            published["verificationMethod"]!.GetValue<string>(), DateTimeOffset.Parse(published["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)), EcdsaJcs2019.Instance);

        Assert.True(JsonNode.DeepEquals(published, config));
        Assert.Equal(Read("ecdsa-jcs-2019-p256/proofCanonJCSECDSAP256.txt"), Jcs.CanonicalizeToString(config));
        Assert.Equal(Read("ecdsa-jcs-2019-p256/proofHashJCSECDSAP256.txt"), Convert.ToHexStringLower(EcdsaJcs2019.Instance.Hash(Jcs.Canonicalize(config))));
        Assert.Equal(Read("ecdsa-jcs-2019-p256/combinedHashJCSECDSAP256.txt"), Convert.ToHexStringLower(DataIntegrity.HashData(unsigned, config, EcdsaJcs2019.Instance)));
    }

    [Fact]
    public void The_published_signature_is_the_base58btc_of_its_hex_and_verifies_with_the_published_key()
    {
        var keys = ReadJson("p256KeyPair.json");
        Assert.True(Multikey.TryDecode(keys["publicKeyMultibase"]!.GetValue<string>(), out var publicKey));
        Assert.Equal(KeyAlgorithm.P256, publicKey.Algorithm);

        var signatureHex = Read("ecdsa-jcs-2019-p256/sigHexJCSECDSAP256.txt");
        Assert.Equal(Read("ecdsa-jcs-2019-p256/sigBTC58JCSECDSAP256.txt"), Multibase.EncodeBase58Btc(Convert.FromHexString(signatureHex)));

        Assert.True(Multikey.TryCreateP256Verifier(publicKey, out var verifier));
        using (verifier)
        {
            var hashData = Convert.FromHexString(Read("ecdsa-jcs-2019-p256/combinedHashJCSECDSAP256.txt"));
            Assert.True(EcdsaJcs2019.Verify(verifier, hashData, Convert.FromHexString(signatureHex)));
        }
    }

    [Fact]
    public void The_published_secret_key_derives_the_published_public_key()
    {
        var keys = ReadJson("p256KeyPair.json");
        Assert.True(Multikey.TryDecodeP256Secret(keys["secretKeyMultibase"]!.GetValue<string>(), out var d));
        using var signer = Multikey.CreateP256Signer(d);

        Assert.Equal(keys["publicKeyMultibase"]!.GetValue<string>(), Multikey.FromP256(signer).Multibase);
    }

    [Fact]
    public void The_published_signed_credential_verifies_and_a_changed_claim_does_not()
    {
        var signed = ReadJson("ecdsa-jcs-2019-p256/signedJCSECDSAP256.json");
        Assert.True(VerifyProof(signed));

        signed["credentialSubject"]!["alumniOf"] = "The School of Counterfeits";
        Assert.False(VerifyProof(signed));
    }

    [Fact]
    public void A_proof_made_here_with_the_published_key_verifies_and_has_the_published_configuration()
    {
        var keys = ReadJson("p256KeyPair.json");
        Multikey.TryDecodeP256Secret(keys["secretKeyMultibase"]!.GetValue<string>(), out var d);
        using var signer = Multikey.CreateP256Signer(d);
        var published = ReadJson("ecdsa-jcs-2019-p256/signedJCSECDSAP256.json");
        var publishedProof = published["proof"]!.AsObject();

        var signed = DataIntegrity.AddProof(ReadJson("unsigned.json"), new ProofOptions(
            publishedProof["verificationMethod"]!.GetValue<string>(), new DateTimeOffset(2023, 2, 24, 23, 36, 38, TimeSpan.Zero)),
            EcdsaJcs2019.Instance, hash => EcdsaJcs2019.Sign(signer, hash));

        var proof = signed["proof"]!.DeepClone().AsObject();
        proof.Remove("proofValue");
        publishedProof.Remove("proofValue");
        Assert.True(JsonNode.DeepEquals(publishedProof, proof));
        Assert.True(VerifyProof(signed));
    }

    private static bool VerifyProof(JsonObject signed)
    {
        var unsecured = (JsonObject)signed.DeepClone();
        var proof = unsecured["proof"]!.AsObject();
        unsecured.Remove("proof");
        Assert.True(Multikey.TryParseDidKey(proof["verificationMethod"]!.GetValue<string>(), out var key));
        Assert.True(Multikey.TryCreateP256Verifier(key, out var verifier));
        using (verifier)
        {
            return DataIntegrity.TryPrepareVerification(unsecured, proof, EcdsaJcs2019.Instance, out var hashData, out var signature, out _)
                && EcdsaJcs2019.Verify(verifier, hashData, signature);
        }
    }
}
