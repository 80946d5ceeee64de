using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Server.Identity.Users;

namespace Shuqiao.Server.Identity.Pages;

[AllowAnonymous]
public sealed class LoginModel(SignInService signIn, IStringLocalizer<Program> L) : PageModel
{
    [BindProperty]
    public string LoginName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(LoginName) || string.IsNullOrEmpty(Password))
        {
            Error = L["login.error.missing"];
            return Page();
        }

        var attempt = await signIn.SignInAsync(LoginName, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        switch (attempt.Result)
        {
            case SignInOutcome.Succeeded:
                await HttpContext.SignInAsync(AuthSchemes.Console, attempt.Principal!, new AuthenticationProperties { IsPersistent = false });
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/console");
            case SignInOutcome.LockedOut:
                Error = L["login.error.locked", attempt.LockedUntil!.Value.ToLocalTime().ToString("HH:mm", CultureInfo.CurrentCulture)];
                break;
            case SignInOutcome.Disabled:
                Error = L["login.error.disabled"];
                break;
            default:
                Error = L["login.error.invalid"];
                break;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
