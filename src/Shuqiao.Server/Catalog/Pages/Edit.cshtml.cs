using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>
/// Edits a resource: a draft in place; a published resource's schema change becomes a new version (a breaking one
/// only when the editor ticks "allow breaking", after seeing what breaks).
/// </summary>
[Authorize(Policy = CatalogPolicies.Editors)]
public sealed class EditModel(CatalogService catalog, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty]
    public ResourceForm Form { get; set; } = new();

    public ResourceFormErrors Errors { get; private set; } = new();

    public DataResource Resource { get; private set; } = null!;

    public EditorModel Editor => new(Form, Errors, Resource, [], [], $"/console/catalog/{Resource.Code.Slug}/edit");

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (await EditableAsync(code, cancellationToken) is { } refused)
        {
            return refused;
        }

        Form = ResourceForm.From(Resource);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, CancellationToken cancellationToken)
    {
        if (await EditableAsync(code, cancellationToken) is { } refused)
        {
            return refused;
        }

        var outcome = await catalog.UpdateAsync(code, Form.ToDraft(forEdit: true), CatalogAccess.Of(User), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } change)
        {
            TempData["catalog.success"] = change.NewVersion is { } version
                ? localizer["catalog.message.newVersion", change.Resource.Name, version.Version.ToString()].Value
                : localizer["catalog.message.updated", change.Resource.Name].Value;
            return Redirect($"/console/catalog/{change.Resource.Code.Slug}");
        }

        switch (outcome.Failure!.Kind)
        {
            case FailureKind.NotFound:
                return NotFound();
            case FailureKind.Forbidden:
                return Forbid();
        }

        Errors = ResourceFormErrors.From(outcome.Failure, Form.Fields, localizer);
        Response.StatusCode = outcome.Failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    // Another organization's draft is not found; its published resource is not editable here.
    private async Task<IActionResult?> EditableAsync(string code, CancellationToken cancellationToken)
    {
        var access = CatalogAccess.Of(User);
        if (await catalog.GetAsync(code, access, cancellationToken) is not { } resource)
        {
            return NotFound();
        }

        if (!access.Edits(resource.ProviderId))
        {
            return Forbid();
        }

        Resource = resource;
        return null;
    }
}
