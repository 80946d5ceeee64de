using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Users;

/// <summary>One user: an Auditor reads it; a PlatformAdmin edits roles and status, unlocks, resets the password.</summary>
[Authorize(Policy = Policies.AuditReaders, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class DetailsModel(UserService service, UserStore users, OrganizationNames organizations, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    public Guid OrganizationId { get; set; }

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty]
    public UserStatus Status { get; set; }

    [BindProperty]
    public int Version { get; set; }

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public User Subject { get; private set; } = null!;

    public IReadOnlyList<OrganizationName> Organizations { get; private set; } = [];

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public Failure? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        (DisplayName, OrganizationId, SelectedRoles, Status, Version) = (Subject.DisplayName, Subject.OrganizationId, [.. Subject.Roles], Subject.Status, Subject.Version);
        return Page();
    }

    public Task<IActionResult> OnPostUpdateAsync(Guid id, CancellationToken cancellationToken) =>
        AsAdminAsync(id, "updated", () => service.UpdateAsync(id, new UpdateUserRequest(DisplayName, OrganizationId, SelectedRoles, Status, Version), HttpContext.ToActor(), cancellationToken).Then(), cancellationToken);

    public Task<IActionResult> OnPostUnlockAsync(Guid id, CancellationToken cancellationToken) =>
        AsAdminAsync(id, "unlocked", () => service.UnlockAsync(id, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostResetPasswordAsync(Guid id, CancellationToken cancellationToken) =>
        AsAdminAsync(id, "passwordReset", () => service.ResetPasswordAsync(id, NewPassword, HttpContext.ToActor(), cancellationToken), cancellationToken);

    private async Task<IActionResult> AsAdminAsync(Guid id, string notice, Func<Task<Outcome<bool>>> change, CancellationToken cancellationToken)
    {
        if (!User.IsPlatformAdmin())
        {
            return Forbid();
        }

        var outcome = await change();
        if (outcome.Succeeded)
        {
            return LocalRedirect($"/console/users/{id}?notice={notice}");
        }

        if (outcome.Failure!.Kind == FailureKind.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Problem = outcome.Failure;
        NewPassword = "";
        Response.StatusCode = outcome.Failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(id, cancellationToken) is not { } user)
        {
            return false;
        }

        Subject = user;
        Organizations = await organizations.ListAsync(cancellationToken);
        return true;
    }

    public string OrganizationName(Guid id) => Organizations.FirstOrDefault(o => o.Id == id)?.Name ?? id.ToString();
}

internal static class OutcomeExtensions
{
    /// <summary>Keeps only whether it worked, so different changes share one code path.</summary>
    public static async Task<Outcome<bool>> Then<T>(this Task<Outcome<T>> task)
    {
        var outcome = await task;
        return outcome.Succeeded ? true : outcome.Failure!;
    }
}
