using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Users;

[Authorize(Policy = Policies.PlatformAdmin, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class NewModel(UserService users, OrganizationNames organizations) : PageModel
{
    [BindProperty]
    public string Login { get; set; } = "";

    [BindProperty]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    public Guid OrganizationId { get; set; }

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty]
    public string Password { get; set; } = "";

    public IReadOnlyList<OrganizationName> Organizations { get; private set; } = [];

    public Failure? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        OrganizationId = User.OrganizationOf() ?? Guid.Empty;
        Organizations = await organizations.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await users.CreateAsync(new CreateUserRequest(Login, DisplayName, OrganizationId, SelectedRoles, Password), HttpContext.ToActor(), isDemo: false, cancellationToken);
        if (outcome.Value is { } user)
        {
            return LocalRedirect($"/console/users/{user.Id}?notice=created");
        }

        Problem = outcome.Failure;
        Password = "";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Organizations = await organizations.ListAsync(cancellationToken);
        return Page();
    }
}
