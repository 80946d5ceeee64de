using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>通知: every state change of my organization's requests and grants, newest first.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class NotificationsModel(SharingService sharing, IStringLocalizer<Program> localizer) : PageModel
{
    /// <summary>The organization's webhook, for those who keep it (its DataSteward, a PlatformAdmin).</summary>
    public WebhookView? Webhook { get; private set; }

    public bool ManagesWebhook { get; private set; }

    /// <summary>A secret just issued: shown this once.</summary>
    public string? NewSecret { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public IReadOnlyList<Notification> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        await LoadAsync(caller, cursor, cancellationToken);
        return Page();
    }

    /// <summary>Sets the webhook URL (a new signing secret on first set-up or when asked).</summary>
    public async Task<IActionResult> OnPostWebhookAsync(string? url, bool enabled, bool rotateSecret, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var outcome = await sharing.SetWebhookAsync(caller.OrganizationId, new WebhookBody(url, enabled, rotateSecret), User, HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } view)
        {
            NewSecret = view.Secret;
        }
        else
        {
            Errors = localizer.Lines(outcome.Failure!);
        }

        await LoadAsync(caller, null, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(SharingCaller caller, string? cursor, CancellationToken cancellationToken)
    {
        var page = await sharing.NotificationsAsync(caller, false, cursor, 50, cancellationToken);
        Items = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
        ManagesWebhook = SharingService.ManagesWebhook(User, caller.OrganizationId);
        Webhook = ManagesWebhook ? (await sharing.GetWebhookAsync(caller.OrganizationId, User, cancellationToken)).Value : null;
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
