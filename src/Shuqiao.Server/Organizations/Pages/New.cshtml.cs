using Shuqiao.Core.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Organizations.Pages;

[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class NewModel(OrganizationService organizations, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Level { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ParentId { get; set; }

    [BindProperty]
    public bool IsDataAuthority { get; set; }

    public IReadOnlyList<Organization> ParentCandidates { get; private set; } = [];

    public OrganizationFormErrors Errors { get; private set; } = new();

    public OrganizationFormFields Fields => new(Name, Level, ParentId, IsDataAuthority, ParentCandidates, null, Errors);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ParentCandidates = await organizations.ParentCandidatesAsync(cancellationToken);

        // "New child organization" from a detail page: the child's level is most often the next one down.
        if (ParentId is { } parentId && ParentCandidates.FirstOrDefault(c => c.Id == parentId) is { } parent && parent.Level < OrganizationLevel.Village)
        {
            Level = (parent.Level + 1).ToString();
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await organizations.CreateAsync(new CreateOrganizationRequest(Code, Name, Level, ParentId, IsDataAuthority), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } created)
        {
            TempData["org.success"] = localizer["org.message.created", created.Name].Value;
            return Redirect($"/console/organizations/{created.Id}");
        }

        Errors = OrganizationFormErrors.From(outcome.Failure!, localizer);
        ParentCandidates = await organizations.ParentCandidatesAsync(cancellationToken);
        Response.StatusCode = outcome.Failure!.Kind == Core.Common.FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }
}
