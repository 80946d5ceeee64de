using Shuqiao.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations;

public sealed record OrganizationResponse(
    Guid Id, string Code, string Name, OrganizationLevel Level, Guid? ParentId, bool IsDataAuthority, OrganizationStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    public static OrganizationResponse Of(Organization o) =>
        new(o.Id, o.Code, o.Name, o.Level, o.ParentId, o.IsDataAuthority, o.Status, o.CreatedAt, o.UpdatedAt, o.Version);
}

public sealed record OrganizationTreeResponse(
    Guid Id, string Code, string Name, OrganizationLevel Level, bool IsDataAuthority, OrganizationStatus Status, IReadOnlyList<OrganizationTreeResponse> Children)
{
    public static OrganizationTreeResponse Of(OrganizationTreeNode node)
    {
        var o = node.Organization;
        return new(o.Id, o.Code, o.Name, o.Level, o.IsDataAuthority, o.Status, node.Children.Select(Of).ToList());
    }
}

/// <summary>What an import created: the total and the number per level (every level listed).</summary>
public sealed record OrganizationImportResponse(int Created, IReadOnlyDictionary<string, int> ByLevel);

/// <summary>One problem of an import file; rows count the header as row 1, as a spreadsheet shows them.</summary>
public sealed record ImportRowError(int Row, string Field, string Reason);

public static class OrganizationEndpoints
{
    private static readonly string[] CsvMediaTypes = ["text/csv", "application/csv", "text/plain"];

    public static IEndpointRouteBuilder MapOrganizationEndpoints(this IEndpointRouteBuilder routes)
    {
        var organizations = routes.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireAuthorization(Policies.Api);
        organizations.MapGet("/", List).WithName("ListOrganizations");
        organizations.MapGet("/tree", Tree).WithName("GetOrganizationTree");
        organizations.MapGet("/{id:guid}", Get).WithName("GetOrganization");
        organizations.MapGet("/by-code/{code}", GetByCode).WithName("GetOrganizationByCode");
        organizations.MapPost("/", Create).WithName("CreateOrganization").RequireAuthorization(Policies.PlatformAdmin);
        organizations.MapPut("/{id:guid}", Update).WithName("UpdateOrganization").RequireAuthorization(Policies.PlatformAdmin);
        organizations.MapPost("/{id:guid}/disable", Disable).WithName("DisableOrganization").RequireAuthorization(Policies.PlatformAdmin);
        organizations.MapPost("/{id:guid}/enable", Enable).WithName("EnableOrganization").RequireAuthorization(Policies.PlatformAdmin);
        organizations.MapPost("/import", Import).WithName("ImportOrganizations").RequireAuthorization(Policies.PlatformAdmin)
            .Accepts<string>("text/csv", "application/csv", "text/plain");
        return routes;
    }

    private static async Task<Results<Ok<Page<OrganizationResponse>>, ProblemHttpResult>> List(
        OrganizationService service, string? level, Guid? parentId, string? status, string? search, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Problems.Invalid("cursor", "is not a cursor this API returned");
        }

        OrganizationLevel? levelFilter = null;
        if (level is not null)
        {
            if (OrganizationRules.CheckLevel(level, out var parsed) is { } issue)
            {
                return Problems.Invalid("level", issue.Reason);
            }

            levelFilter = parsed;
        }

        if (!TryParseStatus(status, out var statusFilter))
        {
            return Problems.Invalid("status", $"'{status}' is not a status; use Active or Disabled");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var rows = await service.ListAsync(new OrganizationQuery(levelFilter, parentId, statusFilter, search, after, size + 1), cancellationToken);
        return TypedResults.Ok(Cursor.PageOf(rows, size, o => o.Id.ToString(), OrganizationResponse.Of));
    }

    private static async Task<Results<Ok<IReadOnlyList<OrganizationTreeResponse>>, ProblemHttpResult>> Tree(
        OrganizationService service, string? status, CancellationToken cancellationToken)
    {
        if (!TryParseStatus(status, out var statusFilter))
        {
            return Problems.Invalid("status", $"'{status}' is not a status; use Active or Disabled");
        }

        var tree = await service.TreeAsync(statusFilter, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<OrganizationTreeResponse>>(tree.Select(OrganizationTreeResponse.Of).ToList());
    }

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Get(Guid id, OrganizationService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } organization
            ? TypedResults.Ok(OrganizationResponse.Of(organization))
            : Problems.NotFound("The organization");

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> GetByCode(string code, OrganizationService service, CancellationToken cancellationToken)
    {
        if (OrganizationRules.CheckCode(CreditCode.Normalize(code)) is { } issue)
        {
            return Problems.Invalid("code", issue.Reason);
        }

        return await service.GetByCodeAsync(code, cancellationToken) is { } organization
            ? TypedResults.Ok(OrganizationResponse.Of(organization))
            : Problems.NotFound("The organization");
    }

    private static async Task<Results<Created<OrganizationResponse>, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, HttpContext context, OrganizationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.CreateAsync(request, context.ToActor(), cancellationToken);
        return outcome.Value is { } organization
            ? TypedResults.Created($"/api/v1/organizations/{organization.Id}", OrganizationResponse.Of(organization))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Update(
        Guid id, UpdateOrganizationRequest request, HttpContext context, OrganizationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.UpdateAsync(id, request, context.ToActor(), cancellationToken);
        return outcome.Value is { } organization ? TypedResults.Ok(OrganizationResponse.Of(organization)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Disable(Guid id, HttpContext context, OrganizationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.DisableAsync(id, context.ToActor(), cancellationToken);
        return outcome.Value is { } organization ? TypedResults.Ok(OrganizationResponse.Of(organization)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Enable(Guid id, HttpContext context, OrganizationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.EnableAsync(id, context.ToActor(), cancellationToken);
        return outcome.Value is { } organization ? TypedResults.Ok(OrganizationResponse.Of(organization)) : Problems.From(outcome.Failure!);
    }

    /// <summary>
    /// Imports a CSV body. The charset comes from the <c>charset</c> query parameter or the Content-Type's charset
    /// parameter (they must agree if both are given), UTF-8 by default; a byte-order mark overrides both.
    /// </summary>
    private static async Task<Results<Ok<OrganizationImportResponse>, ProblemHttpResult>> Import(
        HttpContext context, OrganizationService service, string? charset, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !CsvMediaTypes.Contains(contentType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                title: "The request body must be a CSV file.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = ["must be text/csv"] } });
        }

        var declared = contentType.Charset.HasValue ? contentType.Charset.Value : null;
        if (charset is not null && declared is not null && OrganizationCsv.NormalizeCharset(charset) != OrganizationCsv.NormalizeCharset(declared))
        {
            return Problems.Invalid("charset", $"the charset parameter ('{charset}') and the Content-Type charset ('{declared}') disagree");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var outcome = await service.ImportAsync(body.GetBuffer().AsMemory(0, (int)body.Length), charset ?? declared, context.ToActor(), cancellationToken);
        if (outcome.Succeeded)
        {
            var byLevel = OrganizationLevels.All.ToDictionary(l => l.ToString(), l => outcome.Created.Count(o => o.Level == l), StringComparer.Ordinal);
            return TypedResults.Ok(new OrganizationImportResponse(outcome.Created.Count, byLevel));
        }

        if (outcome.ConcurrentConflict)
        {
            return TypedResults.Problem(
                title: "Another import or edit created one of the file's codes at the same time; nothing was written. Send the file again.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var extensions = new Dictionary<string, object?>();
        var fileIssues = outcome.Issues.Where(i => i.Row == 0).Select(i => i.Issue).ToList();
        if (fileIssues.Count > 0)
        {
            extensions["errors"] = fileIssues.GroupBy(i => i.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Reason).ToArray(), StringComparer.Ordinal);
        }

        var rowErrors = outcome.Issues.Where(i => i.Row > 0).Select(i => new ImportRowError(i.Row, i.Issue.Field, i.Issue.Reason)).ToList();
        if (rowErrors.Count > 0)
        {
            extensions["rowErrors"] = rowErrors;
        }

        return TypedResults.Problem(
            title: "The file was not imported; nothing was written. Correct every listed row and send the whole file again.",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: extensions);
    }

    private static bool TryParseStatus(string? text, out OrganizationStatus? status)
    {
        status = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var candidate in Enum.GetValues<OrganizationStatus>())
        {
            if (string.Equals(text.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        return false;
    }
}
