using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Catalog;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>
/// The catalog: search (live, as the user types, through htmx) with filters, results with sharing and classification
/// badges, and the exports. Reads go through <see cref="CatalogService"/>, as the API's do.
/// </summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class IndexModel(CatalogService catalog, IOptions<CatalogOptions> options, IOptions<ShuqiaoOptions> node, TimeProvider clock) : PageModel
{
    private const int PageSize = 20;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ProviderId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? SharingType { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Classification { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? UpdateFrequency { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public IReadOnlyList<ResourceSummary> Results { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public IReadOnlyList<CatalogProvider> Providers { get; private set; } = [];

    public bool CanCreate => CatalogAccess.Of(User).CanEditAny;

    public bool IsFiltering => !string.IsNullOrWhiteSpace(Q) || ProviderId is not null || !string.IsNullOrEmpty(SharingType) || !string.IsNullOrEmpty(Classification) || !string.IsNullOrEmpty(UpdateFrequency) || !string.IsNullOrEmpty(Status);

    /// <summary>The query string of the current filters (without the cursor), for the next-page link.</summary>
    public string FilterQuery =>
        string.Join('&', new[] { ("q", Q), ("providerId", ProviderId?.ToString()), ("sharingType", SharingType), ("classification", Classification), ("updateFrequency", UpdateFrequency), ("status", Status) }
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var filters = CatalogEndpoints.ReadFilters(Q, ProviderId, SharingType, Classification, UpdateFrequency, Status);
        if (filters.Value is not { } search)
        {
            return BadRequest();
        }

        var page = await catalog.SearchAsync(search, CatalogAccess.Of(User), Cursor, PageSize, cancellationToken);
        if (page.Value is not { } results)
        {
            return BadRequest();
        }

        Results = results.Items;
        NextCursor = results.NextCursor;

        // htmx asks for the results only (live search); a plain request gets the whole page.
        if (Request.Headers.ContainsKey("HX-Request") && Request.Headers["HX-Target"] == "catalog-results")
        {
            return Partial("/Catalog/Pages/_Results.cshtml", this);
        }

        Providers = await catalog.ProvidersAsync(cancellationToken);
        return Page();
    }

    /// <summary>The 编制指南 CSV for the console (the API's export needs an API credential).</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken) =>
        File(CatalogCsv.Write(await catalog.PublishedAsync(cancellationToken), catalog.Taxonomy), "text/csv; charset=utf-8", CatalogCsv.FileName(clock.GetUtcNow()));

    public async Task<IActionResult> OnGetJsonldAsync(CancellationToken cancellationToken)
    {
        var document = await CatalogDcat.BuildAsync(catalog, options.Value, CatalogDcat.BaseUrl(node.Value, Request), clock.GetUtcNow(), cancellationToken);
        return File(Encoding.UTF8.GetBytes(document), CatalogDcat.MediaType + "; charset=utf-8", "catalog.jsonld");
    }
}
