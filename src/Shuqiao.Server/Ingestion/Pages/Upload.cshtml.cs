using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Ingestion.Pages;

/// <summary>
/// Uploading a file into a resource from the console: the browser sends the file itself as the request body (no
/// multipart, so it streams like an API upload) with upload progress, then opens the batch page.
/// </summary>
[Authorize(Policy = IngestionPolicies.ConsoleLoaders)]
public sealed class UploadModel(CatalogService catalog, IngestionService ingestion) : PageModel
{
    public DataResource Resource { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(code, CatalogAccess.Of(User), cancellationToken) is not { } resource || !IngestionService.Loads(User, resource))
        {
            return NotFound();
        }

        Resource = resource;
        return Page();
    }

    /// <summary>The file as the body; answers JSON with the batch page to open, or the refusal's problem.</summary>
    public async Task<IActionResult> OnPostAsync(string code, string? mode, string? charset, CancellationToken cancellationToken)
    {
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (HttpContext.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true;
        }

        var type = Request.ContentType ?? "";
        if (type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(charset))
        {
            type = "text/csv; charset=" + charset;
        }

        var outcome = await ingestion.UploadAsync(new Upload(code, type, mode, null, Request.Body), User, HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } result)
        {
            return new JsonResult(new { batch = $"/console/batches/{result.Batch.Id}" });
        }

        var failure = outcome.Failure!;
        return new JsonResult(new { title = failure.Title, errors = failure.Errors }) { StatusCode = StatusCodes.Status400BadRequest };
    }
}
