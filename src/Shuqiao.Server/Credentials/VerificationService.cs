using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Organizations;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>The verdict of a presentation: its own proof, and each credential in it.</summary>
public sealed record PresentationVerdict(VerificationCheck Presentation, IReadOnlyList<VerificationVerdict> Credentials)
{
    public bool Verified => Presentation.Outcome is CheckOutcome.Passed or CheckOutcome.NotApplicable && Credentials.Count > 0 && Credentials.All(c => c.Verified);
}

/// <summary>
/// Verification for the VC-API, the public page and the portal: the Core verifier wired to this node's issuers,
/// trust list, status lists and issued credentials; and a record of every verification of a licence of this node,
/// which its holder sees (who verified it when).
/// </summary>
public sealed class VerificationService(
    IssuerDirectory directory,
    StatusListSource statusLists,
    IssuedCredentialRegistry registry,
    INationalCrypto national,
    VerificationRecordStore records,
    OrganizationService organizations,
    IOptions<CredentialsOptions> options,
    TimeProvider clock)
{
    private CredentialVerifier Verifier => new(directory, statusLists, national, registry, options.Value.MaxCredentialBytes);

    public int MaxCredentialBytes => options.Value.MaxCredentialBytes;

    public async Task<VerificationVerdict> VerifyAsync(string? text, VerificationChannel channel, HttpContext? context, CancellationToken cancellationToken)
    {
        var verdict = await Verifier.VerifyAsync(text, clock.GetUtcNow(), cancellationToken);
        await RecordAsync(verdict, channel, context, cancellationToken);
        return verdict;
    }

    public async Task<VerificationVerdict> VerifyAsync(JsonNode? credential, VerificationChannel channel, HttpContext? context, CancellationToken cancellationToken)
    {
        var verdict = await Verifier.VerifyAsync(credential, clock.GetUtcNow(), cancellationToken);
        await RecordAsync(verdict, channel, context, cancellationToken);
        return verdict;
    }

    /// <summary>
    /// Verifies a presentation (VC 2.0 §4.13): every credential in it, and its proof when it has one — a
    /// DataIntegrityProof with ecdsa-jcs-2019 and purpose authentication by the holder's did:key, whose challenge
    /// and domain must be the ones asked for. An unsigned presentation is accepted only when no challenge was asked.
    /// </summary>
    public async Task<PresentationVerdict> VerifyPresentationAsync(JsonNode? presentation, string? challenge, string? domain, HttpContext? context, CancellationToken cancellationToken)
    {
        if (presentation is not JsonObject vp || vp["type"] is not { } typeNode || !(typeNode is JsonArray types ? types.Any(t => t?.ToString() == "VerifiablePresentation") : typeNode.ToString() == "VerifiablePresentation"))
        {
            return new(VerificationCheck.Failed("presentation", VerificationCodes.InputMalformed, "not a VerifiablePresentation"), []);
        }

        var credentials = vp["verifiableCredential"] switch
        {
            JsonArray array => array.ToList(),
            null => [],
            var one => [one],
        };
        var verdicts = new List<VerificationVerdict>();
        foreach (var credential in credentials.Take(20))
        {
            verdicts.Add(await VerifyAsync(credential, VerificationChannel.Presentation, context, cancellationToken));
        }

        return new(CheckPresentationProof(vp, challenge, domain), verdicts);
    }

    private static VerificationCheck CheckPresentationProof(JsonObject vp, string? challenge, string? domain)
    {
        const string check = "presentation";
        var unsecured = (JsonObject)vp.DeepClone();
        var proof = unsecured["proof"] as JsonObject;
        unsecured.Remove("proof");
        if (proof is null)
        {
            return challenge is null
                ? VerificationCheck.NotApplicable(check, "the presentation is not signed (no challenge was asked for)")
                : VerificationCheck.Failed(check, VerificationCodes.PresentationChallenge, "a challenge was asked for, but the presentation has no proof");
        }

        if (proof["cryptosuite"]?.ToString() != EcdsaJcs2019.Cryptosuite || proof["proofPurpose"]?.ToString() != "authentication")
        {
            return VerificationCheck.Failed(check, VerificationCodes.ProofUnsupported, "the presentation's proof must be ecdsa-jcs-2019 with purpose authentication");
        }

        if ((challenge is not null && proof["challenge"]?.ToString() != challenge) || (domain is not null && proof["domain"]?.ToString() != domain))
        {
            return VerificationCheck.Failed(check, VerificationCodes.PresentationChallenge, "the proof's challenge or domain is not the one asked for");
        }

        var method = proof["verificationMethod"]?.ToString();
        var holder = vp["holder"] is JsonObject h ? h["id"]?.ToString() : vp["holder"]?.ToString();
        if (!Multikey.TryParseDidKey(method, out var key) || (holder is not null && method!.Split('#')[0] != holder) || !Multikey.TryCreateP256Verifier(key, out var ecdsa))
        {
            return VerificationCheck.Failed(check, VerificationCodes.ProofKeyMismatch, "the presentation must be signed with the holder's P-256 did:key");
        }

        using (ecdsa)
        {
            return DataIntegrity.TryPrepareVerification(unsecured, proof, EcdsaJcs2019.Instance, out var hashData, out var signature, out _) && EcdsaJcs2019.Verify(ecdsa, hashData, signature)
                ? VerificationCheck.Passed(check, "signed by the holder")
                : VerificationCheck.Failed(check, VerificationCodes.PresentationProofInvalid, "the presentation's signature does not verify");
        }
    }

    private async Task RecordAsync(VerificationVerdict verdict, VerificationChannel channel, HttpContext? context, CancellationToken cancellationToken)
    {
        if (!LicenceIds.TryParse(verdict.CredentialId, out var licenceId))
        {
            return;
        }

        var user = context?.User;
        var authenticated = user?.Identity?.IsAuthenticated == true;
        string? organization = null;
        if (authenticated && user!.OrganizationOf() is { } organizationId)
        {
            organization = (await organizations.GetAsync(organizationId, cancellationToken))?.Name;
        }

        var kind = !authenticated ? "Anonymous" : user!.IsApiClient() ? "ApiClient" : "User";
        await records.AppendIfLocalAsync(new VerificationRecord(
            licenceId, clock.GetUtcNow(), channel, kind, authenticated ? user!.Identity!.Name : null, organization, verdict.Verified, verdict.FailureCode), cancellationToken);
    }
}
