using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Ledger.Pages;

/// <summary>The "proof" link of an audit event: opens the ledger entry that records it.</summary>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class EventModel(LedgerService ledger) : PageModel
{
    public Guid EventId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        EventId = id;
        if (await ledger.IndexOfEventAsync(id, cancellationToken) is { } index)
        {
            return Redirect($"/console/ledger/entries/{index}");
        }

        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
