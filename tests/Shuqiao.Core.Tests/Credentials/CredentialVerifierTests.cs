using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Core.Tests.Credentials;

/// <summary>
/// The verifier on its own: a trusted did:key issuer, status lists served from memory, a fixed "now". Every way of
/// breaking a credential gets its own code, and nothing throws.
/// </summary>
public sealed class CredentialVerifierTests : IDisposable
{
    private const string ListUrl = "https://node.example/credentials/status/0196f3a0-7c1e-7000-8000-000000000001";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _issuer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly PublicKeyInfo _key;
    private readonly Directory _directory = new();
    private readonly Lists _lists = new();

    public CredentialVerifierTests()
    {
        _key = Multikey.FromP256(_issuer);
        _directory.Trust(_key.DidKey);
        _lists.Serve(ListUrl, SignedList(revoked: []));
    }

    public void Dispose() => _issuer.Dispose();

    private CredentialVerifier Verifier => new(_directory, _lists, national: null);

    [Fact]
    public async Task A_credential_of_a_trusted_issuer_verifies_as_json_and_as_vc_jwt()
    {
        var di = await Verifier.VerifyAsync(Signed().ToJsonString(), Now, default);
        var jwt = await Verifier.VerifyAsync(VcJwt.Sign(Unsigned(), _key.VerificationMethod, _issuer), Now, default);

        Assert.True(di.Verified, string.Join("; ", di.Failures));
        Assert.True(jwt.Verified, string.Join("; ", jwt.Failures));
        Assert.Equal("vc+jwt", jwt.Format);
        Assert.Equal(CheckOutcome.NotApplicable, di.Checks.Single(c => c.Check == VerificationChecks.NationalSignature).Outcome);
    }

    [Fact]
    public async Task Each_kind_of_bad_credential_has_its_own_code()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var strangerKey = Multikey.FromP256(stranger);
        var cases = new Dictionary<string, string>
        {
            ["changed claim"] = Mutate(c => c["credentialSubject"]!["holderName"] = "李四"),
            ["flipped signature"] = Mutate(c => c["proof"]!["proofValue"] = FlipFirstSignatureByte(c["proof"]!["proofValue"]!.GetValue<string>())),
            ["key of someone else"] = DataIntegrity.AddProof(Unsigned(), new ProofOptions(strangerKey.VerificationMethod, Now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(stranger, h)).ToJsonString(),
            ["unknown context"] = Mutate(c => c["@context"]!.AsArray().Add("https://example.org/v1")),
            ["no proof"] = Unsigned().ToJsonString(),
            ["wrong purpose"] = DataIntegrity.AddProof(Unsigned(), new ProofOptions(_key.VerificationMethod, Now, "authentication"), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(_issuer, h)).ToJsonString(),
            ["malformed"] = "{\"@context\": [",
            ["oversized"] = new string(' ', 70_000) + "{}",
        };
        var expected = new Dictionary<string, string>
        {
            ["changed claim"] = VerificationCodes.SignatureInvalid,
            ["flipped signature"] = VerificationCodes.SignatureInvalid,
            ["key of someone else"] = VerificationCodes.ProofKeyMismatch,
            ["unknown context"] = VerificationCodes.ContextUnknown,
            ["no proof"] = VerificationCodes.ProofMissing,
            ["wrong purpose"] = VerificationCodes.ProofPurpose,
            ["malformed"] = VerificationCodes.InputMalformed,
            ["oversized"] = VerificationCodes.InputTooLarge,
        };

        foreach (var (name, text) in cases)
        {
            var verdict = await Verifier.VerifyAsync(text, Now, default);
            Assert.False(verdict.Verified, name);
            Assert.Equal(expected[name], verdict.FailureCode);
            Assert.Equal(VerificationChecks.All, verdict.Checks.Select(c => c.Check));
        }
    }

    [Fact]
    public async Task Time_decides_expired_and_not_yet_valid()
    {
        var credential = Unsigned();
        credential["validUntil"] = "2026-02-28T15:59:59Z";
        var signed = DataIntegrity.AddProof(credential, new ProofOptions(_key.VerificationMethod, Now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(_issuer, h)).ToJsonString();

        Assert.Equal(VerificationCodes.ValidityExpired, (await Verifier.VerifyAsync(signed, Now, default)).FailureCode);
        Assert.Equal(VerificationCodes.ValidityNotYetValid, (await Verifier.VerifyAsync(signed, new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero), default)).FailureCode);
        Assert.True((await Verifier.VerifyAsync(signed, new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), default)).Verified);
    }

    [Fact]
    public async Task Status_revoked_unavailable_or_signed_by_someone_else_each_fail_distinctly()
    {
        var signed = Signed().ToJsonString();

        _lists.Serve(ListUrl, SignedList(revoked: [42]));
        Assert.Equal(VerificationCodes.StatusRevoked, (await Verifier.VerifyAsync(signed, Now, default)).FailureCode);

        _lists.Remove(ListUrl);
        Assert.Equal(VerificationCodes.StatusUnavailable, (await Verifier.VerifyAsync(signed, Now, default)).FailureCode);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _lists.Serve(ListUrl, SignedList(revoked: [], signer: other));
        Assert.Equal(VerificationCodes.StatusListInvalid, (await Verifier.VerifyAsync(signed, Now, default)).FailureCode);
    }

    [Fact]
    public async Task An_untrusted_issuer_is_not_sent_to_fetch_its_status_list()
    {
        var untrusted = new CredentialVerifier(new Directory(), _lists, null);

        var verdict = await untrusted.VerifyAsync(Signed().ToJsonString(), Now, default);

        Assert.Equal(VerificationCodes.IssuerUntrusted, verdict.FailureCode);
        Assert.Equal(CheckOutcome.Skipped, verdict.Checks.Single(c => c.Check == VerificationChecks.Status).Outcome);
        Assert.Equal(0, _lists.Fetches);
    }

    private JsonObject Unsigned() => new()
    {
        ["@context"] = new JsonArray(CredentialContexts.V2),
        ["id"] = "urn:uuid:0196f3a0-7c1e-7000-8000-00000000abcd",
        ["type"] = new JsonArray("VerifiableCredential", LicenceCredential.CredentialType),
        ["issuer"] = new JsonObject { ["id"] = _key.DidKey, ["name"] = "示范市民政局" },
        ["validFrom"] = "2024-01-01T00:00:00Z",
        ["credentialSubject"] = new JsonObject { ["holderName"] = "张三", ["holderCode"] = "990101199003070015" },
        ["credentialStatus"] = new JsonArray(new StatusEntry(StatusPurpose.Revocation, ListUrl, 42).ToJson()),
    };

    private JsonObject Signed() =>
        DataIntegrity.AddProof(Unsigned(), new ProofOptions(_key.VerificationMethod, Now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(_issuer, h));

    private string Mutate(Action<JsonObject> change)
    {
        var credential = Signed();
        change(credential);
        return credential.ToJsonString();
    }

    private static string FlipFirstSignatureByte(string proofValue)
    {
        Multibase.TryDecode(proofValue, out var bytes);
        bytes[0] ^= 0xFF;
        return Multibase.EncodeBase58Btc(bytes);
    }

    private string SignedList(int[] revoked, ECDsa? signer = null)
    {
        var list = new BitstringStatusList();
        foreach (var index in revoked)
        {
            list[index] = true;
        }

        var unsigned = LicenceCredential.StatusListCredential(ListUrl, _key.DidKey, StatusPurpose.Revocation, list, Now, TimeSpan.FromHours(1));
        var key = signer ?? _issuer;
        var method = signer is null ? _key.VerificationMethod : _key.DidKey + "#" + Multikey.FromP256(signer).Multibase;
        return DataIntegrity.AddProof(unsigned, new ProofOptions(method, Now), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(key, h)).ToJsonString();
    }

    private sealed class Directory : IIssuerDirectory
    {
        private readonly Dictionary<string, IssuerRecord> _issuers = [];

        public void Trust(string did) => _issuers[did] = new IssuerRecord(did, "示范市民政局", IssuerSource.Local, [], []);

        public Task<IssuerRecord?> FindAsync(string did, CancellationToken cancellationToken) => Task.FromResult(_issuers.GetValueOrDefault(did));
    }

    private sealed class Lists : IStatusListSource
    {
        private readonly Dictionary<string, string> _lists = [];

        public int Fetches { get; private set; }

        public void Serve(string url, string json) => _lists[url] = json;

        public void Remove(string url) => _lists.Remove(url);

        public Task<StatusListFetch> FetchAsync(string url, IssuerRecord issuer, CancellationToken cancellationToken)
        {
            Fetches++;
            return Task.FromResult(_lists.TryGetValue(url, out var json) ? StatusListFetch.Of(json) : StatusListFetch.Failed("HTTP 404"));
        }
    }
}
