using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences/issue: choose a type, fill in the holder and the type's fields, issue one licence.</summary>
[Authorize(Policy = Policies.LicenceIssuers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class IssueModel(LicenceService service, NodeAddress node, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? TypeId { get; set; }

    [BindProperty]
    public string? HolderName { get; set; }

    [BindProperty]
    public string? HolderCode { get; set; }

    [BindProperty]
    public string? LicenceNumber { get; set; }

    [BindProperty]
    public string? ValidFrom { get; set; }

    [BindProperty]
    public string? ValidUntil { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Claims { get; set; } = new(StringComparer.Ordinal);

    public IReadOnlyList<LicenceTypeListing> Types { get; private set; } = [];

    public LicenceType? Type { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public IReadOnlySet<string> InvalidFields { get; private set; } = new HashSet<string>();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Type is null)
        {
            Errors = [localizer["lic.issue.chooseType"].Value];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await service.IssueAsync(
            new IssueLicenceRequest(Type.Code, HolderName, HolderCode, Claims, LicenceNumber, ValidFrom, ValidUntil),
            LicenceScope.Of(User), node.BaseUrl(HttpContext), HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } licence)
        {
            TempData["org.success"] = localizer["lic.message.issued", licence.NationalId].Value;
            return Redirect($"/console/licences/{licence.Id}");
        }

        Errors = LicenceText.Issues(localizer, outcome.Failure!);
        InvalidFields = outcome.Failure!.Issues.Select(i => i.Field).ToHashSet(StringComparer.Ordinal);
        Response.StatusCode = outcome.Failure.Kind == Core.Common.FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var scope = LicenceScope.Of(User);
        Types = await service.ListTypesAsync(scope, LicenceTypeStatus.Active, cancellationToken);
        Type = TypeId is { } id ? Types.FirstOrDefault(t => t.Type.Id == id)?.Type : Types.Count == 1 ? Types[0].Type : null;
        TypeId = Type?.Id;
    }
}
