using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>The organization tree, one level loaded at a time, with search and level/status filters.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class IndexModel(OrganizationService organizations) : PageModel
{
    private const int PageSize = 100;

    // Expanding every root of a node with many (a city node's departments) would load the whole tree at once.
    private const int ExpandRootsUpTo = 10;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public OrganizationLevel? Level { get; set; }

    [BindProperty(SupportsGet = true)]
    public OrganizationStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public bool IsFiltering => !string.IsNullOrWhiteSpace(Q) || Level is not null || Status is not null;

    public IReadOnlyList<OrganizationLevelCount> Counts { get; private set; } = [];

    public OrganizationTreeGroup Tree { get; private set; } = new(null, null, []);

    public IReadOnlyList<Organization> Results { get; private set; } = [];

    public IReadOnlyDictionary<Guid, Organization> ResultParents { get; private set; } = new Dictionary<Guid, Organization>();

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Counts = await organizations.CountByLevelAsync(cancellationToken);
        if (IsFiltering)
        {
            if (!Platform.Cursor.TryDecodeGuid(Cursor, out var after))
            {
                return BadRequest();
            }

            var rows = await organizations.ListAsync(new OrganizationQuery(Level, null, Status, Q, after, PageSize + 1), cancellationToken);
            var page = Platform.Cursor.PageOf(rows, PageSize, o => o.Id.ToString(), o => o);
            Results = page.Items;
            NextCursor = page.NextCursor;
            var parentIds = Results.Where(o => o.ParentId is not null).Select(o => o.ParentId!.Value).Distinct().ToList();
            ResultParents = (await organizations.GetManyAsync(parentIds, cancellationToken)).ToDictionary(o => o.Id);
            return Page();
        }

        var roots = await organizations.ChildrenAsync(null, cancellationToken);
        var items = new List<OrganizationTreeItem>(roots.Count);
        foreach (var root in roots)
        {
            OrganizationTreeGroup? children = null;
            if (roots.Count <= ExpandRootsUpTo && root.ChildCount > 0)
            {
                var list = await organizations.ChildrenAsync(root.Organization.Id, cancellationToken);
                children = new OrganizationTreeGroup(root.Organization.Id, root.Organization.Name, list.Select(c => new OrganizationTreeItem(c, null)).ToList());
            }

            items.Add(new OrganizationTreeItem(root, children));
        }

        Tree = new OrganizationTreeGroup(null, null, items);
        return Page();
    }

    /// <summary>The children of one organization as a tree group, fetched when the user expands it.</summary>
    public async Task<IActionResult> OnGetChildrenAsync(Guid parentId, CancellationToken cancellationToken)
    {
        var parent = await organizations.GetAsync(parentId, cancellationToken);
        if (parent is null)
        {
            return NotFound();
        }

        var children = await organizations.ChildrenAsync(parentId, cancellationToken);
        return Partial("/Organizations/Pages/_OrganizationTreeGroup.cshtml", new OrganizationTreeGroup(parentId, parent.Name, children.Select(c => new OrganizationTreeItem(c, null)).ToList()));
    }
}
