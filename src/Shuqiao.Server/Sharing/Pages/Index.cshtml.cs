using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Organizations;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>共享申请: my organization's outgoing requests, incoming ones to review, and those awaiting the data authority.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class IndexModel(SharingService sharing, OrganizationStore organizations, TimeProvider clock) : PageModel
{
    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public SharingBox Box { get; private set; } = SharingBox.Outgoing;

    public bool IsAuthority { get; private set; }

    public IReadOnlyList<SharingRequest> Requests { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? box, string? cursor, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        IsAuthority = caller.OrganizationIsAuthority;
        Box = Enum.TryParse<SharingBox>(box, ignoreCase: true, out var b) && Enum.IsDefined(b) && b != SharingBox.All ? b
            : caller.IsApprover && !caller.IsSteward ? SharingBox.Incoming : SharingBox.Outgoing;
        var page = await sharing.ListAsync(caller, Box, null, cursor, 50, cancellationToken);
        Requests = page.Value?.Items ?? [];
        NextCursor = page.Value?.NextCursor;
        var ids = Requests.SelectMany(r => new[] { r.ProviderId, r.RequesterOrganizationId }).Distinct().ToList();
        Names = (await organizations.FindManyAsync(ids, cancellationToken)).ToDictionary(o => o.Id, o => o.Name);
        return Page();
    }

    public string NameOf(Guid id) => Names.TryGetValue(id, out var name) ? name : id.ToString();
}
