using Shuqiao.Core.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Credentials;

/// <summary>
/// Verifies a licence credential — JSON with Data Integrity proofs (ecdsa-jcs-2019, optionally the SM2 proof) or a
/// vc+jwt — and says why in a list of checks: input, context, proof, signature, national signature, issuer trusted,
/// validity period, status. Contexts are known by URL and never fetched; status lists are fetched only for a
/// credential whose signature verified and whose issuer is trusted, so a stranger's credential cannot make the
/// verifier call arbitrary URLs. Any input yields a verdict; nothing throws (except cancellation).
/// </summary>
public sealed class CredentialVerifier(
    IIssuerDirectory issuers,
    IStatusListSource? statusLists,
    INationalCrypto? national,
    IIssuedCredentialRegistry? registry = null,
    int maxBytes = CredentialVerifier.DefaultMaxBytes)
{
    /// <summary>64 KiB: a licence credential is a few KiB; anything far larger is refused before it is parsed.</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    public int MaxBytes => maxBytes;

    /// <summary>The verdict on input refused for its size before it was read whole (e.g. an HTTP body past the limit).</summary>
    public static VerificationVerdict TooLarge(int maxBytes) => new Run().Verdict("unknown", VerificationCheck.Failed(
        VerificationChecks.Input, VerificationCodes.InputTooLarge, $"the credential is larger than the {maxBytes} bytes accepted", maxBytes.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Verifies credential text: JSON (a credential or an EnvelopedVerifiableCredential) or a compact vc+jwt.</summary>
    public async Task<VerificationVerdict> VerifyAsync(string? text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var run = new Run();
        text ??= "";
        var size = Encoding.UTF8.GetByteCount(text); // as received: padding counts too
        text = text.Trim();
        if (size > maxBytes)
        {
            return run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.InputTooLarge,
                $"the credential has {size} bytes; at most {maxBytes} are accepted", size.ToString(CultureInfo.InvariantCulture), maxBytes.ToString(CultureInfo.InvariantCulture)));
        }

        if (text.Length == 0)
        {
            return run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.InputMalformed, "nothing was given to verify"));
        }

        if (text[0] != '{' && VcJwt.LooksLikeJwt(text))
        {
            return await VerifyJwtAsync(run, text, now, cancellationToken);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: Jcs.ParseOptions);
        }
        catch (JsonException e)
        {
            return run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.InputMalformed,
                "the text is neither JSON nor a compact JWT: " + FirstLine(e.Message)));
        }

        return await VerifyNodeAsync(run, node, now, cancellationToken);
    }

    /// <summary>Verifies an already parsed credential (e.g. the <c>verifiableCredential</c> member of a VC-API request).</summary>
    public Task<VerificationVerdict> VerifyAsync(JsonNode? credential, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var run = new Run();
        var size = credential is null ? 0 : Encoding.UTF8.GetByteCount(credential.ToJsonString());
        if (size > maxBytes)
        {
            return Task.FromResult(run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.InputTooLarge,
                $"the credential has {size} bytes; at most {maxBytes} are accepted", size.ToString(CultureInfo.InvariantCulture), maxBytes.ToString(CultureInfo.InvariantCulture))));
        }

        if (credential is JsonValue value && value.TryGetValue<string>(out var jwt))
        {
            return VerifyAsync(jwt, now, cancellationToken);
        }

        return VerifyNodeAsync(run, credential?.DeepClone(), now, cancellationToken);
    }

    private async Task<VerificationVerdict> VerifyNodeAsync(Run run, JsonNode? node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (node is not JsonObject document)
        {
            return run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.CredentialInvalid, "a credential is a JSON object"));
        }

        // VC 2.0 §4.13: a credential secured by an enveloping mechanism, carried as a data: URL.
        if (Text(document["type"]) == "EnvelopedVerifiableCredential" && Text(document["id"]) is { } dataUrl)
        {
            const string prefix = "data:" + VcJwt.MediaType + ",";
            return dataUrl.StartsWith(prefix, StringComparison.Ordinal)
                ? await VerifyJwtAsync(run, dataUrl[prefix.Length..], now, cancellationToken)
                : run.Verdict("unknown", VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofUnsupported,
                    "only application/vc+jwt enveloped credentials are supported"));
        }

        try
        {
            return await VerifyDataIntegrityAsync(run, document, now, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JcsException or CryptographicException or ArgumentException or JsonException)
        {
            // A credential shaped in a way no check anticipated (e.g. a number where a string belongs).
            run.Add(VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.CredentialInvalid, "the credential is not well-formed: " + FirstLine(e.Message)));
            return run.Verdict("di");
        }
    }

    private async Task<VerificationVerdict> VerifyDataIntegrityAsync(Run run, JsonObject document, DateTimeOffset now, CancellationToken cancellationToken)
    {
        run.Add(VerificationCheck.Passed(VerificationChecks.Input, "a JSON credential"));
        var unsecured = (JsonObject)document.DeepClone();
        var proofNode = unsecured["proof"];
        unsecured.Remove("proof");
        run.Summary = Summarize(unsecured);
        if (!CheckShape(run, unsecured, out var issuerDid))
        {
            return run.Verdict("di");
        }

        var proofs = proofNode switch
        {
            JsonObject single => [single],
            JsonArray array => array.OfType<JsonObject>().ToList(),
            _ => new List<JsonObject>(),
        };
        if (proofs.Count == 0)
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofMissing, "the credential has no proof"));
            run.Add(VerificationCheck.Skipped(VerificationChecks.Signature, "no proof to check"));
            await CheckIssuerAsync(run, issuerDid, cancellationToken);
            CheckValidity(run, unsecured, now);
            run.Add(VerificationCheck.Skipped(VerificationChecks.Status, "not checked for an unsigned credential"));
            return run.Verdict("di");
        }

        var ecdsa = proofs.Where(p => Text(p["cryptosuite"]) == EcdsaJcs2019.Cryptosuite).ToList();
        var sm2 = proofs.Where(p => Text(p["cryptosuite"]) == Sm2Jcs.Cryptosuite).ToList();
        if (ecdsa.Count == 0)
        {
            var suites = string.Join(", ", proofs.Select(p => Text(p["cryptosuite"]) ?? Text(p["type"]) ?? "?"));
            run.Add(VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofUnsupported,
                $"no ecdsa-jcs-2019 proof (found: {suites}); Shuqiao verifies DataIntegrityProof with ecdsa-jcs-2019", suites));
            run.Add(VerificationCheck.Skipped(VerificationChecks.Signature, "no supported proof"));
            await CheckIssuerAsync(run, issuerDid, cancellationToken);
            CheckValidity(run, unsecured, now);
            run.Add(VerificationCheck.Skipped(VerificationChecks.Status, "not checked without a verified signature"));
            return run.Verdict("di");
        }

        var issuer = await issuers.FindAsync(issuerDid, cancellationToken);
        var proofOk = true;
        var signatureOk = true;
        foreach (var proof in ecdsa)
        {
            var (structure, signature) = CheckEcdsaProof(unsecured, proof, issuerDid, issuer);
            if (structure.Outcome != CheckOutcome.Passed && proofOk)
            {
                run.Add(structure);
                proofOk = false;
            }

            if (signature is not null && signature.Outcome == CheckOutcome.Failed && signatureOk)
            {
                run.Add(signature.Code == VerificationCodes.SignatureInvalid ? await DiagnoseAsync(unsecured, signature, cancellationToken) : signature);
                signatureOk = false;
            }
        }

        if (proofOk)
        {
            run.Add(VerificationCheck.Passed(VerificationChecks.Proof, $"DataIntegrityProof, ecdsa-jcs-2019, assertionMethod, key of the issuer{(sm2.Count > 0 ? "; with an SM2 proof" : "")}"));
        }

        if (proofOk && signatureOk)
        {
            run.Add(VerificationCheck.Passed(VerificationChecks.Signature, "the ECDSA P-256 signature over the credential verifies"));
        }
        else if (!proofOk && signatureOk)
        {
            signatureOk = false;
            run.Add(VerificationCheck.Skipped(VerificationChecks.Signature, "not checked: the proof is not acceptable"));
        }

        run.Add(CheckNational(unsecured, sm2, issuer));
        run.Add(IssuerCheck(issuerDid, issuer));
        CheckValidity(run, unsecured, now);
        await CheckStatusAsync(run, unsecured, issuerDid, issuer, signatureOk, now, cancellationToken);
        return run.Verdict("di");
    }

    private async Task<VerificationVerdict> VerifyJwtAsync(Run run, string jwt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!VcJwt.TryParse(jwt, out var parts, out var error))
        {
            return run.Verdict("vc+jwt", VerificationCheck.Failed(VerificationChecks.Input, VerificationCodes.InputMalformed, "not a well-formed JWT: " + error));
        }

        run.Add(VerificationCheck.Passed(VerificationChecks.Input, "a vc+jwt (VC-JOSE)"));
        var credential = (JsonObject)parts.Payload.DeepClone();
        credential.Remove("proof");
        run.Summary = Summarize(credential);
        if (!CheckShape(run, credential, out var issuerDid))
        {
            return run.Verdict("vc+jwt");
        }

        var alg = Text(parts.Header["alg"]);
        var typ = Text(parts.Header["typ"]);
        var kid = Text(parts.Header["kid"]);
        var issuer = await issuers.FindAsync(issuerDid, cancellationToken);
        VerificationCheck structure;
        ECDsa? key = null;
        if (alg != "ES256")
        {
            structure = VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofUnsupported, $"JWS algorithm '{alg}' is not supported; Shuqiao verifies ES256", alg ?? "");
        }
        else if (typ is not (null or "vc+jwt" or "vc+ld+json+jwt"))
        {
            structure = VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofUnsupported, $"JWT type '{typ}' is not vc+jwt", typ);
        }
        else
        {
            var method = kid is null ? null : kid.StartsWith('#') ? issuerDid + kid : kid;
            if (method is null && issuerDid.StartsWith("did:key:", StringComparison.Ordinal))
            {
                method = issuerDid; // a did:key names its only key
            }

            structure = ResolveKey(method, issuerDid, issuer, out key);
        }

        run.Add(structure);
        var signatureOk = false;
        if (structure.Outcome != CheckOutcome.Passed)
        {
            run.Add(VerificationCheck.Skipped(VerificationChecks.Signature, "not checked: the proof is not acceptable"));
        }
        else
        {
            using (key)
            {
                signatureOk = VcJwt.VerifySignature(parts, key!);
            }

            run.Add(signatureOk
                ? VerificationCheck.Passed(VerificationChecks.Signature, "the ES256 signature of the JWT verifies")
                : await DiagnoseAsync(credential, VerificationCheck.Failed(VerificationChecks.Signature, VerificationCodes.SignatureInvalid, "the ES256 signature does not verify"), cancellationToken));
        }

        run.Add(VerificationCheck.NotApplicable(VerificationChecks.NationalSignature, "a vc+jwt carries no SM2 proof"));
        run.Add(IssuerCheck(issuerDid, issuer));
        CheckValidity(run, credential, now);
        await CheckStatusAsync(run, credential, issuerDid, issuer, signatureOk, now, cancellationToken);
        return run.Verdict("vc+jwt");
    }

    private static bool CheckShape(Run run, JsonObject credential, out string issuerDid)
    {
        issuerDid = "";
        var context = credential["@context"];
        var contexts = context is JsonArray array ? array.ToList() : context is null ? [] : [context];
        if (contexts.Count == 0 || Text(contexts[0]) != CredentialContexts.V2)
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Context, VerificationCodes.ContextInvalid,
                $"the first @context must be {CredentialContexts.V2} (a VC 2.0 credential)"));
            return false;
        }

        var unknown = contexts.Select(c => Text(c) ?? c?.ToJsonString() ?? "null").Where(c => !CredentialContexts.Known.Contains(c)).ToArray();
        if (unknown.Length > 0)
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Context, VerificationCodes.ContextUnknown,
                $"unknown @context {string.Join(", ", unknown)}: contexts are never fetched, only the bundled ones are accepted", unknown));
            return false;
        }

        run.Add(VerificationCheck.Passed(VerificationChecks.Context, "VC 2.0 context"));
        var types = credential["type"] is JsonArray t ? t.Select(Text).ToList() : [Text(credential["type"])];
        var issuer = credential["issuer"] is JsonObject issuerObject ? Text(issuerObject["id"]) : Text(credential["issuer"]);
        if (!types.Contains("VerifiableCredential") || issuer is null || credential["credentialSubject"] is not (JsonObject or JsonArray))
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.CredentialInvalid,
                "not a verifiable credential: type VerifiableCredential, an issuer and a credentialSubject are required"));
            return false;
        }

        issuerDid = issuer;
        return true;
    }

    private static (VerificationCheck Structure, VerificationCheck? Signature) CheckEcdsaProof(JsonObject unsecured, JsonObject proof, string issuerDid, IssuerRecord? issuer)
    {
        if (Text(proof["type"]) != DataIntegrity.ProofType)
        {
            return (VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofUnsupported, $"proof type '{Text(proof["type"])}' is not DataIntegrityProof"), null);
        }

        if (Text(proof["proofPurpose"]) != "assertionMethod")
        {
            return (VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofPurpose,
                $"the proof's purpose is '{Text(proof["proofPurpose"])}', not assertionMethod"), null);
        }

        var structure = ResolveKey(Text(proof["verificationMethod"]), issuerDid, issuer, out var key);
        if (structure.Outcome != CheckOutcome.Passed)
        {
            return (structure, null);
        }

        using (key)
        {
            if (!DataIntegrity.TryPrepareVerification(unsecured, proof, EcdsaJcs2019.Instance, out var hashData, out var signature, out var error))
            {
                return (VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofMalformed, error!), null);
            }

            return EcdsaJcs2019.Verify(key!, hashData, signature)
                ? (structure, VerificationCheck.Passed(VerificationChecks.Signature, "verified"))
                : (structure, VerificationCheck.Failed(VerificationChecks.Signature, VerificationCodes.SignatureInvalid, "the ECDSA signature does not verify"));
        }
    }

    /// <summary>
    /// The P-256 key of a verification method, which must belong to the issuer: a did:key carries its key; another
    /// DID's keys come from the issuer directory.
    /// </summary>
    private static VerificationCheck ResolveKey(string? method, string issuerDid, IssuerRecord? issuer, out ECDsa? key)
    {
        key = null;
        if (method is null)
        {
            return VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofMalformed, "the proof names no verification method");
        }

        var controller = method.Split('#')[0];
        if (controller != issuerDid)
        {
            return VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofKeyMismatch,
                $"the proof was made with a key of {controller}, not of the issuer {issuerDid}", controller, issuerDid);
        }

        PublicKeyInfo? publicKey = null;
        if (Multikey.TryParseDidKey(method, out var didKey))
        {
            publicKey = didKey;
        }
        else if (issuer?.Keys.FirstOrDefault(k => k.VerificationMethod == method) is { } bound)
        {
            publicKey = bound.Key;
        }

        if (publicKey is null || publicKey.Algorithm != KeyAlgorithm.P256 || !Multikey.TryCreateP256Verifier(publicKey, out var ecdsa))
        {
            return VerificationCheck.Failed(VerificationChecks.Proof, VerificationCodes.ProofKeyUnresolvable,
                $"the key {method} is not a P-256 did:key and not a known key of a trusted issuer", method);
        }

        key = ecdsa;
        return VerificationCheck.Passed(VerificationChecks.Proof, "the proof uses the issuer's key");
    }

    private VerificationCheck CheckNational(JsonObject unsecured, List<JsonObject> proofs, IssuerRecord? issuer)
    {
        if (proofs.Count == 0)
        {
            return VerificationCheck.NotApplicable(VerificationChecks.NationalSignature, "no SM2 proof");
        }

        if (national is null)
        {
            return VerificationCheck.Skipped(VerificationChecks.NationalSignature, "this verifier has no SM2/SM3 implementation");
        }

        var suite = new Sm2Jcs(national);
        foreach (var proof in proofs)
        {
            var method = Text(proof["verificationMethod"]);
            if (!Multikey.TryParseDidKey(method, out var key) || key.Algorithm != KeyAlgorithm.Sm2)
            {
                return VerificationCheck.Failed(VerificationChecks.NationalSignature, VerificationCodes.NationalKeyMismatch, $"'{method}' is not an SM2 did:key");
            }

            if (issuer is null)
            {
                return VerificationCheck.Skipped(VerificationChecks.NationalSignature, "the issuer is not known, so its SM2 key cannot be confirmed");
            }

            if (!issuer.Keys.Any(k => k.Key.Algorithm == KeyAlgorithm.Sm2 && k.Key.CompressedPoint.AsSpan().SequenceEqual(key.CompressedPoint)))
            {
                return VerificationCheck.Failed(VerificationChecks.NationalSignature, VerificationCodes.NationalKeyMismatch,
                    "the SM2 proof's key is not a registered SM2 key of the issuer");
            }

            if (!DataIntegrity.TryPrepareVerification(unsecured, proof, suite, out var hashData, out var signature, out var error) ||
                !national.Sm2Verify(key, hashData, signature))
            {
                return VerificationCheck.Failed(VerificationChecks.NationalSignature, VerificationCodes.NationalSignatureInvalid,
                    "the SM2/SM3 signature does not verify" + (error is null ? "" : ": " + error));
            }
        }

        return VerificationCheck.Passed(VerificationChecks.NationalSignature, "the SM2/SM3 (国密) signature verifies");
    }

    private async Task CheckIssuerAsync(Run run, string issuerDid, CancellationToken cancellationToken) =>
        run.Add(IssuerCheck(issuerDid, await issuers.FindAsync(issuerDid, cancellationToken)));

    private static VerificationCheck IssuerCheck(string issuerDid, IssuerRecord? issuer) => issuer is null
        ? VerificationCheck.Failed(VerificationChecks.Issuer, VerificationCodes.IssuerUntrusted,
            $"the issuer {issuerDid} is neither an issuing organization of this node nor on its trust list", issuerDid)
        : issuer.Source == IssuerSource.Unchecked
        ? VerificationCheck.Skipped(VerificationChecks.Issuer, $"no trust list was given, so whether {issuerDid} is trusted was not checked")
        : VerificationCheck.Passed(VerificationChecks.Issuer,
            issuer.Source == IssuerSource.Local ? $"{issuer.Name}, an issuing organization of this node" : $"{issuer.Name}, on the trust list (跨省互认)");

    private static void CheckValidity(Run run, JsonObject credential, DateTimeOffset now)
    {
        var from = Text(credential["validFrom"]);
        var until = Text(credential["validUntil"]);
        DateTimeOffset start = default, end = default;
        if ((from is not null && !Timestamps.TryParse(from, out start)) || (until is not null && !Timestamps.TryParse(until, out end)))
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Validity, VerificationCodes.CredentialInvalid, "validFrom or validUntil is not a date-time with a time zone"));
            return;
        }

        if (from is not null && now < start)
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Validity, VerificationCodes.ValidityNotYetValid, $"valid only from {from}", from));
        }
        else if (until is not null && now > end)
        {
            run.Add(VerificationCheck.Failed(VerificationChecks.Validity, VerificationCodes.ValidityExpired, $"expired at {until}", until));
        }
        else
        {
            run.Add(VerificationCheck.Passed(VerificationChecks.Validity, until is null ? "valid without an end (长期)" : $"valid until {until}"));
        }
    }

    private async Task CheckStatusAsync(Run run, JsonObject credential, string issuerDid, IssuerRecord? issuer, bool signatureOk, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = credential["credentialStatus"] switch
        {
            JsonObject one => [one],
            JsonArray many => many.OfType<JsonObject>().ToList(),
            _ => new List<JsonObject>(),
        };
        entries = entries.Where(e => Text(e["type"]) == "BitstringStatusListEntry").ToList();
        if (entries.Count == 0)
        {
            run.Add(VerificationCheck.NotApplicable(VerificationChecks.Status, "the credential has no status list entry"));
            return;
        }

        if (!signatureOk || issuer is null)
        {
            run.Add(VerificationCheck.Skipped(VerificationChecks.Status, "not fetched: the signature or the issuer did not check out"));
            return;
        }

        if (statusLists is null)
        {
            run.Add(VerificationCheck.Skipped(VerificationChecks.Status, "this verifier cannot fetch status lists"));
            return;
        }

        var lists = new Dictionary<string, (BitstringStatusList? List, string Purpose, VerificationCheck? Error)>(StringComparer.Ordinal);
        var notes = new List<string>();
        foreach (var entry in entries)
        {
            var purpose = Text(entry["statusPurpose"]);
            var url = Text(entry["statusListCredential"]);
            if (purpose is not ("revocation" or "suspension"))
            {
                continue; // refresh, message and other purposes change nothing about validity
            }

            if (url is null || !int.TryParse(Text(entry["statusListIndex"]), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                run.Add(VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusListInvalid, "a status entry lacks its list or index"));
                return;
            }

            if (!lists.TryGetValue(url, out var loaded))
            {
                loaded = await LoadListAsync(url, purpose, issuerDid, issuer, now, cancellationToken);
                lists[url] = loaded;
            }

            if (loaded.Error is not null)
            {
                run.Add(loaded.Error);
                return;
            }

            if (loaded.Purpose != purpose || index >= loaded.List!.Length)
            {
                run.Add(VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusListInvalid,
                    $"the status list {url} does not match the entry (purpose {loaded.Purpose}, {loaded.List?.Length} entries)", url));
                return;
            }

            if (loaded.List[index])
            {
                run.Add(purpose == "revocation"
                    ? VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusRevoked, "the issuer has revoked this credential", url)
                    : VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusSuspended, "the issuer has suspended this credential", url));
                return;
            }

            notes.Add(purpose == "revocation" ? "not revoked" : "not suspended");
        }

        run.Add(notes.Count == 0
            ? VerificationCheck.NotApplicable(VerificationChecks.Status, "no revocation or suspension entry")
            : VerificationCheck.Passed(VerificationChecks.Status, string.Join(", ", notes) + " (status list fetched now)"));
    }

    private async Task<(BitstringStatusList? List, string Purpose, VerificationCheck? Error)> LoadListAsync(
        string url, string purpose, string issuerDid, IssuerRecord issuer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        VerificationCheck Invalid(string reason) => VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusListInvalid, reason, url);

        var fetched = await statusLists!.FetchAsync(url, issuer, cancellationToken);
        if (fetched.Json is null)
        {
            return (null, purpose, VerificationCheck.Failed(VerificationChecks.Status, VerificationCodes.StatusUnavailable,
                $"the status list {url} could not be fetched: {fetched.Error}", url));
        }

        JsonObject? list;
        try
        {
            list = JsonNode.Parse(fetched.Json, documentOptions: Jcs.ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            list = null;
        }

        if (list is null)
        {
            return (null, purpose, Invalid($"the status list {url} is not JSON"));
        }

        var types = list["type"] is JsonArray t ? t.Select(Text).ToList() : [];
        var listIssuer = list["issuer"] is JsonObject io ? Text(io["id"]) : Text(list["issuer"]);
        if (!types.Contains("BitstringStatusListCredential") || listIssuer != issuerDid)
        {
            return (null, purpose, Invalid($"{url} is not a BitstringStatusListCredential of the credential's issuer"));
        }

        var unsecured = (JsonObject)list.DeepClone();
        var proof = unsecured["proof"] as JsonObject;
        unsecured.Remove("proof");
        if (proof is null || Text(proof["cryptosuite"]) != EcdsaJcs2019.Cryptosuite)
        {
            return (null, purpose, Invalid($"the status list {url} has no ecdsa-jcs-2019 proof"));
        }

        var (structure, signature) = CheckEcdsaProof(unsecured, proof, issuerDid, issuer);
        if (structure.Outcome != CheckOutcome.Passed || signature?.Outcome != CheckOutcome.Passed)
        {
            return (null, purpose, Invalid($"the status list's proof does not verify ({(signature ?? structure).Reason})"));
        }

        if (Text(list["validUntil"]) is { } until && Timestamps.TryParse(until, out var end) && now > end)
        {
            return (null, purpose, Invalid($"the status list {url} expired at {until}"));
        }

        var subject = list["credentialSubject"] as JsonObject;
        var listPurpose = Text(subject?["statusPurpose"]) ?? "";
        if (!BitstringStatusList.TryDecode(Text(subject?["encodedList"]), out var bits))
        {
            return (null, purpose, Invalid($"the status list {url} has no valid encodedList (multibase base64url GZIP, ≥ 131,072 bits)"));
        }

        return (bits, listPurpose, null);
    }

    private async Task<VerificationCheck> DiagnoseAsync(JsonObject presented, VerificationCheck failed, CancellationToken cancellationToken)
    {
        if (registry is null || Text(presented["id"]) is not { } id || await registry.FindIssuedAsync(id, cancellationToken) is not { } issued)
        {
            return failed;
        }

        var changes = new List<string>();
        JsonDiff.Collect(issued, presented, "", changes);
        return changes.Count > 0
            ? VerificationCheck.Failed(VerificationChecks.Signature, VerificationCodes.CredentialAltered,
                $"the content differs from the credential this node issued: {string.Join(", ", changes.Take(10))} changed", [.. changes.Take(20)])
            : VerificationCheck.Failed(VerificationChecks.Signature, VerificationCodes.SignatureInvalid,
                "the content is exactly as issued, but the signature bytes were altered");
    }

    private static CredentialSummary Summarize(JsonObject credential)
    {
        var subject = credential["credentialSubject"] as JsonObject;
        var claims = new List<KeyValuePair<string, string>>();
        if (subject?["claims"] is JsonArray array)
        {
            foreach (var claim in array.OfType<JsonObject>().Take(50))
            {
                var value = claim["value"] is JsonValue v ? (Text(v) ?? v.ToJsonString()) : claim["value"]?.ToJsonString() ?? "";
                claims.Add(new(Text(claim["label"]) ?? Text(claim["name"]) ?? "?", value));
            }
        }

        var issuer = credential["issuer"];
        return new CredentialSummary(
            Text(credential["id"]),
            Text(credential["name"]),
            issuer is JsonObject io ? Text(io["id"]) : Text(issuer),
            issuer is JsonObject named ? Text(named["name"]) : null,
            Text(credential["validFrom"]),
            Text(credential["validUntil"]),
            Text(subject?["licenceIdentifier"]),
            Text(subject?["licenceNumber"]),
            Text(subject?["holderName"]),
            Text(subject?["holderCode"]),
            Text(subject?["holderCodeType"]),
            claims);
    }

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string FirstLine(string message) => message.Split('\n')[0];

    private sealed class Run
    {
        private readonly List<VerificationCheck> _checks = [];

        public CredentialSummary? Summary { get; set; }

        public void Add(VerificationCheck check) => _checks.Add(check);

        public VerificationVerdict Verdict(string format, VerificationCheck? last = null)
        {
            if (last is not null)
            {
                _checks.Add(last);
            }

            // Every check appears once, in order; those never reached are listed as skipped.
            var ordered = new List<VerificationCheck>();
            foreach (var name in VerificationChecks.All)
            {
                var check = _checks.FirstOrDefault(c => c.Check == name);
                ordered.Add(check ?? VerificationCheck.Skipped(name, "not reached"));
            }

            return new VerificationVerdict(format, ordered, Summary);
        }
    }
}

/// <summary>The paths at which two JSON documents differ (e.g. <c>credentialSubject.holderName</c>).</summary>
internal static class JsonDiff
{
    public static void Collect(JsonNode? expected, JsonNode? actual, string path, List<string> changes)
    {
        if (changes.Count >= 50)
        {
            return;
        }

        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    Collect(e[name], a[name], path.Length == 0 ? name : path + "." + name, changes);
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count == a.Count:
                for (var i = 0; i < e.Count; i++)
                {
                    Collect(e[i], a[i], $"{path}[{i}]", changes);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    changes.Add(path.Length == 0 ? "(document)" : path);
                }

                break;
        }
    }
}
