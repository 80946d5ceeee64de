using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>/console/licences: the licences of the user's organization (all for a PlatformAdmin), newest first.</summary>
[Authorize(Policy = Policies.LicenceIssuers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class IndexModel(LicenceService service) : PageModel
{
    private const int PageSize = 50;

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public Guid? TypeId { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "cursor")]
    public string? After { get; set; }

    public IReadOnlyList<Licence> Licences { get; private set; } = [];

    public IReadOnlyList<LicenceTypeListing> Types { get; private set; } = [];

    public IReadOnlyDictionary<LicenceStatus, int> Counts { get; private set; } = new Dictionary<LicenceStatus, int>();

    public string? NextCursor { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var scope = LicenceScope.Of(User);
        _ = Cursor.TryDecodeGuid(After, out var after);
        LicenceStatus? status = Enum.TryParse<LicenceStatus>(Status, out var parsed) ? parsed : null;
        var rows = await service.ListAsync(new LicenceQuery(scope.OrganizationId, TypeId, status, null, Search, after, PageSize + 1), cancellationToken);
        var page = Cursor.PageOf(rows, PageSize, l => l.Id.ToString(), l => l);
        Licences = page.Items;
        NextCursor = page.NextCursor;
        Types = await service.ListTypesAsync(scope, null, cancellationToken);
        Counts = await service.CountByStatusAsync(scope, cancellationToken);
    }
}
