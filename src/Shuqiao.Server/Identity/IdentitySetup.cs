using Shuqiao.Server.Identity.Users;
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
        return services;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder routes)
    {
        routes.MapUsers();
        return routes;
    }
}
