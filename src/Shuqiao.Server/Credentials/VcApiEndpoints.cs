using Shuqiao.Core.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>VC-API issue request: the credential to issue (a licence: see docs/credentials.md) and options.</summary>
public sealed record IssueCredentialRequest(JsonObject? Credential, JsonObject? Options);

/// <summary>One check in a verification result, as Shuqiao reports it.</summary>
public sealed record VerificationCheckResponse(string Check, CheckOutcome Outcome, string? Code, string Reason, IReadOnlyList<string> Details);

/// <summary>A problem in the VC 2.0 (§7.1) / VC-API shape.</summary>
public sealed record ProblemDetail(string Type, string Title, string Detail, string Code);

/// <summary>
/// The VC-API verification result: <c>verified</c>, <c>checks</c> (the checks that passed), <c>warnings</c> and
/// <c>errors</c> as text, <c>problemDetails</c> with VC 2.0 error types, and Shuqiao's per-check <c>results</c> with
/// a stable <c>code</c> for each failure (<c>failureCode</c> is the first).
/// </summary>
public sealed record VerificationResponse(
    bool Verified,
    string Format,
    IReadOnlyList<string> Checks,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors,
    IReadOnlyList<ProblemDetail> ProblemDetails,
    string? FailureCode,
    IReadOnlyList<VerificationCheckResponse> Results,
    CredentialSummary? Credential)
{
    public static VerificationResponse Of(VerificationVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new(
            verdict.Verified,
            verdict.Format,
            verdict.Checks.Where(c => c.Outcome == CheckOutcome.Passed).Select(c => c.Check).ToList(),
            verdict.Checks.Where(c => c.Outcome == CheckOutcome.Skipped).Select(c => $"{c.Check}: {c.Reason}").ToList(),
            verdict.Failures.Select(c => $"{c.Check}: {c.Reason}").ToList(),
            verdict.Failures.Select(Problem).ToList(),
            verdict.FailureCode,
            verdict.Checks.Select(c => new VerificationCheckResponse(c.Check, c.Outcome, c.Code, c.Reason, c.Details)).ToList(),
            verdict.Credential);
    }

    // VC Data Model 2.0 §7.1: the four error types it defines; the rest are Shuqiao's own, named by code.
    private static ProblemDetail Problem(VerificationCheck c)
    {
        var type = c.Code switch
        {
            VerificationCodes.InputMalformed => "https://www.w3.org/TR/vc-data-model#PARSING_ERROR",
            VerificationCodes.InputTooLarge => "https://www.w3.org/TR/vc-data-model#RANGE_ERROR",
            VerificationCodes.CredentialInvalid or VerificationCodes.ContextInvalid or VerificationCodes.ContextUnknown => "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR",
            VerificationCodes.SignatureInvalid or VerificationCodes.CredentialAltered or VerificationCodes.ProofKeyMismatch or VerificationCodes.ProofKeyUnresolvable
                or VerificationCodes.ProofMalformed or VerificationCodes.ProofMissing or VerificationCodes.ProofPurpose or VerificationCodes.ProofUnsupported
                or VerificationCodes.NationalKeyMismatch or VerificationCodes.NationalSignatureInvalid => "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR",
            _ => "urn:shuqiao:verification:" + c.Code,
        };
        return new ProblemDetail(type, c.Check, c.Reason, c.Code ?? "");
    }
}

public sealed record PresentationVerificationResponse(bool Verified, VerificationCheckResponse Presentation, IReadOnlyList<VerificationResponse> Credentials, IReadOnlyList<string> Errors);

/// <summary>
/// The W3C VC-API endpoints of the node: issue (a department's API client or steward), verify credentials and
/// presentations (anyone), status lists (anyone), and the published trust list (anyone).
/// </summary>
public static class VcApiEndpoints
{
    // The verify endpoints read their body themselves (any content type: JSON, a vc+jwt as text, or garbage, which
    // gets a verdict rather than a 415), so they declare no Accepts metadata, which routing would enforce.
    public static IEndpointRouteBuilder MapVcApiEndpoints(this IEndpointRouteBuilder routes)
    {
        var credentials = routes.MapGroup("/credentials").WithTags("VC-API");
        credentials.MapPost("/issue", Issue).WithName("IssueCredential").RequireAuthorization(Policies.Api, Policies.LicenceIssuers);
        credentials.MapPost("/verify", Verify).WithName("VerifyCredential").AllowAnonymous().DisableAntiforgery()
            .Produces<VerificationResponse>().Produces<VerificationResponse>(StatusCodes.Status400BadRequest);
        credentials.MapGet("/status/{list:guid}", Status).WithName("GetStatusList").AllowAnonymous();
        credentials.MapGet("/trust-list", TrustList).WithName("GetPublishedTrustList").AllowAnonymous();
        routes.MapPost("/presentations/verify", VerifyPresentation).WithTags("VC-API").WithName("VerifyPresentation").AllowAnonymous().DisableAntiforgery()
            .Produces<PresentationVerificationResponse>().Produces<PresentationVerificationResponse>(StatusCodes.Status400BadRequest);
        return routes;
    }

    /// <summary>
    /// VC-API issue: the credential's credentialSubject names the licence type (<c>licenceTypeCode</c>), the holder
    /// (<c>holderName</c>, <c>holderCode</c>) and the <c>claims</c>; the node adds the issuer, identifiers, status and
    /// proofs. <c>options.format</c> "vc+jwt" returns the credential enveloped as vc+jwt.
    /// </summary>
    private static async Task<Results<Created<JsonObject>, ProblemHttpResult>> Issue(
        IssueCredentialRequest request, LicenceService service, NodeAddress node, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = request.Credential?["credentialSubject"] as JsonObject;
        if (subject is null)
        {
            return Problems.Invalid("credential.credentialSubject", "is required: licenceTypeCode, holderName, holderCode and claims");
        }

        var claims = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (subject["claims"])
        {
            case JsonObject byName:
                foreach (var (name, value) in byName)
                {
                    claims[name] = Scalar(value);
                }

                break;
            case JsonArray list:
                foreach (var item in list.OfType<JsonObject>())
                {
                    if (Scalar(item["name"]) is { } name)
                    {
                        claims[name] = Scalar(item["value"]);
                    }
                }

                break;
        }

        var outcome = await service.IssueAsync(
            new IssueLicenceRequest(Scalar(subject["licenceTypeCode"]), Scalar(subject["holderName"]), Scalar(subject["holderCode"]), claims,
                Scalar(subject["licenceNumber"]), Scalar(subject["validityStart"]), Scalar(subject["validityEnd"])),
            LicenceScope.Of(context.User), node.BaseUrl(context), context.ToActor(), cancellationToken);
        if (outcome.Value is not { } licence)
        {
            return Problems.From(outcome.Failure!);
        }

        var format = Scalar(request.Options?["format"]);
        var credential = format == "vc+jwt" ? VcJwt.Envelope(licence.CredentialJwt) : CredentialJsonText.Parse(licence.CredentialJson);
        return TypedResults.Created($"/api/v1/licences/{licence.Id}", new JsonObject { ["verifiableCredential"] = credential });
    }

    /// <summary>
    /// VC-API verify. The body is <c>{"verifiableCredential": …, "options": {…}}</c> (the credential as JSON, or a
    /// vc+jwt string), or the credential itself, or a compact vc+jwt as text. 200 when verified, 400 otherwise, with
    /// the same result body; a body that is not JSON is a 400 result with code input.malformed, never an error page.
    /// </summary>
    private static async Task<Results<Ok<VerificationResponse>, BadRequest<VerificationResponse>>> Verify(VerificationService service, HttpContext context, CancellationToken cancellationToken)
    {
        var (text, oversized) = await ReadBodyAsync(context, service.MaxCredentialBytes, cancellationToken);
        VerificationVerdict verdict;
        if (oversized)
        {
            verdict = CredentialVerifier.TooLarge(service.MaxCredentialBytes);
        }
        else if (TryParseObject(text) is { } body && body.ContainsKey("verifiableCredential"))
        {
            verdict = await service.VerifyAsync(body["verifiableCredential"], VerificationChannel.Api, context, cancellationToken);
        }
        else
        {
            verdict = await service.VerifyAsync(text, VerificationChannel.Api, context, cancellationToken);
        }

        var response = VerificationResponse.Of(verdict);
        return verdict.Verified ? TypedResults.Ok(response) : TypedResults.BadRequest(response);
    }

    private static async Task<Results<Ok<PresentationVerificationResponse>, BadRequest<PresentationVerificationResponse>>> VerifyPresentation(
        VerificationService service, HttpContext context, CancellationToken cancellationToken)
    {
        var (text, oversized) = await ReadBodyAsync(context, service.MaxCredentialBytes * 4, cancellationToken);
        var body = oversized ? null : TryParseObject(text);
        var presentation = body?["verifiablePresentation"];
        var options = body?["options"] as JsonObject;
        var verdict = await service.VerifyPresentationAsync(presentation, Scalar(options?["challenge"]), Scalar(options?["domain"]), context, cancellationToken);
        var p = verdict.Presentation;
        var response = new PresentationVerificationResponse(
            verdict.Verified,
            new VerificationCheckResponse(p.Check, p.Outcome, oversized ? VerificationCodes.InputTooLarge : p.Code, oversized ? "the presentation is too large" : p.Reason, p.Details),
            verdict.Credentials.Select(VerificationResponse.Of).ToList(),
            [.. (p.Outcome == CheckOutcome.Failed ? new[] { p.Reason } : []), .. verdict.Credentials.SelectMany(c => c.Failures.Select(f => $"{c.CredentialId}: {f.Check}: {f.Reason}"))]);
        return verdict.Verified ? TypedResults.Ok(response) : TypedResults.BadRequest(response);
    }

    /// <summary>
    /// A Bitstring Status List credential, signed on every request from the licences' current statuses. no-cache:
    /// a verifier (or a cache in between) must come back for every check, so a revocation takes effect at once.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Status(Guid list, StatusListService service, NodeAddress node, HttpContext context, CancellationToken cancellationToken)
    {
        var built = await service.BuildAsync(list, node.BaseUrl(context), cancellationToken);
        if (built is not { } signed)
        {
            return Problems.NotFound("The status list");
        }

        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Content(signed.Credential.ToJsonString(), "application/vc+ld+json; charset=utf-8");
    }

    private static async Task<Ok<PublishedTrustList>> TrustList(TrustListService service, NodeAddress node, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.PublishAsync(node.BaseUrl(context), cancellationToken));

    private static async Task<(string Text, bool Oversized)> ReadBodyAsync(HttpContext context, int maxCredentialBytes, CancellationToken cancellationToken)
    {
        // Room for the VC-API wrapper and options around the credential itself.
        var limit = maxCredentialBytes + 16 * 1024;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return ("", true);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return (new UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length), false);
        }
        catch (DecoderFallbackException)
        {
            return ("\u0000not UTF-8", false);
        }
    }

    private static JsonObject? TryParseObject(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: Jcs.ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => null,
        }
        : null;
}
