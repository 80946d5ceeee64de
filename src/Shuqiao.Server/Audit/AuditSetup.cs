using Shuqiao.Server.Console;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Server.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddConsoleTime();
        services.AddSingleton<AdminAuditStore>();
        services.AddScoped<AdminAuditService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        routes.MapAdminAudit();
        return routes;
    }
}
