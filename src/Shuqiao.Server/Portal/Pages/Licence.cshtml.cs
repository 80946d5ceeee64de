using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Credentials;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Portal.Pages;

/// <summary>/portal/licences/{id}: one of the user's own licences, to show, print or download; anyone else's is 404.</summary>
[Authorize(Policy = Policies.Citizens)]
public sealed class LicenceModel(HolderService holders) : PageModel
{
    public Licence Licence { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (User.UserOrClientId() is not { } userId || await holders.OwnLicenceAsync(userId, id, cancellationToken) is not { } licence)
        {
            return NotFound();
        }

        Licence = licence;
        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(Guid id, string? format, CancellationToken cancellationToken)
    {
        if (User.UserOrClientId() is not { } userId || await holders.OwnLicenceAsync(userId, id, cancellationToken) is not { } licence)
        {
            return NotFound();
        }

        return format == "jwt"
            ? File(System.Text.Encoding.ASCII.GetBytes(licence.CredentialJwt), VcJwt.MediaType, $"{licence.NationalId}.jwt")
            : File(System.Text.Encoding.UTF8.GetBytes(licence.CredentialJson), "application/vc+ld+json", $"{licence.NationalId}.json");
    }
}
