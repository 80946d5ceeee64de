using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Users;

/// <summary>User administration: PlatformAdmin and Auditor see the list; only a PlatformAdmin changes anything.</summary>
[Authorize(Policy = Policies.AuditReaders, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class IndexModel(UserStore users, OrganizationNames organizations, TimeProvider clock) : PageModel
{
    private const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? OrganizationId { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? After { get; set; }

    public IReadOnlyList<User> Users { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public IReadOnlyList<OrganizationName> Organizations { get; private set; } = [];

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        _ = Cursor.TryDecodeGuid(After, out var after);
        var rows = await users.ListAsync(OrganizationId, Search, after, PageSize + 1, cancellationToken);
        var page = Cursor.PageOf(rows, PageSize, u => u.Id.ToString(), u => u);
        Users = page.Items;
        NextCursor = page.NextCursor;
        Organizations = await organizations.ListAsync(cancellationToken);
    }

    public string OrganizationName(Guid id) => Organizations.FirstOrDefault(o => o.Id == id)?.Name ?? id.ToString();
}
