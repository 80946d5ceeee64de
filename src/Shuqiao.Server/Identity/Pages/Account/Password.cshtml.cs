using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Account;

/// <summary>
/// Changes the signed-in user's own password. The change gives the user a new security stamp, which ends their
/// other sessions; this one is re-issued with the new stamp so the user stays signed in here.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class PasswordModel(UserService users, UserStore store) : PageModel
{
    [BindProperty]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    public string ConfirmPassword { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public bool Changed { get; set; }

    public Failure? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.UserOrClientId() is not { } id)
        {
            return Forbid();
        }

        if (NewPassword != ConfirmPassword)
        {
            return Refuse(Failure.Invalid("confirmPassword", "does not match the new password"));
        }

        var outcome = await users.ChangePasswordAsync(id, CurrentPassword, NewPassword, HttpContext.ToActor(), cancellationToken);
        if (!outcome.Succeeded)
        {
            return Refuse(outcome.Failure!);
        }

        if (await store.FindAsync(id, cancellationToken) is { } user)
        {
            await HttpContext.SignInAsync(AuthSchemes.Console, SignInService.PrincipalFor(user, "cookie", user.Roles), new AuthenticationProperties { IsPersistent = false });
        }

        return LocalRedirect("/console/account/password?changed=true");
    }

    private PageResult Refuse(Failure failure)
    {
        Problem = failure;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
