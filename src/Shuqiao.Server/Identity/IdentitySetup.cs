using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Identity.Tokens;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Server.Organizations;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity;

public static class IdentitySetup
{
    public static IServiceCollection AddIdentityCapability(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<UserStore>();
        services.AddScoped<UserService>();
        services.AddScoped<SignInService>();
        services.AddCredentials();
        return services;
    }

    /// <summary>API clients, personal access tokens, their cached lookups and the per-caller rate limits.</summary>
    public static IServiceCollection AddCredentials(this IServiceCollection services)
    {
        services.AddSingleton<ApiClientStore>();
        services.AddSingleton<AccessTokenStore>();
        services.AddSingleton<OrganizationNames>();
        services.AddSingleton<CredentialCache>();
        services.AddSingleton<IOrganizationStatusListener, OrganizationStatusInvalidation>();
        services.AddScoped<ApiClientService>();
        services.AddScoped<AccessTokenService>();
        services.AddApiRateLimits();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder routes)
    {
        routes.MapUsers();
        routes.MapCredentials();
        return routes;
    }

    public static IEndpointRouteBuilder MapCredentials(this IEndpointRouteBuilder routes)
    {
        routes.MapApiClients();
        routes.MapTokens();
        return routes;
    }
}
