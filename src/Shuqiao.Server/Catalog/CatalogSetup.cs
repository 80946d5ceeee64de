using Microsoft.Extensions.DependencyInjection.Extensions;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Catalog;

public static class CatalogSetup
{
    /// <summary>
    /// Registers the catalog. Call after <c>AddDemoData()</c>: its demo resources are a start-up task that needs the
    /// demo organizations, and start-up tasks run in registration order.
    /// </summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations()
            .Validate(Taxonomy, "Shuqiao:Catalog:Categories must be codes of 1, 3, 6 or 9 digits, each under an existing parent (docs/catalog.md).")
            .ValidateOnStart();
        services.AddAuthorizationBuilder().AddPolicy(CatalogPolicies.Editors, p => p.RequireRole(Roles.PlatformAdmin, Roles.DataSteward));
        services.AddSingleton<CatalogStore>();
        services.TryAddSingleton<OrganizationStore>();
        services.AddScoped<CatalogService>();
        services.AddSingleton<IStartupTask, CatalogDemoData>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder routes)
    {
        routes.MapCatalogEndpoints();
        return routes;
    }

    private static bool Taxonomy(CatalogOptions options)
    {
        try
        {
            options.Taxonomy();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
