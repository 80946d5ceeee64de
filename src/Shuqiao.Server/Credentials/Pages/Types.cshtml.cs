using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Organizations;
using Shuqiao.Storage.Credentials;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences/types: the licence types (证照类型) of the organization, and a form for a new one.</summary>
[Authorize(Policy = Policies.LicenceIssuers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class TypesModel(LicenceService service, OrganizationService organizations, IStringLocalizer<Program> localizer) : PageModel
{
    public const string FieldsExample = "companyName,名称,Text,required\nlegalRepresentative,法定代表人,Text,required\nestablishedOn,成立日期,Date,required";

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? HolderKind { get; set; }

    [BindProperty]
    public string? FieldLines { get; set; }

    [BindProperty]
    public int? ValidityYears { get; set; }

    [BindProperty]
    public string? Orientation { get; set; }

    [BindProperty]
    public string? Theme { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public Guid? OrganizationId { get; set; }

    public IReadOnlyList<LicenceTypeListing> Types { get; private set; } = [];

    public IReadOnlyList<Organization> Organizations { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (fields, lineIssues) = LicenceRules.ParseFieldLines(FieldLines);
        if (lineIssues.Count > 0)
        {
            Errors = lineIssues.Select(i => LicenceText.Issue(localizer, i)).ToList();
        }
        else
        {
            var request = new LicenceTypeRequest(
                Name, HolderKind, fields.Select(f => new LicenceFieldRequest(f.Name, f.Label, f.Type.ToString(), f.Required)).ToList(), ValidityYears,
                new LicenceLayoutRequest(Orientation, Theme, Note), User.IsPlatformAdmin() ? OrganizationId : null);
            var outcome = await service.CreateTypeAsync(request, LicenceScope.Of(User), User.OrganizationOf(), HttpContext.ToActor(), cancellationToken);
            if (outcome.Value is { } created)
            {
                TempData["org.success"] = localizer["lic.message.typeCreated", created.Name, created.Code].Value;
                return Redirect("/console/licences/types");
            }

            Errors = LicenceText.Issues(localizer, outcome.Failure!);
        }

        await LoadAsync(cancellationToken);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostRetireAsync(Guid id, CancellationToken cancellationToken)
    {
        var outcome = await service.RetireTypeAsync(id, LicenceScope.Of(User), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } type)
        {
            TempData["org.success"] = localizer["lic.message.typeRetired", type.Name].Value;
        }

        return Redirect("/console/licences/types");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Types = await service.ListTypesAsync(LicenceScope.Of(User), null, cancellationToken);
        if (User.IsPlatformAdmin())
        {
            Organizations = await organizations.ListAsync(new OrganizationQuery(Status: OrganizationStatus.Active, Limit: 500), cancellationToken);
        }
    }
}
