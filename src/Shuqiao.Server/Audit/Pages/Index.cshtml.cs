using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Shuqiao.Core.Audit;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Server.Audit.Pages;

/// <summary>One event as the console shows it: time in the console's zone and the changed fields.</summary>
public sealed record AuditRow(AdminAuditEvent Event, string LocalTime, IReadOnlyList<FieldChange> Changes);

/// <summary>
/// 管理操作审计: search the admin audit log, page with "load more" (htmx appends rows), export the matches as CSV.
/// Uses the same <see cref="AdminAuditService"/> as <c>/api/v1/audit/admin-events</c>.
/// </summary>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class IndexModel(AdminAuditService audit, ConsoleTime time, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "targetType")]
    public string? TargetType { get; set; }

    [BindProperty(SupportsGet = true, Name = "targetId")]
    public string? TargetId { get; set; }

    [BindProperty(SupportsGet = true, Name = "actorName")]
    public string? ActorName { get; set; }

    [BindProperty(SupportsGet = true, Name = "actorId")]
    public string? ActorId { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>Fields whose filter value could not be read (shown next to the form, role="alert").</summary>
    public IReadOnlyCollection<string> InvalidFields { get; private set; } = [];

    public string ZoneLabel => time.OffsetLabel(clock.GetUtcNow());

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await SearchAsync(cancellationToken);
        if (InvalidFields.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>The next rows for "load more" (htmx): table rows plus a new "load more" row when there are more.</summary>
    public async Task<IActionResult> OnGetRowsAsync(CancellationToken cancellationToken)
    {
        await SearchAsync(cancellationToken);
        return InvalidFields.Count > 0 ? BadRequest() : Partial("_AuditRows", this);
    }

    /// <summary>All matches as CSV, streamed; the same export as <c>/api/v1/audit/admin-events.csv</c>.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        var query = Filter() with { Cursor = null };
        var parsed = query.ToQuery(time.Zone);
        if (parsed.Value is null)
        {
            InvalidFields = parsed.Failure!.Errors?.Keys.ToList() ?? [];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{AdminAuditService.CsvFileName(clock.GetUtcNow())}\"";
        await audit.ExportCsvAsync(parsed.Value, HttpContext.ToActor(), Response.Body, cancellationToken);
        return new EmptyResult();
    }

    /// <summary>This page (or one of its handlers) with the current filters, optionally continuing at a cursor.</summary>
    public string Link(string? handler = null, string? cursor = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["handler"] = handler,
            ["action"] = ActionFilter,
            ["targetType"] = TargetType,
            ["targetId"] = TargetId,
            ["actorName"] = ActorName,
            ["actorId"] = ActorId,
            ["from"] = From,
            ["to"] = To,
            ["cursor"] = cursor,
        };
        return QueryHelpers.AddQueryString("/console/audit", query.Where(q => !string.IsNullOrWhiteSpace(q.Value)));
    }

    private AdminAuditFilter Filter() => new(ActionFilter, TargetType, TargetId, ActorId, ActorName, From, To, Cursor, PageSize);

    private async Task SearchAsync(CancellationToken cancellationToken)
    {
        var parsed = Filter().ToQuery(time.Zone);
        if (parsed.Value is null)
        {
            InvalidFields = parsed.Failure!.Errors?.Keys.ToList() ?? [];
            return;
        }

        var page = await audit.SearchAsync(parsed.Value, cancellationToken);
        Rows = page.Items.Select(e => new AuditRow(e, time.Format(e.Time), SnapshotDiff.Compare(e.Before, e.After))).ToList();
        NextCursor = page.NextCursor;
    }
}
