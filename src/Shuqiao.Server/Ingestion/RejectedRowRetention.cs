using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>
/// Removes the raw text of rejected rows (which may hold personal data) once their batch is older than
/// <c>Shuqiao:Ingestion:RejectedRowRetention</c>, keeping row number, field, code and reason. Runs at start-up and then
/// every <see cref="IngestionOptions.RetentionCheckInterval"/>; several instances may run it (one purges, the others
/// skip). A failed run is logged and the next tick tries again.
/// </summary>
public sealed partial class RejectedRowRetention(
    RejectedRowRetentionStore store,
    IOptions<IngestionOptions> options,
    TimeProvider clock,
    ILogger<RejectedRowRetention> logger) : BackgroundService
{
    /// <summary>Who the admin audit names for a purge.</summary>
    public static readonly Actor Actor = Actor.System("rejected-row-retention");

    /// <summary>One run: clears what is older than the retention now. Null when another instance was purging.</summary>
    public async Task<RetentionPurge?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var purge = await store.PurgeAsync(now - options.Value.RejectedRowRetention, Actor, now, cancellationToken);
        if (purge is { Rows: > 0 })
        {
            LogPurged(logger, purge.Rows, purge.Batches, purge.Before);
        }

        return purge;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionCheckInterval, clock);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 2490, Level = LogLevel.Information, Message = "Retention removed the raw text of {Rows} rejected rows of {Batches} batches finished before {Before:o}")]
    private static partial void LogPurged(ILogger logger, long rows, long batches, DateTimeOffset before);

    [LoggerMessage(EventId = 2491, Level = LogLevel.Error, Message = "Retention of rejected rows failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
