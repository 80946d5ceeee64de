using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Identity.Tokens;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Identity.Pages.Account;

/// <summary>The signed-in user's personal access tokens: create (shown once), list, revoke.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class TokensModel(AccessTokenService tokens, IOptions<SecurityOptions> security, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public int ExpiresInDays { get; set; } = AccessTokenRules.DefaultLifetimeDays;

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public IReadOnlyList<PersonalAccessToken> Tokens { get; private set; } = [];

    public IReadOnlyList<string> AvailableRoles { get; private set; } = [];

    public int MaxLifetimeDays => security.Value.MaxTokenLifetimeDays;

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public Failure? Problem { get; private set; }

    /// <summary>Set only in the response to a create: the one time the token is shown.</summary>
    public IssuedToken? Issued { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        SelectedRoles = [.. Roles()];
        ExpiresInDays = Math.Min(AccessTokenRules.DefaultLifetimeDays, MaxLifetimeDays);
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        if (SelectedRoles.Count == 0)
        {
            // On this form no box ticked means none, not "all" as the API reads an absent list.
            Problem = Failure.Invalid("roles", "tick at least one role");
        }
        else if (TokenIssuer.Of(User) is not { } issuer)
        {
            return Forbid();
        }
        else
        {
            var outcome = await tokens.CreateAsync(issuer, new CreateTokenRequest(Name, ExpiresInDays, SelectedRoles), HttpContext.ToActor(), cancellationToken);
            Issued = outcome.Value;
            Problem = outcome.Failure;
        }

        if (Issued is not null)
        {
            ApiClientEndpoints.NoStore(HttpContext);
            Name = "";
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        if (User.UserOrClientId() is not { } userId)
        {
            return Forbid();
        }

        var outcome = await tokens.RevokeAsync(tokenId, userId, HttpContext.ToActor(), cancellationToken);
        return outcome.Succeeded ? LocalRedirect("/console/account/tokens?notice=revoked") : NotFound();
    }

    private IEnumerable<string> Roles() => User.FindAll(ClaimTypes.Role).Select(c => c.Value);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        AvailableRoles = [.. Roles()];
        Tokens = User.UserOrClientId() is { } userId ? await tokens.ListAsync(userId, null, 200, cancellationToken) : [];
    }
}
