using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Platform.Localization;

namespace Shuqiao.Server.Console.Pages;

/// <summary>Remembers the chosen console language (zh-CN or en) in a cookie for a year.</summary>
[AllowAnonymous]
public sealed class CultureModel : PageModel
{
    public IActionResult OnPost(string culture, string? returnUrl)
    {
        if (JsonStringLocalizerFactory.SupportedCultures.Contains(culture))
        {
            Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        }

        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/console");
    }
}
