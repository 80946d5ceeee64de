using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Shuqiao.Server.Operations.Health;
using Shuqiao.Server.Operations.Metrics;
using Shuqiao.Server.Operations.OpenApi;

namespace Shuqiao.Server.Operations;

/// <summary>Logs, health, metrics, graceful shutdown and the OpenAPI document's finishing touches (docs/operations.md).</summary>
public static class OperationsSetup
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        // Structured JSON on stdout, one object per line, UTC, with scopes (RequestId, TraceId, SpanId). Levels stay
        // configurable (Logging:LogLevel, Logging__LogLevel__...); the format is fixed because collectors parse it.
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            json.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });

        var services = builder.Services;
        services.AddOptions<OperationsOptions>()
            .BindConfiguration(OperationsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(OperationsOptions.NetworksAreValid, "Shuqiao:Operations:MetricsAllowedNetworks must hold CIDR networks such as 10.0.0.0/8 or ::1/128.")
            .ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<OperationsOptions>>((host, operations) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(operations.Value.ShutdownTimeoutSeconds));

        services.AddTransient<IStartupFilter, RequestLoggingStartupFilter>();
        services.AddHostedService<RequestActivityListener>();
        services.AddHostedService<ShutdownLog>();

        services.AddSingleton<DatabaseConnectivity>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgresql", tags: [ReadyTag])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [ReadyTag]);

        services.AddSingleton<RequestRate>();
        services.AddSingleton<MetricsCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsCollector>());
        services.AddSingleton<NetworkAllowList>();

        services.Configure<OpenApiOptions>("v1", OpenApiDocumentSetup.Configure);
        return builder;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder routes)
    {
        // Anonymous: orchestrators and load balancers probe without credentials. Bodies name checks, never hosts.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .AllowAnonymous().DisableHttpMetrics().WithName("HealthLive");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteAsync })
            .AllowAnonymous().DisableHttpMetrics().WithName("HealthReady");
        routes.MapGet("/metrics", Scrape).AllowAnonymous().DisableHttpMetrics().ExcludeFromDescription().WithName("Metrics");
        return routes;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Scrape(HttpContext context, MetricsCollector collector, NetworkAllowList allowed, ILogger<MetricsCollector> logger)
    {
        if (!allowed.Allows(context.Connection.RemoteIpAddress))
        {
            OperationsLog.MetricsScrapeRefused(logger);
            return TypedResults.Problem(title: "This address may not read the metrics.", statusCode: StatusCodes.Status403Forbidden);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(collector.Scrape(), PrometheusText.ContentType);
    }

    /// <summary>
    /// Says when shutdown begins and ends. On SIGTERM or SIGINT the host stops accepting connections, lets
    /// in-flight requests finish within <see cref="OperationsOptions.ShutdownTimeoutSeconds"/>, stops the hosted
    /// services, then disposes the container, which closes the PostgreSQL data source and its pooled connections.
    /// </summary>
    private sealed class ShutdownLog(IHostApplicationLifetime lifetime, IOptions<OperationsOptions> options, ILogger<ShutdownLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(() => OperationsLog.ShuttingDown(logger, options.Value.ShutdownTimeoutSeconds));
            lifetime.ApplicationStopped.Register(() => OperationsLog.Stopped(logger));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
