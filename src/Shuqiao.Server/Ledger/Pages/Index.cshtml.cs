using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Ledger.Pages;

/// <summary>
/// 可验证账本: the ledger's size, latest checkpoint and its cosignatures, keys, witnesses, the last integrity check and
/// a button to run one now (htmx swaps in the result). Uses the same <see cref="LedgerService"/> as <c>/api/v1/ledger</c>.
/// </summary>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class IndexModel(LedgerService ledger, ConsoleTime time) : PageModel
{
    public LedgerOverview Overview { get; private set; } = null!;

    public IReadOnlyList<CheckpointView> RecentCheckpoints { get; private set; } = [];

    /// <summary>The result of a check run from this page (the non-htmx form post), shown instead of the stored one.</summary>
    public IntegrityView? JustChecked { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>"Go to entry": the entry page of the index typed in.</summary>
    public IActionResult OnGetGo(long? index) =>
        index is >= 0 ? Redirect($"/console/ledger/entries/{index}") : RedirectToPage();

    /// <summary>Runs the integrity check; htmx gets the result panel, a plain form post the whole page.</summary>
    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken cancellationToken)
    {
        JustChecked = await ledger.VerifyAsync(User.UserOrClientId(), cancellationToken);
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            return Partial("/Ledger/Pages/_IntegrityResult.cshtml", new IntegrityResultView(JustChecked, time));
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public string Local(DateTimeOffset at) => time.Format(at);

    public IntegrityResultView IntegrityPanel => new(JustChecked ?? Overview.Integrity, time);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Overview = await ledger.OverviewAsync(cancellationToken);
        RecentCheckpoints = await ledger.RecentCheckpointsAsync(10, cancellationToken);
    }
}

/// <summary>The integrity panel: the last check's verdict (or none yet), times in the console's zone.</summary>
public sealed record IntegrityResultView(IntegrityView? Result, ConsoleTime Time);
