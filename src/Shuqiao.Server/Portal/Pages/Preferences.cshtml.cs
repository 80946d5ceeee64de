using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Shuqiao.Server.Portal.Pages;

/// <summary>The elderly-friendly mode (适老化): larger text and higher contrast, remembered for a year in a cookie.</summary>
[AllowAnonymous]
public sealed class PreferencesModel : PageModel
{
    public IActionResult OnGet() => Redirect("/portal");

    public IActionResult OnPost(string? large, string? returnUrl)
    {
        Response.Cookies.Append("shuqiao.portal.large", large == "1" ? "1" : "0", new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
        });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/portal");
    }
}
