using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Audit;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Exchange;

namespace Shuqiao.Server.Exchange;

/// <summary>The filters of the access audit search (query string); times without an offset are UTC.</summary>
/// <remarks>
/// <see cref="SubjectDigest"/> (数据主体) is the audit's digest of a person's identifier (e.g. a 公民身份号码), from
/// <c>POST /api/v1/audit/subjects</c>: the events of calls that read or verified records keyed by it. The identifier
/// itself never travels in a URL, which browsers' histories and proxies' logs keep.
/// </remarks>
public sealed record AccessEventFilter(
    Guid? OrganizationId, Guid? ClientId, string? Resource, string? User, string? Outcome, DateTimeOffset? From, DateTimeOffset? To, string? Cursor, int? Limit,
    string? SubjectDigest = null);

/// <summary>A person's identifier as a personal record key holds it (e.g. a 公民身份号码).</summary>
public sealed record SubjectDigestRequest(string? Identifier);

/// <summary>The audit's handle on a data subject: the <c>subjectDigest</c> filter of the access event search.</summary>
public sealed record SubjectDigestResponse(string SubjectDigest);

/// <summary>One access event as the API returns it.</summary>
public sealed record AccessEventResponse(
    Guid Id, DateTimeOffset Time, Guid ClientId, string? ClientName, Guid OrganizationId, string? OrganizationName, string? EndUser,
    Guid? ResourceId, string? ResourceCode, Guid? GrantId, string Operation, string Shape, int RowsReturned, IReadOnlyList<string> MaskedFields,
    string? Purpose, string Outcome, string? Reason, double LatencyMs, string? RequestId)
{
    public static AccessEventResponse Of(AccessEventRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Time, r.ClientId, r.ClientName, r.OrganizationId, r.OrganizationName, r.EndUser, r.ResourceId, r.ResourceCode, r.GrantId,
            r.Operation, r.Shape, r.RowsReturned, r.MaskedFields, r.Purpose, r.Outcome, r.Reason, r.LatencyUs / 1000.0, r.RequestId);
    }
}

/// <summary>
/// The access audit (访问审计): auditors search every gateway request by organization, client, resource, end user,
/// outcome and time, and export them as CSV (the console's /console/audit/access uses the same service).
/// </summary>
public static class AccessAuditEndpoints
{
    public const int MaxExport = 100_000;

    public static IEndpointRouteBuilder MapAccessAudit(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Api);
        audit.MapGet("/events", List).WithName("ListAccessEvents").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Search data-access events of the exchange gateway, newest first")
            .WithDescription("Filters: organizationId, clientId, resource (code), user (X-Shuqiao-User as sent), outcome (Allowed|Denied|Failed), from (inclusive), to (exclusive), " +
                "subjectDigest (from POST /api/v1/audit/subjects: the calls that read or verified records about that person).");
        audit.MapPost("/subjects", DigestSubject).WithName("DigestAuditSubject").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("The audit's digest of a person's identifier (数据主体), for the subjectDigest filter of the access event search")
            .WithDescription("Body: {\"identifier\": \"<e.g. a 公民身份号码>\"} (case and surrounding spaces do not count). The identifier travels in this body, " +
                "never in a URL; the digest is keyed by the node's pseudonym secret, so it tells nothing about the person outside this node's audit.");
        audit.MapGet("/events.csv", Export).WithName("ExportAccessEvents").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Export matching access events as CSV (at most 100,000, newest first)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return routes;
    }

    private static async Task<Results<Ok<Page<AccessEventResponse>>, ProblemHttpResult>> List(
        [AsParameters] AccessEventFilter filter, AccessAuditService service, CancellationToken cancellationToken)
    {
        var search = await service.ToSearchAsync(filter, cancellationToken);
        if (search.Value is null)
        {
            return Problems.From(search.Failure!);
        }

        var rows = await service.SearchAsync(search.Value, cancellationToken);
        return TypedResults.Ok(AccessAuditService.PageOf(rows, search.Value.Limit - 1));
    }

    private static async Task<Results<Ok<SubjectDigestResponse>, ProblemHttpResult>> DigestSubject(
        SubjectDigestRequest? request, AccessAuditService service, HttpContext context, CancellationToken cancellationToken)
    {
        var digest = await service.LookUpSubjectAsync(request?.Identifier, context.ToActor(), cancellationToken);
        return digest.Value is { } value ? TypedResults.Ok(new SubjectDigestResponse(value)) : Problems.From(digest.Failure!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        [AsParameters] AccessEventFilter filter, AccessAuditService service, TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        var search = await service.ToSearchAsync(filter with { Cursor = null, Limit = null }, cancellationToken);
        if (search.Value is null)
        {
            return Problems.From(search.Failure!);
        }

        await service.RecordExportAsync(search.Value, context.ToActor(), cancellationToken);
        var rows = await service.SearchAsync(search.Value with { Limit = MaxExport }, cancellationToken);
        var name = "access-events-" + clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".csv";
        return TypedResults.File(AccessAuditService.Csv(rows), "text/csv; charset=utf-8", name);
    }
}

/// <summary>
/// The access audit search shared by the API and the console. What auditors take out of it is itself audited (in the
/// admin audit, as the admin audit's own exports are): each export with its filters, and each look-up of a data
/// subject — who asked about which person (by digest: the identifier is not recorded there either).
/// </summary>
public sealed class AccessAuditService(AccessEventStore store, CatalogStore catalog, PseudonymKeys pseudonyms, AdminAuditStore adminAudit, TimeProvider clock)
{
    /// <summary>The admin audit action of a data subject look-up (<see cref="LookUpSubjectAsync"/>).</summary>
    public const string SubjectLookupAction = "audit.subject-lookup";

    /// <summary>The admin audit action of an access event export.</summary>
    public const string ExportAction = "audit.access-export";

    public async Task<Outcome<AccessEventSearch>> ToSearchAsync(AccessEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var issues = new List<Issue>();
        (DateTimeOffset, Guid)? before = null;
        if (Cursor.TryDecodeTimeAndId(filter.Cursor, out var position))
        {
            before = position;
        }
        else
        {
            issues.Add(Issue.Plain("cursor", "is not a cursor this API returned"));
        }

        AccessOutcome? outcome = null;
        if (filter.Outcome is { Length: > 0 } text)
        {
            if (Enum.TryParse<AccessOutcome>(text, true, out var parsed) && Enum.IsDefined(parsed))
            {
                outcome = parsed;
            }
            else
            {
                issues.Add(Issue.Plain("outcome", "must be Allowed, Denied or Failed"));
            }
        }

        if (filter.SubjectDigest is { Length: > 0 } digest && !PseudonymKeys.IsSubjectDigest(digest))
        {
            issues.Add(Issue.Plain("subjectDigest", "is not a digest from POST /api/v1/audit/subjects"));
        }

        Guid? resourceId = null;
        if (filter.Resource is { Length: > 0 } code)
        {
            if (ResourceCode.TryParse(code, out var parsed) != ResourceCodeError.None)
            {
                issues.Add(Issue.Plain("resource", "is not a resource code"));
            }
            else
            {
                resourceId = (await catalog.FindAsync(parsed, cancellationToken))?.Id ?? Guid.Empty;
            }
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var limit = Math.Clamp(filter.Limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        return new AccessEventSearch(
            filter.OrganizationId, filter.ClientId, resourceId, null, string.IsNullOrWhiteSpace(filter.User) ? null : filter.User.Trim(), outcome,
            filter.From, filter.To, before, limit + 1, string.IsNullOrEmpty(filter.SubjectDigest) ? null : filter.SubjectDigest);
    }

    /// <summary>The digest the audit keeps for a person's identifier (<see cref="PseudonymKeys.SubjectDigest"/>); the look-up is recorded.</summary>
    public async Task<Outcome<string>> LookUpSubjectAsync(string? identifier, Actor actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(identifier))
        {
            return Failure.Invalid("identifier", "is required");
        }

        if (identifier.Length > AccessEvent.MaxEndUserLength)
        {
            return Failure.Invalid("identifier", $"is longer than {AccessEvent.MaxEndUserLength} characters");
        }

        var digest = pseudonyms.SubjectDigest(identifier);
        await adminAudit.AppendAsync(actor, new AdminChange(SubjectLookupAction, "DataSubject", digest, null, null, null), clock.GetUtcNow(), cancellationToken);
        return digest;
    }

    /// <summary>Records an export of the events <paramref name="search"/> matches, with its filters, before it is read.</summary>
    public Task RecordExportAsync(AccessEventSearch search, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var filters = new
        {
            search.OrganizationId, search.ClientId, search.ResourceId, endUser = search.EndUser, outcome = search.Outcome?.ToString(), search.From, search.To,
            subjectDigest = search.Subject,
        };
        return adminAudit.AppendAsync(actor, new AdminChange(ExportAction, "AccessEvents", "access-events", null, null, filters), clock.GetUtcNow(), cancellationToken);
    }

    public Task<IReadOnlyList<AccessEventRow>> SearchAsync(AccessEventSearch search, CancellationToken cancellationToken) => store.SearchAsync(search, cancellationToken);

    public Task<IReadOnlyList<AccessUsageRow>> UsageAsync(Guid resourceId, DateTimeOffset from, CancellationToken cancellationToken) =>
        store.UsageAsync(resourceId, from, cancellationToken);

    public Task<(long Allowed, long Denied)> CountsAsync(Guid resourceId, DateTimeOffset from, CancellationToken cancellationToken) =>
        store.CountsAsync(resourceId, from, null, cancellationToken);

    /// <summary>A page of at most <paramref name="size"/> rows; the rows were read with one more to know whether more follow.</summary>
    public static Page<AccessEventResponse> PageOf(IReadOnlyList<AccessEventRow> rows, int size)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var items = rows.Take(size).Select(AccessEventResponse.Of).ToList();
        var next = rows.Count > size
            ? Cursor.EncodeTimeAndId(rows[size - 1].Time, rows[size - 1].Id)
            : null;
        return new Page<AccessEventResponse>(items, next);
    }

    /// <summary>The rows as UTF-8 CSV with a BOM (Excel opens Chinese text correctly).</summary>
    public static byte[] Csv(IReadOnlyList<AccessEventRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.Append(CsvRecords.Join([
            "time", "id", "organizationId", "organization", "clientId", "client", "endUser", "resource", "grantId", "operation", "shape",
            "rowsReturned", "maskedFields", "purpose", "outcome", "reason", "latencyMs", "requestId"])).Append("\r\n");
        foreach (var r in rows)
        {
            text.Append(Join([
                r.Time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), r.Id.ToString(), r.OrganizationId.ToString(), r.OrganizationName ?? "",
                r.ClientId.ToString(), r.ClientName ?? "", r.EndUser ?? "", r.ResourceCode ?? "", r.GrantId?.ToString() ?? "", r.Operation, r.Shape,
                r.RowsReturned.ToString(CultureInfo.InvariantCulture), string.Join(' ', r.MaskedFields), r.Purpose ?? "", r.Outcome, r.Reason ?? "",
                (r.LatencyUs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture), r.RequestId ?? ""])).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    // OWASP "CSV injection": end users and purposes come from consumer systems; a cell a spreadsheet would run as a
    // formula (= + - @ tab CR first) is disarmed with a leading quote, as the admin audit export does.
    private static string Join(IEnumerable<string> cells) =>
        CsvRecords.Join(cells.Select(c => c.Length > 0 && c[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + c : c));
}
