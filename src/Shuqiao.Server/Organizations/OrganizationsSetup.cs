using Microsoft.Extensions.DependencyInjection.Extensions;
using Shuqiao.Storage.Audit;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations;

public static class OrganizationsSetup
{
    public static IServiceCollection AddOrganizations(this IServiceCollection services)
    {
        services.AddSingleton<OrganizationStore>();
        services.AddScoped<OrganizationService>();

        // The detail page shows an organization's recent admin audit events; the Audit capability may register it too.
        services.TryAddSingleton<AdminAuditStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder routes)
    {
        routes.MapOrganizationEndpoints();
        return routes;
    }
}
