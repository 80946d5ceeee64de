using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Quality;
using Shuqiao.Server.Platform;
using Shuqiao.Server.Quality;
using Shuqiao.Storage.Exchange;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Exchange;

/// <summary>The exchange gateway (数据交换), its access audit and anomaly flags (docs/exchange.md, docs/audit.md).</summary>
public static class ExchangeSetup
{
    public static IServiceCollection AddExchange(this IServiceCollection services)
    {
        services.AddOptions<ExchangeOptions>().BindConfiguration(ExchangeOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "Shuqiao:Exchange:DefaultPageSize must not exceed MaxPageSize.")
            .ValidateOnStart();
        services.AddAuthorizationBuilder().AddPolicy(ExchangePolicies.Consumers, p => p.RequireRole(Roles.ApiClient));
        services.AddSingleton<AccessEventStore>();
        services.AddSingleton<ILedgerBatchParticipant>(sp => sp.GetRequiredService<AccessEventStore>());
        services.AddSingleton<ExchangeStore>();
        services.AddSingleton<AccessAnomalyStore>();
        services.AddSingleton<GrantCache>();
        services.AddHostedService<GrantListener>();
        services.AddSingleton<PseudonymKeys>();
        services.AddSingleton<IStartupTask, PseudonymSecretLoader>();
        services.AddSingleton<IStartupTask, ExchangeDemoData>(); // after the pseudonym secret: masking needs it
        services.AddSingleton<ExchangeMetrics>();
        services.AddSingleton<ExchangeService>();
        services.AddSingleton<AccessAuditService>();
        services.AddSingleton<IAccessStatistics, ExchangeAccessStatistics>();
        services.AddHostedService<AccessAnomalyJob>();
        return services;
    }

    public static WebApplication MapExchange(this WebApplication app)
    {
        app.MapExchangeEndpoints();
        app.MapAccessAudit();
        if (app.Services.GetRequiredService<IOptions<ShuqiaoOptions>>().Value.BenchmarkMode)
        {
            app.MapExchangeBench();
        }

        return app;
    }
}

/// <summary>可访问性 from the access audit: calls of the resource in the window; the audit holds answered calls only, so none count as failed.</summary>
public sealed class ExchangeAccessStatistics(AccessEventStore store) : IAccessStatistics
{
    public async Task<CheckCounts?> CallsAsync(Guid resourceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var (calls, unavailable) = await store.AvailabilityAsync(resourceId, since, until, cancellationToken);
        return new CheckCounts(calls, unavailable);
    }
}

/// <summary>Computes the anomaly flags of today and yesterday (Asia/Shanghai) every Shuqiao:Exchange:AnomalyIntervalSeconds.</summary>
public sealed partial class AccessAnomalyJob(AccessAnomalyStore store, ExchangeMetrics metrics, IOptions<ExchangeOptions> options, TimeProvider clock, ILogger<AccessAnomalyJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), clock, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Npgsql.NpgsqlException e)
                {
                    LogFailed(logger, e.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(options.Value.AnomalyIntervalSeconds), clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var thresholds = new AnomalyThresholds(o.VolumeSpikeFactor, o.VolumeSpikeMinRows, o.OffHoursBulkRows, o.RepeatedDenials);
        var today = ExchangeService.Today(clock.GetUtcNow());
        await store.DetectAsync(today.AddDays(-1), thresholds, cancellationToken);
        await store.DetectAsync(today, thresholds, cancellationToken);
        metrics.Anomalies((await store.RecentAsync(today.AddDays(-6), cancellationToken)).Count);
    }

    [LoggerMessage(9102, LogLevel.Warning, "Access anomaly detection failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
