using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity;

/// <summary>
/// Re-checks a console session against the user row (cached briefly), so disabling a user, changing their roles
/// or their password ends their existing sessions. API callers get 401/403 instead of a login redirect.
/// </summary>
public sealed class ConsoleCookieEvents(UserStore users, IMemoryCache cache) : CookieAuthenticationEvents
{
    public static string CacheKey(Guid userId) => $"user-stamp:{userId}";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.UserOrClientId();
        var stamp = context.Principal?.FindFirstValue(ShuqiaoClaims.SecurityStamp);
        if (id is null || stamp is null)
        {
            await Reject(context);
            return;
        }

        var current = await cache.GetOrCreateAsync(CacheKey(id.Value), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30);
            var user = await users.FindAsync(id.Value, context.HttpContext.RequestAborted);
            return user is { Status: UserStatus.Active } ? user.SecurityStamp.ToString() : null;
        });
        if (current != stamp)
        {
            await Reject(context);
        }
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        IsApi(context.Request) ? Status(context, StatusCodes.Status401Unauthorized) : base.RedirectToLogin(context);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        IsApi(context.Request) ? Status(context, StatusCodes.Status403Forbidden) : base.RedirectToAccessDenied(context);

    private static async Task Reject(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthSchemes.Console);
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Headers.ContainsKey("HX-Request");

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
