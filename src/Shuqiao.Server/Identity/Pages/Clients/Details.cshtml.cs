using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Clients;

/// <summary>One API client: edit its settings, rotate its key (shown once), suspend, activate or delete it.</summary>
[Authorize(Policy = Policies.ClientManagers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class DetailsModel(ApiClientService clients, OrganizationNames organizations) : PageModel
{
    [BindProperty]
    public ClientForm Form { get; set; } = new();

    [BindProperty]
    public int GraceMinutes { get; set; }

    [BindProperty]
    public bool ConfirmDelete { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public ApiClient Client { get; private set; } = null!;

    public string OrganizationName { get; private set; } = "";

    public Failure? Problem { get; private set; }

    /// <summary>Set only in the response to a rotation: the one time the new key is shown.</summary>
    public IssuedClientKey? Issued { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Form = ClientForm.Of(Client);
        return Page();
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, CancellationToken cancellationToken)
    {
        var request = new UpdateClientRequest(Form.Name, Form.Description, Display.Lines(Form.IpAllowList), Form.RateLimitPerMinute, Form.Version);
        var outcome = await clients.UpdateAsync(id, request, ClientScope.Of(User), HttpContext.ToActor(), cancellationToken);
        return outcome.Succeeded ? Redirect(id, "updated") : await ShowAsync(id, outcome.Failure!, keepForm: true, cancellationToken);
    }

    public async Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken cancellationToken)
    {
        var outcome = await clients.RotateAsync(id, GraceMinutes, ClientScope.Of(User), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is not { } issued)
        {
            return await ShowAsync(id, outcome.Failure!, keepForm: false, cancellationToken);
        }

        ApiClientEndpoints.NoStore(HttpContext);
        Issued = issued;
        await LoadAsync(id, cancellationToken);
        Form = ClientForm.Of(Client);
        return Page();
    }

    public async Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken cancellationToken) =>
        await Outcome(id, await clients.SuspendAsync(id, ClientScope.Of(User), HttpContext.ToActor(), cancellationToken), "suspended", cancellationToken);

    public async Task<IActionResult> OnPostActivateAsync(Guid id, CancellationToken cancellationToken) =>
        await Outcome(id, await clients.ActivateAsync(id, ClientScope.Of(User), HttpContext.ToActor(), cancellationToken), "activated", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!ConfirmDelete)
        {
            return await ShowAsync(id, Failure.Invalid("confirmDelete", "tick the box to confirm that the key stops working for good"), keepForm: false, cancellationToken);
        }

        var outcome = await clients.DeleteAsync(id, ClientScope.Of(User), HttpContext.ToActor(), cancellationToken);
        return outcome.Succeeded ? LocalRedirect("/console/clients?notice=deleted") : await ShowAsync(id, outcome.Failure!, keepForm: false, cancellationToken);
    }

    private async Task<IActionResult> Outcome(Guid id, Outcome<ApiClient> outcome, string notice, CancellationToken cancellationToken) =>
        outcome.Succeeded ? Redirect(id, notice) : await ShowAsync(id, outcome.Failure!, keepForm: false, cancellationToken);

    private LocalRedirectResult Redirect(Guid id, string notice) => LocalRedirect($"/console/clients/{id}?notice={notice}");

    private async Task<IActionResult> ShowAsync(Guid id, Failure failure, bool keepForm, CancellationToken cancellationToken)
    {
        if (failure.Kind == FailureKind.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (!keepForm)
        {
            Form = ClientForm.Of(Client);
        }

        Problem = failure;
        Response.StatusCode = failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await clients.FindAsync(id, ClientScope.Of(User), cancellationToken) is not { } client)
        {
            return false;
        }

        Client = client;
        OrganizationName = (await organizations.FindAsync(client.OrganizationId, cancellationToken))?.Name ?? client.OrganizationId.ToString();
        return true;
    }
}
