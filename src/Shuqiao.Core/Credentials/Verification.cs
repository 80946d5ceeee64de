using System.Text.Json.Nodes;

namespace Shuqiao.Core.Credentials;

public enum CheckOutcome
{
    Passed,
    Failed,
    Skipped,        // could not or need not be run (e.g. status after a bad signature)
    NotApplicable,  // the credential has nothing to check here (e.g. no credentialStatus)
}

/// <summary>The checks of a verification, in the order they run and are shown.</summary>
public static class VerificationChecks
{
    public const string Input = "input";
    public const string Context = "context";
    public const string Proof = "proof";
    public const string Signature = "signature";
    public const string NationalSignature = "nationalSignature";
    public const string Issuer = "issuer";
    public const string Validity = "validity";
    public const string Status = "status";

    public static IReadOnlyList<string> All { get; } = [Input, Context, Proof, Signature, NationalSignature, Issuer, Validity, Status];
}

/// <summary>
/// The code of every way a verification fails: each tampering case has its own, so a clerk, a log and a test can
/// tell them apart. Stable: the pages translate them (lic.verify.code.*) and integrators switch on them.
/// </summary>
public static class VerificationCodes
{
    public const string InputTooLarge = "input.tooLarge";
    public const string InputMalformed = "input.malformed";
    public const string CredentialInvalid = "credential.invalid";
    public const string ContextInvalid = "context.invalid";
    public const string ContextUnknown = "context.unknown";
    public const string ProofMissing = "proof.missing";
    public const string ProofUnsupported = "proof.unsupported";
    public const string ProofMalformed = "proof.malformed";
    public const string ProofPurpose = "proof.purpose";
    public const string ProofKeyMismatch = "proof.keyMismatch";
    public const string ProofKeyUnresolvable = "proof.keyUnresolvable";
    public const string SignatureInvalid = "signature.invalid";
    public const string CredentialAltered = "credential.altered";
    public const string NationalKeyMismatch = "nationalSignature.keyMismatch";
    public const string NationalSignatureInvalid = "nationalSignature.invalid";
    public const string IssuerUntrusted = "issuer.untrusted";
    public const string ValidityNotYetValid = "validity.notYetValid";
    public const string ValidityExpired = "validity.expired";
    public const string StatusRevoked = "status.revoked";
    public const string StatusSuspended = "status.suspended";
    public const string StatusUnavailable = "status.unavailable";
    public const string StatusListInvalid = "status.listInvalid";
    public const string PresentationProofInvalid = "presentation.proofInvalid";
    public const string PresentationChallenge = "presentation.challenge";
    public const string PresentationCredentialInvalid = "presentation.credentialInvalid";
}

/// <summary>One check's result: passed, failed with a code, or not run; <see cref="Details"/> lists specifics (e.g. changed fields).</summary>
public sealed record VerificationCheck(string Check, CheckOutcome Outcome, string? Code, string Reason, IReadOnlyList<string> Details)
{
    public static VerificationCheck Passed(string check, string reason) => new(check, CheckOutcome.Passed, null, reason, []);

    public static VerificationCheck Failed(string check, string code, string reason, params string[] details) => new(check, CheckOutcome.Failed, code, reason, details);

    public static VerificationCheck Skipped(string check, string reason) => new(check, CheckOutcome.Skipped, null, reason, []);

    public static VerificationCheck NotApplicable(string check, string reason) => new(check, CheckOutcome.NotApplicable, null, reason, []);
}

/// <summary>What a verified (or rejected) credential says, for showing to a clerk. Values are as the credential states them.</summary>
public sealed record CredentialSummary(
    string? Id,
    string? Name,
    string? IssuerId,
    string? IssuerName,
    string? ValidFrom,
    string? ValidUntil,
    string? LicenceIdentifier,
    string? LicenceNumber,
    string? HolderName,
    string? HolderCode,
    string? HolderCodeType,
    IReadOnlyList<KeyValuePair<string, string>> Claims);

/// <summary>The verdict: verified only if every check passed or did not apply. Never an exception.</summary>
public sealed record VerificationVerdict(string Format, IReadOnlyList<VerificationCheck> Checks, CredentialSummary? Credential)
{
    public bool Verified => Checks.Count > 0 && Checks.All(c => c.Outcome is CheckOutcome.Passed or CheckOutcome.NotApplicable);

    /// <summary>The code of the first failed check: the main reason a credential was rejected.</summary>
    public string? FailureCode => Checks.FirstOrDefault(c => c.Outcome == CheckOutcome.Failed)?.Code;

    public IEnumerable<VerificationCheck> Failures => Checks.Where(c => c.Outcome == CheckOutcome.Failed);

    /// <summary>The credential's id (urn:uuid:…) when it could be read, e.g. to record which licence was verified.</summary>
    public string? CredentialId => Credential?.Id;
}

public enum IssuerSource
{
    Local,      // an issuing organization of this node
    TrustList,  // an issuer of another node on the data authority's trust list (跨省互认)
    Unchecked,  // a verifier given no trust source (the CLI without --trust-list): the issuer is reported as not checked
}

/// <summary>A verification method an issuer controls, and its public key.</summary>
public sealed record KeyBinding(string VerificationMethod, PublicKeyInfo Key);

/// <summary>
/// A trusted issuer: its DID and name, where the trust comes from, its keys (for did:web DIDs and the SM2 key), and
/// the origins (scheme://host:port) its status lists may be fetched from.
/// </summary>
public sealed record IssuerRecord(string Did, string Name, IssuerSource Source, IReadOnlyList<KeyBinding> Keys, IReadOnlyList<string> StatusOrigins);

/// <summary>Which issuers a verifier trusts: the node's own issuing organizations and its trust list.</summary>
public interface IIssuerDirectory
{
    Task<IssuerRecord?> FindAsync(string did, CancellationToken cancellationToken);
}

/// <summary>A fetched status list credential (JSON), or why it could not be fetched.</summary>
public sealed record StatusListFetch(string? Json, string? Error)
{
    public static StatusListFetch Of(string json) => new(json, null);

    public static StatusListFetch Failed(string error) => new(null, error);
}

/// <summary>Fetches status list credentials; only ever called for a credential whose signature and issuer checked out.</summary>
public interface IStatusListSource
{
    Task<StatusListFetch> FetchAsync(string url, IssuerRecord issuer, CancellationToken cancellationToken);
}

/// <summary>
/// Credentials this node issued, by id, without their proofs: lets a verifier tell a changed claim (the content
/// differs from what was issued) from a damaged signature (the content is as issued).
/// </summary>
public interface IIssuedCredentialRegistry
{
    Task<JsonObject?> FindIssuedAsync(string credentialId, CancellationToken cancellationToken);
}
