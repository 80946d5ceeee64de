using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Audit;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Audit;

/// <summary>An admin audit event as the API returns it; before/after are the JSON snapshots (never secrets).</summary>
public sealed record AdminAuditEventResponse(
    Guid Id,
    DateTimeOffset Time,
    ActorKind ActorKind,
    Guid? ActorId,
    string ActorName,
    Guid? ActorOrganizationId,
    string Action,
    string TargetType,
    string TargetId,
    string? TargetName,
    JsonElement? Before,
    JsonElement? After,
    string? RequestId,
    string? SourceIp)
{
    public static AdminAuditEventResponse Of(AdminAuditEvent e) => new(
        e.Id, e.Time, e.ActorKind, e.ActorId, e.ActorName, e.ActorOrganizationId, e.Action, e.TargetType, e.TargetId,
        e.TargetName, Json(e.Before), Json(e.After), e.RequestId, e.SourceIp);

    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// <c>/api/v1/audit/admin-events</c>: the admin audit log. (<c>/api/v1/audit/events</c> is reserved for data-access
/// events, design §5.) Times in filters without an offset are UTC.
/// </summary>
public static class AdminAuditEndpoints
{
    public static IEndpointRouteBuilder MapAdminAudit(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Api);
        audit.MapGet("/admin-events", List).WithName("ListAdminAuditEvents").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Search admin audit events, newest first")
            .WithDescription("Filters: action, targetType, targetId and actorId match exactly, actorName matches a part; from (inclusive) and to (exclusive) are ISO 8601 times, UTC when they carry no offset.");
        audit.MapGet("/admin-events.csv", Export).WithName("ExportAdminAuditEvents").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Export matching admin audit events as CSV")
            .WithDescription("The same filters as the search, all matching events in one streamed UTF-8 CSV file. The export is itself recorded as an audit.export event.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return routes;
    }

    private static async Task<Results<Ok<Page<AdminAuditEventResponse>>, ProblemHttpResult>> List(
        [AsParameters] AdminAuditFilter filter, AdminAuditService service, CancellationToken cancellationToken)
    {
        var query = filter.ToQuery(TimeZoneInfo.Utc);
        if (query.Value is null)
        {
            return Problems.From(query.Failure!);
        }

        var page = await service.SearchAsync(query.Value, cancellationToken);
        return TypedResults.Ok(new Page<AdminAuditEventResponse>(page.Items.Select(AdminAuditEventResponse.Of).ToList(), page.NextCursor));
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> Export(
        [AsParameters] AdminAuditFilter filter, HttpContext context, AdminAuditService service, TimeProvider clock)
    {
        var query = (filter with { Cursor = null, Limit = null }).ToQuery(TimeZoneInfo.Utc);
        if (query.Value is null)
        {
            return Problems.From(query.Failure!);
        }

        var actor = context.ToActor();
        var cancellationToken = context.RequestAborted;
        return TypedResults.Stream(
            output => service.ExportCsvAsync(query.Value, actor, output, cancellationToken),
            "text/csv; charset=utf-8",
            AdminAuditService.CsvFileName(clock.GetUtcNow()));
    }
}
