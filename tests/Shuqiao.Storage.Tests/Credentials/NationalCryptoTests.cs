using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Storage.Tests.Credentials;

/// <summary>
/// SM3 and SM2 against the standards' published examples: GM/T 0004-2012 (SM3, = GB/T 32905-2016) Appendix A, and
/// GM/T 0003.5-2012 Appendix A (= GB/T 32918.5-2017): the signature example on the recommended curve sm2p256v1 with
/// the default ID 1234567812345678 and the message "message digest".
/// </summary>
public sealed class NationalCryptoTests
{
    private const string ExamplePrivateKey = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    private const string ExampleX = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
    private const string ExampleY = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    private const string ExampleK = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
    private const string ExampleZ = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3";
    private const string ExampleE = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640";
    private const string ExampleR = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
    private const string ExampleS = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";

    private readonly NationalCrypto _crypto = NationalCrypto.Instance;

    [Theory]
    // GM/T 0004-2012 Appendix A.1 and A.2.
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void Sm3_gives_the_standards_example_digests(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(_crypto.Sm3(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void The_example_private_key_gives_the_example_public_key()
    {
        var key = _crypto.Sm2PublicKey(Convert.FromHexString(ExamplePrivateKey));

        Assert.Equal("04" + ExampleX + ExampleY, Convert.ToHexString(NationalCrypto.Uncompressed(key)));
        Assert.Equal(KeyAlgorithm.Sm2, key.Algorithm);
        Assert.True(Multikey.TryDecode(key.Multibase, out var roundTrip));
        Assert.Equal(key.CompressedPoint, roundTrip.CompressedPoint);
    }

    [Fact]
    public void Z_and_e_of_the_example_are_sm3_over_the_id_curve_and_key_then_the_message()
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        var id = Encoding.ASCII.GetBytes("1234567812345678");
        byte[] Field(Org.BouncyCastle.Math.BigInteger v) => v.ToByteArrayUnsigned();
        var z = _crypto.Sm3([
            (byte)(id.Length * 8 >> 8), (byte)(id.Length * 8), .. id,
            .. Field(curve.Curve.A.ToBigInteger()), .. Field(curve.Curve.B.ToBigInteger()),
            .. Field(curve.G.AffineXCoord.ToBigInteger()), .. Field(curve.G.AffineYCoord.ToBigInteger()),
            .. Convert.FromHexString(ExampleX), .. Convert.FromHexString(ExampleY)]);

        Assert.Equal(ExampleZ, Convert.ToHexString(z));
        Assert.Equal(ExampleE, Convert.ToHexString(_crypto.Sm3([.. z, .. Encoding.ASCII.GetBytes("message digest")])));
    }

    [Fact]
    public void The_example_signature_verifies_and_fails_for_another_message()
    {
        var key = _crypto.Sm2PublicKey(Convert.FromHexString(ExamplePrivateKey));
        var signature = Convert.FromHexString(ExampleR + ExampleS);

        Assert.True(_crypto.Sm2Verify(key, Encoding.ASCII.GetBytes("message digest"), signature));
        Assert.False(_crypto.Sm2Verify(key, Encoding.ASCII.GetBytes("message digesT"), signature));
        signature[10] ^= 0x01;
        Assert.False(_crypto.Sm2Verify(key, Encoding.ASCII.GetBytes("message digest"), signature));
    }

    [Fact]
    public void Signing_with_the_examples_k_reproduces_the_examples_r_and_s()
    {
        var signature = NationalCrypto.Sign(Convert.FromHexString(ExamplePrivateKey), Encoding.ASCII.GetBytes("message digest"), new FixedK(Convert.FromHexString(ExampleK)));

        Assert.Equal(ExampleR + ExampleS, Convert.ToHexString(signature));
    }

    [Fact]
    public void A_credential_with_both_proofs_verifies_each_with_its_own_suite()
    {
        var (sm2Private, sm2Public) = _crypto.Sm2Generate();
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p256 = Multikey.FromP256(ecdsa);
        var document = new JsonObject { ["@context"] = new JsonArray(CredentialContexts.V2), ["type"] = new JsonArray("VerifiableCredential"), ["issuer"] = p256.DidKey, ["credentialSubject"] = new JsonObject { ["holderName"] = "王伟" } };
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var signed = DataIntegrity.AddProof(document, new ProofOptions(p256.VerificationMethod, now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(ecdsa, h));
        signed = DataIntegrity.AddProof(signed, new ProofOptions(sm2Public.VerificationMethod, now), new Sm2Jcs(_crypto), h => _crypto.Sm2Sign(sm2Private, h));

        var proofs = signed["proof"]!.AsArray();
        Assert.Equal(2, proofs.Count);
        var unsecured = (JsonObject)signed.DeepClone();
        unsecured.Remove("proof");
        Assert.True(DataIntegrity.TryPrepareVerification(unsecured, proofs[1]!.AsObject(), new Sm2Jcs(_crypto), out var hash, out var sig, out _));
        Assert.True(_crypto.Sm2Verify(sm2Public, hash, sig));
        Assert.True(DataIntegrity.TryPrepareVerification(unsecured, proofs[0]!.AsObject(), EcdsaJcs2019.Instance, out var hash2, out var sig2, out _));
        Assert.True(EcdsaJcs2019.Verify(ecdsa, hash2, sig2));
    }

    /// <summary>Hands out the standard's k: BouncyCastle's SM2 signer reads k as the next 32 random bytes.</summary>
    private sealed class FixedK(byte[] k) : SecureRandom
    {
        public override void NextBytes(byte[] buf) => k.CopyTo(buf, 0);

        public override void NextBytes(byte[] buf, int off, int len) => Array.Copy(k, 0, buf, off, len);
    }
}
