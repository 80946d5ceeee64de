using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Exchange;

namespace Shuqiao.Server.Exchange.Pages;

/// <summary>
/// 访问审计: search the gateway's access events (organization, client, resource, end user, data subject, outcome, time), page
/// through them, export the matches as CSV, and see the anomaly flags of the last 7 days. Same
/// <see cref="AccessAuditService"/> as <c>/api/v1/audit/events</c>.
/// </summary>
/// <remarks>
/// The filter form is posted, then redirected to the results' address (post/redirect/get): a person's identifier typed
/// as the data subject is exchanged for its digest on the way, so it never appears in an address the browser's history,
/// a bookmark or a proxy's log would keep.
/// </remarks>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class AccessModel(AccessAuditService audit, AccessAnomalyStore anomalies, ConsoleTime time, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "organizationId")]
    public Guid? OrganizationId { get; set; }

    [BindProperty(SupportsGet = true, Name = "clientId")]
    public Guid? ClientId { get; set; }

    [BindProperty(SupportsGet = true, Name = "resource")]
    public string? Resource { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? EndUser { get; set; }

    /// <summary>数据主体 as typed into the form (posted only): a person's identifier as a personal record key holds it.</summary>
    [BindProperty(Name = "subject")]
    public string? Subject { get; set; }

    /// <summary>The data subject filter in the results' address: the audit's digest of the identifier, never the identifier.</summary>
    [BindProperty(SupportsGet = true, Name = "subjectDigest")]
    public string? SubjectDigest { get; set; }

    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public IReadOnlyList<AccessEventRow> Rows { get; private set; } = [];

    public IReadOnlyList<AccessAnomalyRow> Anomalies { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public IReadOnlyCollection<string> InvalidFields { get; private set; } = [];

    public string ZoneLabel => time.OffsetLabel(clock.GetUtcNow());

    public string Local(DateTimeOffset t) => time.Format(t);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var search = await SearchAsync(50, cancellationToken);
        if (search is not null)
        {
            var rows = await audit.SearchAsync(search, cancellationToken);
            var page = AccessAuditService.PageOf(rows, 50);
            Rows = rows.Take(50).ToList();
            NextCursor = page.NextCursor;
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Anomalies = await anomalies.RecentAsync(ExchangeService.Today(clock.GetUtcNow()).AddDays(-6), cancellationToken);
        return Page();
    }

    /// <summary>All matches (at most 100,000) as CSV; the same export as <c>/api/v1/audit/events.csv</c>.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        Cursor = null;
        var search = await SearchAsync(AccessAuditEndpoints.MaxExport - 1, cancellationToken);
        if (search is null)
        {
            return BadRequest();
        }

        await audit.RecordExportAsync(search, HttpContext.ToActor(), cancellationToken);
        var rows = await audit.SearchAsync(search, cancellationToken);
        var name = "access-events-" + clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".csv";
        return File(AccessAuditService.Csv(rows), "text/csv; charset=utf-8", name);
    }

    /// <summary>The filter form: a typed data subject becomes its digest, then the results are shown at their own address.</summary>
    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) => RedirectToFiltersAsync(null, cancellationToken);

    /// <summary>As <see cref="OnPostAsync"/>, for the export button: redirects to the CSV of the matches.</summary>
    public Task<IActionResult> OnPostExportAsync(CancellationToken cancellationToken) => RedirectToFiltersAsync("Export", cancellationToken);

    public string PageLink(string? cursor) => Link(cursor, null, SubjectDigest);

    /// <summary>The current results without the data subject filter.</summary>
    public string WithoutSubjectLink() => Link(null, null, null);

    private async Task<IActionResult> RedirectToFiltersAsync(string? handler, CancellationToken cancellationToken)
    {
        var digest = SubjectDigest;
        if (!string.IsNullOrWhiteSpace(Subject))
        {
            var typed = await audit.LookUpSubjectAsync(Subject, HttpContext.ToActor(), cancellationToken);
            if (typed.Value is null)
            {
                // Shown again with the reason; the identifier stays in the posted form, not in an address.
                InvalidFields = [.. typed.Failure!.Issues.Select(_ => "subject")];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                Anomalies = await anomalies.RecentAsync(ExchangeService.Today(clock.GetUtcNow()).AddDays(-6), cancellationToken);
                return Page();
            }

            digest = typed.Value;
        }

        return LocalRedirect(Link(null, handler, digest));
    }

    private string Link(string? cursor, string? handler, string? subjectDigest) =>
        "/console/audit/access" + QueryString.Create(new Dictionary<string, string?>
        {
            ["handler"] = handler, ["organizationId"] = OrganizationId?.ToString(), ["clientId"] = ClientId?.ToString(), ["resource"] = Resource, ["user"] = EndUser,
            ["outcome"] = Outcome, ["from"] = From, ["to"] = To, ["subjectDigest"] = subjectDigest, ["cursor"] = cursor,
        }.Where(p => !string.IsNullOrEmpty(p.Value)));

    private async Task<AccessEventSearch?> SearchAsync(int limit, CancellationToken cancellationToken)
    {
        var invalid = new List<string>();
        DateTimeOffset? from = null, to = null;
        if (!string.IsNullOrWhiteSpace(From))
        {
            if (time.TryParse(From, out var f))
            {
                from = f;
            }
            else
            {
                invalid.Add("from");
            }
        }

        if (!string.IsNullOrWhiteSpace(To))
        {
            if (time.TryParse(To, out var t))
            {
                to = t;
            }
            else
            {
                invalid.Add("to");
            }
        }

        var parsed = await audit.ToSearchAsync(new AccessEventFilter(OrganizationId, ClientId, Resource, EndUser, Outcome, from, to, Cursor, limit, SubjectDigest), cancellationToken);
        if (parsed.Failure is { } failure)
        {
            invalid.AddRange(failure.Issues.Select(i => i.Field));
        }

        InvalidFields = invalid;
        return invalid.Count == 0 ? parsed.Value : null;
    }
}
