using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Credentials;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Portal.Pages;

/// <summary>/portal: a citizen's or company's own licences, and who verified them when.</summary>
[AllowAnonymous]
public sealed class IndexModel(HolderService holders) : PageModel
{
    public HolderView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // Anyone not signed in as a portal user goes to the portal's own sign-in, not the console's.
        if (!User.IsInRole(Roles.Citizen) || User.UserOrClientId() is not { } userId)
        {
            return Redirect("/portal/login");
        }

        View = await holders.ViewAsync(userId, cancellationToken);
        return Page();
    }
}
