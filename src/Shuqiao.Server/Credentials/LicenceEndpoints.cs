using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>/api/v1/licences: issued licences of the caller's organization (all of them for a PlatformAdmin).</summary>
public static class LicenceEndpoints
{
    private static readonly string[] CsvMediaTypes = ["text/csv", "application/csv", "text/plain"];

    public static IEndpointRouteBuilder MapLicenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/licences").WithTags("Licences").RequireAuthorization(Policies.Api, Policies.LicenceIssuers);
        group.MapGet("/", List).WithName("ListLicences");
        group.MapGet("/{id:guid}", Get).WithName("GetLicence");
        group.MapGet("/{id:guid}/credential", Credential).WithName("GetLicenceCredential");
        group.MapGet("/{id:guid}/jwt", Jwt).WithName("GetLicenceJwt");
        group.MapGet("/{id:guid}/verifications", Verifications).WithName("ListLicenceVerifications");
        group.MapPost("/", Issue).WithName("IssueLicence");
        group.MapPost("/bulk", Bulk).WithName("IssueLicencesInBulk").Accepts<string>("text/csv", "application/csv", "text/plain");
        group.MapPost("/{id:guid}/revoke", Revoke).WithName("RevokeLicence");
        group.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendLicence");
        group.MapPost("/{id:guid}/reinstate", Reinstate).WithName("ReinstateLicence");
        return routes;
    }

    private static async Task<Results<Ok<Page<LicenceResponse>>, ProblemHttpResult>> List(
        LicenceService service, HttpContext context, Guid? typeId, string? status, string? holderCode, string? search, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Problems.Invalid("cursor", "is not a cursor this API returned");
        }

        LicenceStatus? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<LicenceStatus>(status, true, out var parsed) || status.All(char.IsAsciiDigit))
            {
                return Problems.Invalid("status", $"'{status}' is not a status; use Active, Suspended or Revoked");
            }

            statusFilter = parsed;
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var rows = await service.ListAsync(new LicenceQuery(LicenceScope.Of(context.User).OrganizationId, typeId, statusFilter, holderCode?.Trim().ToUpperInvariant(), search, after, size + 1), cancellationToken);
        return TypedResults.Ok(Cursor.PageOf(rows, size, l => l.Id.ToString(), LicenceResponse.Of));
    }

    private static async Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> Get(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.FindAsync(id, LicenceScope.Of(context.User), cancellationToken) is { } licence
            ? TypedResults.Ok(LicenceResponse.Of(licence))
            : Problems.NotFound("The licence");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Credential(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.FindAsync(id, LicenceScope.Of(context.User), cancellationToken) is { } licence
            ? TypedResults.Content(licence.CredentialJson, "application/vc+ld+json; charset=utf-8")
            : Problems.NotFound("The licence");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Jwt(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.FindAsync(id, LicenceScope.Of(context.User), cancellationToken) is { } licence
            ? TypedResults.Content(licence.CredentialJwt, VcJwt.MediaType)
            : Problems.NotFound("The licence");

    private static async Task<Results<Ok<IReadOnlyList<VerificationRecordResponse>>, ProblemHttpResult>> Verifications(
        Guid id, LicenceService service, VerificationRecordStore records, HttpContext context, CancellationToken cancellationToken)
    {
        if (await service.FindAsync(id, LicenceScope.Of(context.User), cancellationToken) is null)
        {
            return Problems.NotFound("The licence");
        }

        var list = await records.ListAsync([id], 200, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<VerificationRecordResponse>>(list.Select(VerificationRecordResponse.Of).ToList());
    }

    private static async Task<Results<Created<LicenceResponse>, ProblemHttpResult>> Issue(
        IssueLicenceRequest request, LicenceService service, NodeAddress node, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.IssueAsync(request, LicenceScope.Of(context.User), node.BaseUrl(context), context.ToActor(), cancellationToken);
        return outcome.Value is { } licence
            ? TypedResults.Created($"/api/v1/licences/{licence.Id}", LicenceResponse.Of(licence))
            : Problems.From(outcome.Failure!);
    }

    /// <summary>Issues one licence per CSV row (docs/credentials.md), all or nothing; <c>typeId</c> names the type.</summary>
    private static async Task<Results<Ok<BulkIssueResponse>, ProblemHttpResult>> Bulk(
        Guid? typeId, string? charset, LicenceService service, NodeAddress node, HttpContext context, CancellationToken cancellationToken)
    {
        if (typeId is null)
        {
            return Problems.Invalid("typeId", "is required (the licence type the rows are issued under)");
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType) ||
            !CsvMediaTypes.Contains(contentType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(title: "The request body must be a CSV file.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, cancellationToken);
        var declared = contentType.Charset.HasValue ? contentType.Charset.Value : null;
        var outcome = await service.IssueBulkAsync(typeId.Value, body.GetBuffer().AsMemory(0, (int)body.Length), charset ?? declared, LicenceScope.Of(context.User), node.BaseUrl(context), context.ToActor(), cancellationToken);
        if (outcome.Succeeded)
        {
            return TypedResults.Ok(new BulkIssueResponse(outcome.Issued.Count, outcome.Issued.Select(LicenceResponse.Of).ToList()));
        }

        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        var extensions = new Dictionary<string, object?>
        {
            ["rowErrors"] = outcome.Issues.Select(i => new { row = i.Row, field = i.Issue.Field, reason = i.Issue.Reason }).ToList(),
        };
        return TypedResults.Problem(
            title: "No licence was issued. Correct every listed row and send the whole file again.",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: extensions);
    }

    private static Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> Revoke(Guid id, LicenceStatusRequest request, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        Respond(service.RevokeAsync(id, request?.Reason, LicenceScope.Of(context.User), context.ToActor(), cancellationToken));

    private static Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> Suspend(Guid id, LicenceStatusRequest request, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        Respond(service.SuspendAsync(id, request?.Reason, LicenceScope.Of(context.User), context.ToActor(), cancellationToken));

    private static Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> Reinstate(Guid id, LicenceStatusRequest? request, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        Respond(service.ReinstateAsync(id, request?.Reason, LicenceScope.Of(context.User), context.ToActor(), cancellationToken));

    private static async Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> Respond(Task<Core.Common.Outcome<Licence>> task)
    {
        var outcome = await task;
        return outcome.Value is { } licence ? TypedResults.Ok(LicenceResponse.Of(licence)) : Problems.From(outcome.Failure!);
    }
}
