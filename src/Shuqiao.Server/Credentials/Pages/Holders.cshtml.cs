using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>
/// /console/licences/holders: links a portal (Citizen) user to the 持证主体代码 whose licences they see, after the
/// administrator has checked the person's identity document or the company's authorization.
/// </summary>
[Authorize(Policy = Policies.PlatformAdmin, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class HoldersModel(HolderService holders, UserStore users, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public string? Login { get; set; }

    [BindProperty]
    public string? HolderKind { get; set; }

    [BindProperty]
    public string? HolderCode { get; set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(Login) ? null : await users.FindForLoginAsync(Login.Trim(), cancellationToken);
        if (user is null)
        {
            Errors = [localizer["lic.holders.noUser"].Value];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await holders.LinkAsync(user.Value.User.Id, new HolderLinkRequest(HolderKind, HolderCode), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } link)
        {
            TempData["org.success"] = localizer["lic.message.holderLinked", link.Login].Value;
            return Redirect("/console/licences/holders");
        }

        Errors = LicenceText.Issues(localizer, outcome.Failure!);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
