using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences/{id}: one licence, its credential downloads, status changes and who verified it.</summary>
[Authorize(Policy = Policies.LicenceIssuers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class DetailsModel(LicenceService service, VerificationRecordStore records, IStringLocalizer<Program> localizer) : PageModel
{
    public Licence Licence { get; private set; } = null!;

    public IReadOnlyList<VerificationRecord> Verifications { get; private set; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await service.FindAsync(id, LicenceScope.Of(User), cancellationToken) is not { } licence)
        {
            return NotFound();
        }

        Licence = licence;
        Verifications = await records.ListAsync([id], 50, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(Guid id, string format, CancellationToken cancellationToken)
    {
        if (await service.FindAsync(id, LicenceScope.Of(User), cancellationToken) is not { } licence)
        {
            return NotFound();
        }

        return format == "jwt"
            ? File(System.Text.Encoding.ASCII.GetBytes(licence.CredentialJwt), VcJwt.MediaType, $"{licence.NationalId}.jwt")
            : File(System.Text.Encoding.UTF8.GetBytes(licence.CredentialJson), "application/vc+ld+json", $"{licence.NationalId}.json");
    }

    public Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, (scope, ct) => service.RevokeAsync(id, Reason, scope, HttpContext.ToActor(), ct), "lic.message.revoked", cancellationToken);

    public Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, (scope, ct) => service.SuspendAsync(id, Reason, scope, HttpContext.ToActor(), ct), "lic.message.suspended", cancellationToken);

    public Task<IActionResult> OnPostReinstateAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, (scope, ct) => service.ReinstateAsync(id, Reason, scope, HttpContext.ToActor(), ct), "lic.message.reinstated", cancellationToken);

    private async Task<IActionResult> ChangeAsync(Guid id, Func<LicenceScope, CancellationToken, Task<Core.Common.Outcome<Licence>>> change, string message, CancellationToken cancellationToken)
    {
        var outcome = await change(LicenceScope.Of(User), cancellationToken);
        if (outcome.Value is not null)
        {
            TempData["org.success"] = localizer[message].Value;
        }
        else if (outcome.Failure!.Kind == Core.Common.FailureKind.NotFound)
        {
            return NotFound();
        }
        else
        {
            TempData["org.failure"] = localizer["lic.message.statusRefused"].Value;
            TempData["org.failureDetails"] = string.Join('\n', LicenceText.Issues(localizer, outcome.Failure));
        }

        return Redirect($"/console/licences/{id}");
    }
}
