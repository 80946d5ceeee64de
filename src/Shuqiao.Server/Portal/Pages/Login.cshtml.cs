using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Identity.Users;

namespace Shuqiao.Server.Portal.Pages;

/// <summary>/portal/login: the citizens' and companies' sign-in, the same accounts and rules as the console's.</summary>
[AllowAnonymous]
public sealed class LoginModel(SignInService signIn, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public string LoginName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(LoginName) || string.IsNullOrEmpty(Password))
        {
            Error = localizer["login.error.missing"];
            return Page();
        }

        var attempt = await signIn.SignInAsync(LoginName, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (attempt.Result == SignInOutcome.Succeeded)
        {
            await HttpContext.SignInAsync(AuthSchemes.Console, attempt.Principal!, new AuthenticationProperties { IsPersistent = false });
            return LocalRedirect("/portal");
        }

        Error = attempt.Result switch
        {
            SignInOutcome.LockedOut => localizer["portal.login.locked"],
            SignInOutcome.Disabled => localizer["login.error.disabled"],
            _ => localizer["login.error.invalid"],
        };
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
