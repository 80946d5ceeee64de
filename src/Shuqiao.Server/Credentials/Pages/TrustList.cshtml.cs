using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences/trust-list: other nodes' issuers this node accepts (跨省互认); the data authority edits it.</summary>
[Authorize(Policy = Policies.PlatformAdmin, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class TrustListModel(TrustListService service, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public TrustedIssuerRequest Input { get; set; } = new(null, null, null, null, null, null);

    public IReadOnlyList<TrustedIssuer> Issuers { get; private set; } = [];

    public bool CanEdit { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await service.AddAsync(Input, User.OrganizationOf(), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } added)
        {
            TempData["org.success"] = localizer["lic.message.trustAdded", added.Name].Value;
            return Redirect("/console/licences/trust-list");
        }

        Errors = LicenceText.Issues(localizer, outcome.Failure!);
        await LoadAsync(cancellationToken);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        var outcome = await service.RemoveAsync(id, User.OrganizationOf(), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } removed)
        {
            TempData["org.success"] = localizer["lic.message.trustRemoved", removed.Name].Value;
        }

        return Redirect("/console/licences/trust-list");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Issuers = await service.ListAsync(cancellationToken);
        CanEdit = await service.IsDataAuthorityAsync(User.OrganizationOf(), cancellationToken);
    }
}
