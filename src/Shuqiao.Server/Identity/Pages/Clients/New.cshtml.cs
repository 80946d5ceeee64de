using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Pages.Clients;

[Authorize(Policy = Policies.ClientManagers, AuthenticationSchemes = AuthSchemes.Console)]
public sealed class NewModel(ApiClientService clients, OrganizationNames organizations, IOptions<SecurityOptions> security) : PageModel
{
    [BindProperty]
    public ClientForm Form { get; set; } = new();

    public IReadOnlyList<OrganizationName> Organizations { get; private set; } = [];

    public Failure? Problem { get; private set; }

    /// <summary>Set only in the response to a successful create: the one time the key is shown.</summary>
    public IssuedClientKey? Issued { get; private set; }

    public string? OwnOrganizationName { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Form = new ClientForm { OrganizationId = User.OrganizationOf(), RateLimitPerMinute = security.Value.DefaultClientRateLimitPerMinute };
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var scope = ClientScope.Of(User);
        var request = new CreateClientRequest(
            Form.Name, scope.OrganizationId ?? Form.OrganizationId, Form.Description, Display.Lines(Form.IpAllowList), Form.RateLimitPerMinute);
        var outcome = await clients.CreateAsync(request, scope, User.OrganizationOf(), HttpContext.ToActor(), isDemo: false, cancellationToken);
        if (outcome.Value is { } issued)
        {
            Issued = issued;
            ApiClientEndpoints.NoStore(HttpContext);
        }
        else
        {
            Problem = outcome.Failure;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var all = await organizations.ListAsync(cancellationToken);
        Organizations = User.IsPlatformAdmin() ? [.. all.Where(o => o.Active)] : [];
        OwnOrganizationName = all.FirstOrDefault(o => o.Id == User.OrganizationOf())?.Name;
    }
}
