using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences/bulk: issue one licence per row of a CSV file, all or nothing.</summary>
[Authorize(Policy = Policies.LicenceIssuers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class BulkModel(LicenceService service, NodeAddress node, IStringLocalizer<Program> localizer) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? TypeId { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public string? Charset { get; set; }

    public IReadOnlyList<LicenceTypeListing> Types { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public int? Issued { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Types = await service.ListTypesAsync(LicenceScope.Of(User), LicenceTypeStatus.Active, cancellationToken);

    public async Task<IActionResult> OnGetTemplateAsync(CancellationToken cancellationToken)
    {
        if (TypeId is not { } id || await service.FindTypeAsync(id, LicenceScope.Of(User), cancellationToken) is not { } type)
        {
            return NotFound();
        }

        return File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(LicenceCsv.Template(type))], "text/csv; charset=utf-8", $"{type.Code}.csv");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Types = await service.ListTypesAsync(LicenceScope.Of(User), LicenceTypeStatus.Active, cancellationToken);
        if (TypeId is null || Upload is null || Upload.Length == 0)
        {
            Errors = [localizer["lic.bulk.missing"].Value];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        using var buffer = new MemoryStream();
        await Upload.CopyToAsync(buffer, cancellationToken);
        var outcome = await service.IssueBulkAsync(TypeId.Value, buffer.ToArray(), string.IsNullOrEmpty(Charset) ? null : Charset, LicenceScope.Of(User), node.BaseUrl(HttpContext), HttpContext.ToActor(), cancellationToken);
        if (outcome.Succeeded)
        {
            Issued = outcome.Issued.Count;
            return Page();
        }

        Errors = outcome.Failure is { } failure
            ? LicenceText.Issues(localizer, failure)
            : outcome.Issues.Select(i => i.Row > 0 ? localizer["lic.bulk.row", i.Row, LicenceText.Issue(localizer, i.Issue)].Value : LicenceText.Issue(localizer, i.Issue)).ToList();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
