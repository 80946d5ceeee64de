using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Quality;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Quality.Pages;

/// <summary>
/// A resource's quality: the latest scores per GB/T 36344 dimension with rating badges, the trend, failing samples
/// (for the provider, PlatformAdmin and Auditor) and "measure now" for those who may. Same service as the API.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class ResourceModel(QualityService quality, QualityBacklog backlog, IStringLocalizer<Program> localizer) : PageModel
{
    /// <summary>Reports shown in the trend chart and table, newest first.</summary>
    public const int TrendPoints = 60;

    public DataResource Resource { get; private set; } = null!;

    public QualityReport? Report { get; private set; }

    public bool ShowsSamples { get; private set; }

    public bool CanRun { get; private set; }

    public IReadOnlyList<QualityReport> Trend { get; private set; } = [];

    /// <summary>A measurement after a recent batch is queued or running: the page reloads itself until it is done.</summary>
    public bool Waiting { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        var outcome = await quality.LatestAsync(code, User, cancellationToken);
        if (outcome.Value is not { } view)
        {
            return NotFound();
        }

        (Resource, Report, ShowsSamples, CanRun) = (view.Resource, view.Report, view.ShowsSamples, view.CanRun);
        Waiting = backlog.IsWaiting(view.Resource.Id);
        if (!Waiting && Request.Headers.ContainsKey("HX-Request"))
        {
            Response.Headers["HX-Refresh"] = "true"; // the poll of a waiting page: done, show the report
        }
        var history = await quality.HistoryAsync(code, User, null, null, null, TrendPoints, cancellationToken);
        Trend = history.Succeeded ? history.Value.Reports : [];
        return Page();
    }

    public async Task<IActionResult> OnPostRunAsync(string code, CancellationToken cancellationToken)
    {
        var outcome = await quality.RunAsync(code, User, cancellationToken);
        if (outcome.Value is { Report: { } report } view)
        {
            TempData["catalog.success"] = localizer["quality.run.done", QualityText.Score(report.Scores.Overall)].Value;
            return Redirect($"/console/catalog/{view.Resource.Code.Slug}/quality");
        }

        return outcome.Failure!.Kind == FailureKind.Forbidden ? Forbid() : NotFound();
    }
}
