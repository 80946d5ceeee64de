using Shuqiao.Core.Identity;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

public static class IngestionSetup
{
    /// <summary>Registers ingestion. Call after <c>AddCatalog()</c>: the demo records need the demo catalog.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations()
            .Validate<Npgsql.NpgsqlDataSource>(
                (options, dataSource) => 3 * options.MaxConcurrentBatches < new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize,
                "Shuqiao:Ingestion:MaxConcurrentBatches × 3 must stay below the database pool's Maximum Pool Size (a batch holds up to three connections).")
            .ValidateOnStart();
        services.AddSingleton<IngestionSlots>();
        services.AddAuthorizationBuilder().AddPolicy(IngestionPolicies.Loaders, p => p.RequireRole(Roles.PlatformAdmin, Roles.DataSteward, Roles.ApiClient))
            .AddPolicy(IngestionPolicies.ConsoleLoaders, p => p.AddAuthenticationSchemes(AuthSchemes.Console).RequireRole(Roles.PlatformAdmin, Roles.DataSteward));
        services.AddSingleton<IngestStore>();
        services.AddSingleton<RejectedRowRetentionStore>();
        services.AddSingleton<RejectedRowRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<RejectedRowRetention>());
        services.AddScoped<IngestionService>();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IStartupTask, IngestStagingSweep>();
        services.AddSingleton<IStartupTask, IngestionDemoData>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder routes)
    {
        routes.MapIngestionEndpoints();
        return routes;
    }
}
