using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Organizations;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>授权: the grants my organization holds or gives (the data authority: all).</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class GrantsModel(SharingService sharing, OrganizationStore organizations, TimeProvider clock) : PageModel
{
    public IReadOnlyList<StoredGrant> Grants { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public string? NextCursor { get; private set; }

    public string NameOf(Guid id) => Names.TryGetValue(id, out var name) ? name : id.ToString();

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var page = await sharing.ListGrantsAsync(caller, null, cursor, 50, cancellationToken);
        Grants = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
        Names = (await organizations.FindManyAsync(Grants.SelectMany(g => new[] { g.Grant.ProviderId, g.Grant.ConsumerOrganizationId }).Distinct().ToList(), cancellationToken))
            .ToDictionary(o => o.Id, o => o.Name);
        return Page();
    }
}
