using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

/// <summary>
/// Every way a credential can be bad yields its own failure code from POST /credentials/verify, with a 400 and a
/// verification result — never an exception or a 500.
/// </summary>
public sealed class TamperingTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_changed_claim_is_reported_as_altered_content_naming_the_field()
    {
        var (fixture, credential) = await IssuedAsync();
        credential["credentialSubject"]!["holderName"] = "示范市冒名顶替有限公司";

        var (status, result) = await fixture.VerifyAsync(credential.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.CredentialAltered, LicenceFixture.FailureCode(result));
        Assert.Contains("credentialSubject.holderName", Check(result, "signature")["details"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task Flipped_signature_bytes_are_reported_as_an_invalid_signature_over_unchanged_content()
    {
        var (fixture, credential) = await IssuedAsync();
        var proof = credential["proof"]![0]!;
        Assert.True(Multibase.TryDecode(proof["proofValue"]!.GetValue<string>(), out var signature));
        signature[5] ^= 0xFF;
        proof["proofValue"] = Multibase.EncodeBase58Btc(signature);

        var (status, result) = await fixture.VerifyAsync(credential.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.SignatureInvalid, LicenceFixture.FailureCode(result));
    }

    [Fact]
    public async Task A_credential_re_signed_with_another_key_in_the_issuers_name_is_a_key_mismatch()
    {
        var (fixture, credential) = await IssuedAsync();
        credential.Remove("proof");
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = DataIntegrity.AddProof(credential, new ProofOptions(Multikey.FromP256(forger).VerificationMethod, DateTimeOffset.UtcNow), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(forger, h));

        var (status, result) = await fixture.VerifyAsync(forged.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.ProofKeyMismatch, LicenceFixture.FailureCode(result));
    }

    [Fact]
    public async Task A_self_issued_credential_signs_correctly_but_its_issuer_is_not_trusted()
    {
        var (fixture, credential) = await IssuedAsync();
        credential.Remove("proof");
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = Multikey.FromP256(stranger);
        credential["issuer"] = new JsonObject { ["id"] = key.DidKey, ["name"] = "示范市市场监督管理局" };
        credential.Remove("credentialStatus");
        var signed = DataIntegrity.AddProof(credential, new ProofOptions(key.VerificationMethod, DateTimeOffset.UtcNow), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(stranger, h));

        var (status, result) = await fixture.VerifyAsync(signed.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.IssuerUntrusted, LicenceFixture.FailureCode(result));
        Assert.Equal("Passed", Check(result, "signature")["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_context_is_refused_without_being_fetched()
    {
        var (fixture, credential) = await IssuedAsync();
        credential["@context"]!.AsArray().Add("https://contexts.example.invalid/licence/v1");

        var (status, result) = await fixture.VerifyAsync(credential.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.ContextUnknown, LicenceFixture.FailureCode(result));
    }

    [Fact]
    public async Task An_expired_licence_is_reported_as_expired_with_its_end()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var response = await fixture.Steward.PostAsJsonAsync("/api/v1/licences", new
        {
            typeCode = fixture.TypeCode,
            holderName = "示范市旧日商行",
            holderCode = LicenceFixture.NewCompanyCode(),
            validFrom = "2001-01-01",
            validUntil = "2011-01-01",
            claims = new Dictionary<string, string> { ["companyName"] = "示范市旧日商行", ["legalRepresentative"] = "赵强", ["establishedOn"] = "2001-01-01" },
        });
        var licence = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var (status, result) = await fixture.VerifyAsync(await fixture.CredentialAsync(licence));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.ValidityExpired, LicenceFixture.FailureCode(result));
        Assert.Contains("2011-01-01T15:59:59Z", Check(result, "validity")["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_a_parsing_failure_not_an_error_page()
    {
        var fixture = await LicenceFixture.CreateAsync(server);

        var (status, result) = await fixture.VerifyRawAsync("{\"verifiableCredential\": {\"@context\": [");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.InputMalformed, LicenceFixture.FailureCode(result));
        Assert.Equal("https://www.w3.org/TR/vc-data-model#PARSING_ERROR", result["problemDetails"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oversized_credential_is_refused_before_it_is_parsed()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var huge = "{\"verifiableCredential\":{\"padding\":\"" + new string('数', 50_000) + "\"}}";

        var (status, result) = await fixture.VerifyRawAsync(huge);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.InputTooLarge, LicenceFixture.FailureCode(result));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"verifiableCredential\": 42}")]
    [InlineData("{\"verifiableCredential\": {\"@context\": 7, \"proof\": \"x\"}}")]
    [InlineData("{\"verifiableCredential\": {\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"type\": 5, \"issuer\": {\"id\": 3}, \"credentialSubject\": []}}")]
    [InlineData("{\"verifiableCredential\": {\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"type\": [\"VerifiableCredential\"], \"issuer\": \"did:key:zBAD\", \"credentialSubject\": {}, \"proof\": {\"type\": \"DataIntegrityProof\", \"cryptosuite\": \"ecdsa-jcs-2019\", \"proofPurpose\": \"assertionMethod\", \"verificationMethod\": \"did:key:zBAD#zBAD\", \"proofValue\": 12}}}")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA")]
    public async Task Any_other_garbage_gets_a_verdict_with_a_code_and_never_a_server_error(string body)
    {
        var fixture = await LicenceFixture.CreateAsync(server);

        var (status, result) = await fixture.VerifyRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(result["verified"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(LicenceFixture.FailureCode(result)), result.ToJsonString());
    }

    private async Task<(LicenceFixture Fixture, JsonObject Credential)> IssuedAsync()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        return (fixture, JsonNode.Parse(await fixture.CredentialAsync(licence))!.AsObject());
    }

    private static JsonNode Check(JsonObject result, string name) =>
        result["results"]!.AsArray().Single(r => r!["check"]!.GetValue<string>() == name)!;
}
