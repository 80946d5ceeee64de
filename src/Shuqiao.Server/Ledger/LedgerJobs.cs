using Microsoft.Extensions.Options;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// Signs a checkpoint of the committed tree every second while it grows (tlog practice), so every acknowledged entry
/// is under a signed checkpoint within about a second. Several instances may run it: each size is signed once.
/// A failure is logged and the next tick tries again.
/// </summary>
public sealed partial class CheckpointPublisherJob(
    LedgerCheckpointPublisher publisher,
    LedgerKeyring keys,
    LedgerMetrics metrics,
    IOptions<LedgerOptions> options,
    TimeProvider clock,
    ILogger<CheckpointPublisherJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds), clock);
        var failing = false;
        var lastSize = -1L;
        try
        {
            do
            {
                try
                {
                    var checkpoint = await publisher.PublishAsync(keys.Origin, keys.LogSigners, stoppingToken);
                    metrics.Checkpoint(checkpoint.Size, isNew: lastSize >= 0 && checkpoint.Size > lastSize);
                    lastSize = checkpoint.Size;
                    if (failing)
                    {
                        LogRecovered(logger, checkpoint.Size);
                        failing = false;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (!failing)
                    {
                        LogFailed(logger, e);
                    }

                    failing = true; // log once per outage, not every second
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(8020, LogLevel.Error, "Could not publish a ledger checkpoint; retrying every tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(8021, LogLevel.Information, "Ledger checkpoints are published again (size {Size})")]
    private static partial void LogRecovered(ILogger logger, long size);
}

/// <summary>Runs the group-commit writer's loop for the life of the server and drains it on shutdown.</summary>
public sealed partial class LedgerWriterHost(LedgerWriter writer, LedgerMetrics metrics, ILogger<LedgerWriterHost> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        writer.BatchCommitted += metrics.Batch;
        writer.BatchFailed += OnFailed;
        writer.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);

    private void OnFailed(int count, Exception error)
    {
        metrics.FailedBatch();
        LogBatchFailed(logger, count, error);
    }

    [LoggerMessage(8030, LogLevel.Error, "A ledger batch of {Count} entries failed; its callers were told")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
