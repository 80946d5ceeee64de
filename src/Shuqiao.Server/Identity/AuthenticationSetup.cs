using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Identity.Tokens;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Identity;

public static class AuthenticationSetup
{
    public static AuthenticationBuilder AddShuqiaoAuthentication(this IServiceCollection services)
    {
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Console)
            .Configure<IOptions<SecurityOptions>>((cookie, security) =>
            {
                cookie.Cookie.Name = "shuqiao.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(security.Value.SessionTimeoutMinutes);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/console/login";
                cookie.LogoutPath = "/console/logout";
                cookie.AccessDeniedPath = "/console/denied";
                cookie.EventsType = typeof(ConsoleCookieEvents);
            });
        services.AddScoped<ConsoleCookieEvents>();

        return services
            .AddAuthentication(AuthSchemes.Selector)
            .AddPolicyScheme(AuthSchemes.Selector, "Shuqiao", options => options.ForwardDefaultSelector = SelectScheme)
            .AddCookie(AuthSchemes.Console)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, "API key", null)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenAuthenticationHandler>(AuthSchemes.Bearer, "Personal access token", null);
    }

    private static string SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthSchemes.ApiKey;
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthSchemes.Bearer;
        }

        return AuthSchemes.Console;
    }
}
