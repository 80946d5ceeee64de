using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>
/// A resource: its description, sharing terms, fields with their classification, version history, and the places
/// that quality scores and consumers will fill. Publish and retire are posted here.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class DetailsModel(CatalogService catalog, IStringLocalizer<Program> localizer) : PageModel
{
    public DataResource Resource { get; private set; } = null!;

    public IReadOnlyList<ResourceVersion> Versions { get; private set; } = [];

    /// <summary>The version whose fields are shown: the current one unless another was asked for.</summary>
    public ResourceVersion? Shown { get; private set; }

    public IReadOnlyList<ResourceField> Fields => Shown?.Fields ?? Resource.Fields;

    public bool ShowsOlderVersion => Shown is not null && Shown.Version != Resource.Version;

    public bool CanEdit { get; private set; }

    public string CategoryPath { get; private set; } = "";

    /// <summary>The licence type (电子证照类型) this resource describes, if it is one (see docs/credentials.md).</summary>
    public Shuqiao.Core.Credentials.LicenceType? LicenceType { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, string? version, [FromServices] Credentials.LicenceService licences, CancellationToken cancellationToken)
    {
        var access = CatalogAccess.Of(User);
        if (await catalog.VersionsAsync(code, access, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        (Resource, Versions) = found;
        if (version is not null)
        {
            if (!SchemaVersion.TryParse(version, out var wanted) || Versions.FirstOrDefault(v => v.Version == wanted) is not { } shown)
            {
                return NotFound();
            }

            Shown = shown;
        }

        CanEdit = access.Edits(Resource.ProviderId) && Resource.Status != ResourceStatus.Retired;
        CategoryPath = catalog.Taxonomy.PathText(Resource.Code.Category);
        LicenceType = await licences.FindTypeByCatalogCodeAsync(Resource.Code.Value, cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostPublishAsync(string code, CancellationToken cancellationToken) =>
        ChangeAsync(code, catalog.PublishAsync, "catalog.message.published", "catalog.message.notPublished", cancellationToken);

    public Task<IActionResult> OnPostRetireAsync(string code, CancellationToken cancellationToken) =>
        ChangeAsync(code, catalog.RetireAsync, "catalog.message.retired", "catalog.message.notRetired", cancellationToken);

    private async Task<IActionResult> ChangeAsync(
        string code, Func<string, CatalogAccess, Core.Audit.Actor, CancellationToken, Task<Outcome<DataResource>>> change, string done, string refused, CancellationToken cancellationToken)
    {
        var outcome = await change(code, CatalogAccess.Of(User), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } resource)
        {
            TempData["catalog.success"] = localizer[done, resource.Name].Value;
            return Redirect($"/console/catalog/{resource.Code.Slug}");
        }

        switch (outcome.Failure!.Kind)
        {
            case FailureKind.NotFound:
                return NotFound();
            case FailureKind.Forbidden:
                return Forbid();
            case FailureKind.Validation:
                return BadRequest();
        }

        TempData["catalog.failure"] = localizer[refused].Value;
        TempData["catalog.failureDetails"] = string.Join('\n', outcome.Failure.Issues.Select(i => localizer.Issue(i)));
        return Redirect($"/console/catalog/{Uri.EscapeDataString(code)}");
    }
}
