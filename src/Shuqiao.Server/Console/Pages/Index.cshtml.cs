using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Insights;

namespace Shuqiao.Server.Console.Pages;

/// <summary>
/// The dashboard (概览): live counts refreshed by htmx every 10 s (the Stats handler renders only the figures),
/// and ECharts charts of admin changes per hour and organizations by level, each with a table as text alternative.
/// The node-wide figures are for the data bureau's PlatformAdmins and Auditors, as in the API
/// (<c>/api/v1/insights/dashboard</c>); everyone else gets a start page about their own account.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class IndexModel(DashboardService dashboard, ConsoleTime time) : PageModel
{
    public DashboardSnapshot Stats { get; private set; } = null!;

    public ConsoleTime Time => time;

    public bool ShowsNodeFigures => User.IsInRole(Core.Identity.Roles.PlatformAdmin) || User.IsInRole(Core.Identity.Roles.Auditor);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (ShowsNodeFigures)
        {
            Stats = await dashboard.ReadAsync(cancellationToken);
        }
    }

    public async Task<IActionResult> OnGetStatsAsync(CancellationToken cancellationToken)
    {
        if (!ShowsNodeFigures)
        {
            return Forbid();
        }

        Stats = await dashboard.ReadAsync(cancellationToken);
        return Partial("_DashboardStats", this);
    }

    /// <summary>The hour label of the changes chart, in the console's zone (e.g. "14:00").</summary>
    public string HourLabel(DateTimeOffset hourUtc) => time.ToLocal(hourUtc).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
