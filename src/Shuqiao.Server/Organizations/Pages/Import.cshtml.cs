using Shuqiao.Core.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>One problem of a refused file, worded for the table on the page.</summary>
public sealed record ImportProblem(int Row, string Field, string Message);

/// <summary>Uploads an organization CSV file; shows what was created, or every problem if nothing was.</summary>
[Authorize(Policy = Policies.PlatformAdmin)]
public sealed class ImportModel(OrganizationService organizations, IStringLocalizer<Program> localizer) : PageModel
{
    // The table stays usable; the full list is what the API returns.
    public const int ShownProblems = 1000;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public string Charset { get; set; } = "utf-8";

    public IReadOnlyList<Organization>? Created { get; private set; }

    public IReadOnlyList<ImportProblem>? Problems { get; private set; }

    public int ProblemCount { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>An empty file with the Chinese header, UTF-8 with a BOM so that Excel opens it correctly.</summary>
    public IActionResult OnGetTemplate() =>
        File(OrganizationCsv.Template(chineseHeader: true), "text/csv; charset=utf-8", "organizations-template.csv");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Upload is null || Upload.Length == 0)
        {
            Error = localizer["org.import.noFile"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        using var content = new MemoryStream();
        await Upload.CopyToAsync(content, cancellationToken);
        var outcome = await organizations.ImportAsync(content.GetBuffer().AsMemory(0, (int)content.Length), Charset, HttpContext.ToActor(), cancellationToken);
        if (outcome.Succeeded)
        {
            Created = outcome.Created;
            return Page();
        }

        Response.StatusCode = outcome.ConcurrentConflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        if (outcome.ConcurrentConflict)
        {
            Error = localizer["org.import.raced"];
            return Page();
        }

        ProblemCount = outcome.Issues.Count;
        Problems = outcome.Issues
            .Take(ShownProblems)
            .Select(i => new ImportProblem(i.Row, i.Row == 0 ? localizer["org.import.wholeFile"] : localizer.Field(i.Issue.Field), localizer.Issue(i.Issue)))
            .ToList();
        return Page();
    }
}
