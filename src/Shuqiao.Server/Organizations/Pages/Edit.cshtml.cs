using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>Edits an organization; also receives the disable and enable buttons of the detail page.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class EditModel(OrganizationService organizations, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Level { get; set; }

    [BindProperty]
    public Guid? ParentId { get; set; }

    [BindProperty]
    public bool IsDataAuthority { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    public Organization Organization { get; private set; } = null!;

    public IReadOnlyList<Organization> ParentCandidates { get; private set; } = [];

    public OrganizationFormErrors Errors { get; private set; } = new();

    public OrganizationFormFields Fields => new(Name, Level, ParentId, IsDataAuthority, ParentCandidates, Organization.Id, Errors);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await organizations.GetAsync(id, cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        Organization = organization;
        (Name, Level, ParentId, IsDataAuthority, Version) = (organization.Name, organization.Level.ToString(), organization.ParentId, organization.IsDataAuthority, organization.Version);
        ParentCandidates = await CandidatesAsync(organization, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var outcome = await organizations.UpdateAsync(id, new UpdateOrganizationRequest(Name, Level, ParentId, IsDataAuthority, Version), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } updated)
        {
            TempData["org.success"] = localizer["org.message.updated", updated.Name].Value;
            return Redirect($"/console/organizations/{updated.Id}");
        }

        var failure = outcome.Failure!;
        if (failure.Kind == FailureKind.NotFound || await organizations.GetAsync(id, cancellationToken) is not { } current)
        {
            return NotFound();
        }

        Organization = current;
        Errors = OrganizationFormErrors.From(failure, localizer);
        ParentCandidates = await CandidatesAsync(current, cancellationToken);
        Response.StatusCode = failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, organizations.DisableAsync, "org.message.disabled", "org.message.notDisabled", cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, organizations.EnableAsync, "org.message.enabled", "org.message.notEnabled", cancellationToken);

    private async Task<IActionResult> ChangeStatusAsync(
        Guid id,
        Func<Guid, Core.Audit.Actor, CancellationToken, Task<Outcome<Organization>>> change,
        string doneKey,
        string refusedKey,
        CancellationToken cancellationToken)
    {
        var outcome = await change(id, HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } organization)
        {
            TempData["org.success"] = localizer[doneKey, organization.Name].Value;
        }
        else if (outcome.Failure!.Kind == FailureKind.NotFound)
        {
            return NotFound();
        }
        else
        {
            var name = (await organizations.GetAsync(id, cancellationToken))?.Name ?? "";
            TempData["org.failure"] = localizer[refusedKey, name].Value;
            TempData["org.failureDetails"] = string.Join('\n', outcome.Failure.Issues.Select(i => localizer.Issue(i)));
        }

        return Redirect($"/console/organizations/{id}");
    }

    private async Task<IReadOnlyList<Organization>> CandidatesAsync(Organization organization, CancellationToken cancellationToken)
    {
        var candidates = await organizations.ParentCandidatesAsync(cancellationToken);

        // A disabled current parent is not a candidate for new children, but must stay selectable here.
        if (organization.ParentId is { } parentId && candidates.All(c => c.Id != parentId) && await organizations.GetAsync(parentId, cancellationToken) is { } parent)
        {
            candidates = [parent, .. candidates];
        }

        return candidates;
    }
}
