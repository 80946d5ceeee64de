using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>Describes a new resource (a draft). Also serves blank field rows to the editor (htmx).</summary>
[Authorize(Policy = CatalogPolicies.Editors)]
public sealed class NewModel(CatalogService catalog, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public ResourceForm Form { get; set; } = ResourceForm.Blank();

    public ResourceFormErrors Errors { get; private set; } = new();

    public IReadOnlyList<Organization> Providers { get; private set; } = [];

    public EditorModel Editor => new(Form, Errors, null, Providers, catalog.Taxonomy.All.Where(c => c.Depth <= 2).ToList(), "/console/catalog/new");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Providers = await catalog.ProviderChoicesAsync(CatalogAccess.Of(User), cancellationToken);
        Form.ProviderId = User.OrganizationOf() is { } own && Providers.Any(p => p.Id == own) ? own : Providers.Count > 0 ? Providers[0].Id : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await catalog.CreateAsync(Form.ToDraft(forEdit: false), CatalogAccess.Of(User), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } created)
        {
            TempData["catalog.success"] = localizer["catalog.message.created", created.Name, created.Code.Value].Value;
            return Redirect($"/console/catalog/{created.Code.Slug}");
        }

        if (outcome.Failure!.Kind == FailureKind.Forbidden)
        {
            return Forbid();
        }

        Errors = ResourceFormErrors.From(outcome.Failure, Form.Fields, localizer);
        Providers = await catalog.ProviderChoicesAsync(CatalogAccess.Of(User), cancellationToken);
        Response.StatusCode = outcome.Failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>A blank field row for the editor's "add field" button.</summary>
    public IActionResult OnGetFieldRow() =>
        Partial("/Catalog/Pages/_FieldRow.cshtml", new FieldRowModel(FieldForm.Blank(), 0, []));
}
