using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Tokens;

public sealed record CreateTokenRequest(string Name, int? ExpiresInDays = null, IReadOnlyList<string>? Roles = null);

/// <summary>A token together with its full credential (<c>tokenId.secret</c>), which exists only in this response.</summary>
public sealed record IssuedToken(PersonalAccessToken Token, string Credential);

/// <summary>
/// Who is creating a token and what they may hand on: a console session may give the user's roles; a token may
/// give at most its own roles and must not outlive itself (<see cref="NotAfter"/>).
/// </summary>
public sealed record TokenIssuer(Guid UserId, IReadOnlyCollection<string> Roles, DateTimeOffset? NotAfter)
{
    /// <summary>The issuer a signed-in user (cookie) or a token principal stands for; null for API clients.</summary>
    public static TokenIssuer? Of(ClaimsPrincipal principal)
    {
        var method = principal.FindFirstValue(ShuqiaoClaims.Method);
        if (principal.IsApiClient() || method is not ("cookie" or "token") || principal.UserOrClientId() is not { } userId)
        {
            return null;
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        DateTimeOffset? notAfter = method == "token"
            && DateTimeOffset.TryParse(principal.FindFirstValue(ShuqiaoClaims.TokenExpiresAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires)
            ? expires
            : null;
        return new TokenIssuer(userId, roles, notAfter);
    }
}

/// <summary>Personal access tokens, shared by the API, the console page and the test helpers.</summary>
public sealed class AccessTokenService(AccessTokenStore store, UserStore users, CredentialCache credentials, IOptions<SecurityOptions> security, TimeProvider clock)
{
    public async Task<Outcome<IssuedToken>> CreateAsync(TokenIssuer issuer, CreateTokenRequest request, Actor actor, CancellationToken cancellationToken)
    {
        // The user's current roles, not those of a session that started before a role was taken away.
        var user = await users.FindAsync(issuer.UserId, cancellationToken);
        if (user is not { Status: UserStatus.Active })
        {
            return Failure.Invalid("credential", "only an active user can create tokens");
        }

        var errors = new FieldErrors();
        if (AccessTokenRules.ValidateName(request.Name) is { } nameError)
        {
            errors.Add("name", nameError);
        }

        var now = clock.GetUtcNow();
        var maxDays = security.Value.MaxTokenLifetimeDays;
        var days = request.ExpiresInDays ?? Math.Min(AccessTokenRules.DefaultLifetimeDays, maxDays);
        var expiresAt = now;
        if (AccessTokenRules.ValidateLifetime(days, maxDays) is { } lifetimeError)
        {
            errors.Add("expiresInDays", lifetimeError);
        }
        else
        {
            expiresAt = now.AddDays(days);
            if (issuer.NotAfter is { } notAfter && expiresAt > notAfter)
            {
                if (request.ExpiresInDays is null)
                {
                    expiresAt = notAfter; // by default a token minted by a token ends with it
                }
                else
                {
                    errors.Add("expiresInDays", $"must not outlive the token used to create it, which expires at {notAfter.UtcDateTime:u}");
                }
            }
        }

        var roles = AccessTokenRules.NarrowRoles(request.Roles, [.. issuer.Roles.Where(user.Roles.Contains)]);
        if (roles.Failure?.Errors is { } roleErrors)
        {
            foreach (var reason in roleErrors.SelectMany(e => e.Value))
            {
                errors.Add("roles", reason);
            }
        }

        if (!errors.IsEmpty || request.Name is null)
        {
            return Failure.Invalid(errors);
        }

        var credential = SecretCredential.Create(PersonalAccessToken.TokenIdPrefix);
        var created = await store.CreateAsync(
            new NewAccessToken(credential.Id, user.Id, request.Name.Trim(), roles.Value!, expiresAt), SecretCredential.Hash(credential.Secret), actor, cancellationToken);
        if (created.Value is not { } token)
        {
            return created.Failure!;
        }

        credentials.InvalidateToken(token.TokenId);
        return new IssuedToken(token, credential.ToString());
    }

    public Task<IReadOnlyList<PersonalAccessToken>> ListAsync(Guid userId, Guid? before, int limit, CancellationToken cancellationToken) =>
        store.ListForUserAsync(userId, before, limit, cancellationToken);

    public async Task<Outcome<PersonalAccessToken>> RevokeAsync(Guid id, Guid userId, Actor actor, CancellationToken cancellationToken)
    {
        var outcome = await store.RevokeAsync(id, userId, actor, cancellationToken);
        if (outcome.Value is { } token)
        {
            credentials.InvalidateToken(token.TokenId);
        }

        return outcome;
    }
}
