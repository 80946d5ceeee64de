using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>通知: every state change of my organization's requests and grants, newest first.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class NotificationsModel(SharingService sharing) : PageModel
{
    public IReadOnlyList<Notification> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var page = await sharing.NotificationsAsync(caller, false, cursor, 50, cancellationToken);
        Items = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
        return Page();
    }

    public async Task<IActionResult> OnPostReadAsync(CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is { } caller)
        {
            await sharing.MarkReadAsync(caller, null, cancellationToken);
        }

        return Redirect("/console/notifications");
    }
}
