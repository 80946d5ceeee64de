using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Clients;

[Authorize(Policy = Policies.ClientManagers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class IndexModel(ApiClientService clients, OrganizationNames organizations) : PageModel
{
    private const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public Guid? OrganizationId { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public IReadOnlyList<ApiClient> Clients { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>For the PlatformAdmin's organization filter; empty for a DataSteward, who sees only its own.</summary>
    public IReadOnlyList<OrganizationName> Organizations { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> OrganizationNames { get; private set; } = new Dictionary<Guid, string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        _ = Cursor.TryDecodeGuid(After, out var after);
        var rows = await clients.ListAsync(ClientScope.Of(User), OrganizationId, after, PageSize + 1, cancellationToken);
        var page = Cursor.PageOf(rows, PageSize, c => c.Id.ToString(), c => c);
        Clients = page.Items;
        NextCursor = page.NextCursor;
        var all = await organizations.ListAsync(cancellationToken);
        OrganizationNames = all.ToDictionary(o => o.Id, o => o.Name);
        Organizations = User.IsPlatformAdmin() ? all : [];
    }

    public string OrganizationName(Guid id) => OrganizationNames.TryGetValue(id, out var name) ? name : id.ToString();
}
