using System.Security.Claims;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Identity;

/// <summary>Claim names on a Shuqiao principal, whichever way it authenticated.</summary>
public static class ShuqiaoClaims
{
    public const string Id = ClaimTypes.NameIdentifier;          // user id or API client id
    public const string OrganizationId = "shuqiao:org";
    public const string Login = "shuqiao:login";                 // user login, or an API client's key id
    public const string SecurityStamp = "shuqiao:stamp";
    public const string Method = "shuqiao:auth";                 // cookie | apikey | token
    public const string RateLimitPerMinute = "shuqiao:rate";     // API clients only
    public const string TokenId = "shuqiao:token";               // personal access tokens only: the token's row id
    public const string TokenExpiresAt = "shuqiao:token-exp";    // personal access tokens only: ISO 8601

    public static Guid? UserOrClientId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(Id), out var id) ? id : null;

    public static Guid? OrganizationOf(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(OrganizationId), out var id) ? id : null;

    public static bool IsApiClient(this ClaimsPrincipal principal) => principal.IsInRole(Roles.ApiClient);

    public static bool IsPlatformAdmin(this ClaimsPrincipal principal) => principal.IsInRole(Roles.PlatformAdmin);

    /// <summary>The actor recorded in admin audit events for this request.</summary>
    public static Actor ToActor(this HttpContext context)
    {
        var principal = context.User;
        var kind = principal.IsApiClient() ? ActorKind.ApiClient : ActorKind.User;
        return new Actor(
            kind,
            principal.UserOrClientId(),
            principal.FindFirstValue(Login) ?? principal.Identity?.Name ?? "anonymous",
            principal.OrganizationOf(),
            context.TraceIdentifier,
            context.Connection.RemoteIpAddress?.ToString());
    }
}
