using Microsoft.Extensions.DependencyInjection.Extensions;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Quality;

namespace Shuqiao.Server.Quality;

public static class QualitySetup
{
    /// <summary>Registers quality measurement. Call after <c>AddCatalog()</c> and <c>AddIngestion()</c>.</summary>
    public static IServiceCollection AddQuality(this IServiceCollection services)
    {
        services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid, "Shuqiao:Quality: Interval, Debounce and AccessWindow must not be negative, and the weights must be ≥ 0 with one > 0 (docs/quality.md).")
            .ValidateOnStart();
        services.AddAuthorizationBuilder().AddPolicy(QualityPolicies.Runners, p => p.RequireRole(Roles.PlatformAdmin, Roles.DataSteward, Roles.ApiClient));
        services.AddSingleton<QualityStore>();
        services.AddSingleton<QualityMetrics>();
        services.AddSingleton<QualityBacklog>();
        // The Exchange capability replaces this with the gateway's call statistics (可访问性).
        services.AddScoped<QualityService>();
        services.AddHostedService<QualityWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapQuality(this IEndpointRouteBuilder routes)
    {
        routes.MapQualityEndpoints();
        return routes;
    }
}
