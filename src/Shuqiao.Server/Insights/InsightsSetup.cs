using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Insights;

namespace Shuqiao.Server.Insights;

public static class InsightsSetup
{
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddConsoleTime();
        services.AddSingleton<DashboardStore>();
        services.AddScoped<DashboardService>();
        return services;
    }

    public static IEndpointRouteBuilder MapInsights(this IEndpointRouteBuilder routes)
    {
        routes.MapInsightsEndpoints();
        return routes;
    }
}

/// <summary><c>/api/v1/insights</c>: the figures of the console dashboard, for monitoring and reports.</summary>
public static class InsightsEndpoints
{
    public static IEndpointRouteBuilder MapInsightsEndpoints(this IEndpointRouteBuilder routes)
    {
        var insights = routes.MapGroup("/api/v1/insights").WithTags("Insights").RequireAuthorization(Policies.Api);
        insights.MapGet("/dashboard", Dashboard).WithName("GetDashboard").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Counts of the node: organizations by level, active users by role, API clients, admin changes per hour");
        return routes;
    }

    private static async Task<Ok<DashboardSnapshot>> Dashboard(DashboardService dashboard, CancellationToken cancellationToken) =>
        TypedResults.Ok(await dashboard.ReadAsync(cancellationToken));
}
