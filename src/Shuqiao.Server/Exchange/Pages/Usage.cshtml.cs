using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Exchange;

namespace Shuqiao.Server.Exchange.Pages;

/// <summary>
/// 数据使用情况: a provider sees which organizations used its resource through the gateway in the last 90 days, for
/// which purposes, how often and how many records. Seen by the provider's users, PlatformAdmins and Auditors; others 404.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class UsageModel(CatalogStore catalog, AccessAuditService audit, ConsoleTime time, TimeProvider clock) : PageModel
{
    public const int Days = 90;

    public DataResource Resource { get; private set; } = null!;

    public IReadOnlyList<AccessUsageRow> Rows { get; private set; } = [];

    public string Local(DateTimeOffset t) => time.Format(t);

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (ResourceCode.TryParse(code, out var parsed) != ResourceCodeError.None || await catalog.FindAsync(parsed, cancellationToken) is not { } resource)
        {
            return NotFound();
        }

        if (User.OrganizationOf() != resource.ProviderId && !User.IsInRole(Roles.PlatformAdmin) && !User.IsInRole(Roles.Auditor))
        {
            return NotFound();
        }

        Resource = resource;
        Rows = await audit.UsageAsync(resource.Id, clock.GetUtcNow().AddDays(-Days), cancellationToken);
        return Page();
    }
}
