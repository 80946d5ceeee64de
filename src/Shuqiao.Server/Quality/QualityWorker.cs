using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Ingestion;
using Shuqiao.Core.Quality;
using Shuqiao.Storage.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>
/// Resources waiting to be measured after a committed batch. A resource is queued once however many batches arrive
/// before it is measured (the latest batch is named in the report); the queue is bounded, and a resource that does
/// not fit is left to the schedule rather than blocking an upload.
/// </summary>
public sealed class QualityBacklog
{
    private readonly Channel<Guid> _channel;
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    private readonly ConcurrentDictionary<Guid, byte> _measuring = new();
    private readonly QualityMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<QualityBacklog> _logger;

    public QualityBacklog(IOptions<QualityOptions> options, QualityMetrics metrics, TimeProvider clock, ILogger<QualityBacklog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
    }

    internal sealed record Pending(string Code, Guid BatchId, long QueuedAt);

    internal ChannelReader<Guid> Reader => _channel.Reader;

    /// <summary>Called by ingestion after a batch's transaction committed (a refused or replayed batch changes nothing and is ignored).</summary>
    public void BatchCommitted(IngestBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Status != BatchStatus.Committed)
        {
            return;
        }

        var added = false;
        var now = _clock.GetTimestamp();
        _pending.AddOrUpdate(batch.ResourceId, _ => { added = true; return new Pending(batch.ResourceCode, batch.Id, now); }, (_, old) => old with { BatchId = batch.Id });
        if (added && !_channel.Writer.TryWrite(batch.ResourceId))
        {
            _pending.TryRemove(batch.ResourceId, out _);
            _metrics.Dropped();
            QualityLog.Dropped(_logger, batch.ResourceCode);
        }
    }

    /// <summary>Takes the pending work of a resource; later batches queue it again.</summary>
    internal Pending? Take(Guid resourceId)
    {
        if (!_pending.TryRemove(resourceId, out var pending))
        {
            return null;
        }

        _measuring[resourceId] = 0;
        return pending;
    }

    internal void Measured(Guid resourceId) => _measuring.TryRemove(resourceId, out _);

    /// <summary>Whether a measurement after a batch is queued or running on this instance (the console page waits for it).</summary>
    public bool IsWaiting(Guid resourceId) => _pending.ContainsKey(resourceId) || _measuring.ContainsKey(resourceId);

    internal Pending? Peek(Guid resourceId) => _pending.GetValueOrDefault(resourceId);
}

/// <summary>
/// Measures resources after their batches (debounced through <see cref="QualityBacklog"/>) and every published resource on
/// a schedule (<c>Shuqiao:Quality:Interval</c>). With several server instances, one at a time runs the scheduled sweep
/// (a lease in <c>quality_sweeps</c>, renewed per resource); batch measurements run on the instance that took the batch.
/// Every failure is logged and the loop goes on; shutdown stops it promptly.
/// </summary>
public sealed class QualityWorker(
    QualityBacklog queue,
    QualityStore store,
    IServiceScopeFactory scopes,
    IOptions<QualityOptions> options,
    TimeProvider clock,
    ILogger<QualityWorker> logger) : BackgroundService
{
    private const string SweepLease = "schedule";
    private static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(10);
    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(AfterBatchesAsync(stoppingToken), ScheduleAsync(stoppingToken));

    private async Task AfterBatchesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resourceId in queue.Reader.ReadAllAsync(stoppingToken))
            {
                // Wait out the debounce from the first batch, so a burst of batches is measured once.
                if (queue.Peek(resourceId) is { } waiting && options.Value.Debounce - clock.GetElapsedTime(waiting.QueuedAt) is { } rest && rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, clock, stoppingToken);
                }

                if (queue.Take(resourceId) is { } pending)
                {
                    try
                    {
                        await MeasureAsync(pending.Code, QualityTrigger.Batch, pending.BatchId, stoppingToken);
                    }
                    finally
                    {
                        queue.Measured(resourceId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ScheduleAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        // Look for due resources every minute (or every interval when shorter), so a restart or a new resource waits little.
        using var timer = new PeriodicTimer(interval < TimeSpan.FromMinutes(1) ? interval : TimeSpan.FromMinutes(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(interval, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    QualityLog.SweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        if (!await store.TryLeaseAsync(SweepLease, _holder, clock.GetUtcNow(), clock.GetUtcNow() + LeaseLength, stoppingToken))
        {
            return;
        }

        var measured = 0;
        try
        {
            foreach (var code in await store.DueAsync(clock.GetUtcNow() - interval, 1000, stoppingToken))
            {
                if (!await store.TryLeaseAsync(SweepLease, _holder, clock.GetUtcNow(), clock.GetUtcNow() + LeaseLength, stoppingToken))
                {
                    break; // another instance took over (this one stalled past its lease)
                }

                if (await MeasureAsync(code, QualityTrigger.Schedule, null, stoppingToken))
                {
                    measured++;
                }
            }
        }
        finally
        {
            await store.ReleaseAsync(SweepLease, _holder, clock.GetUtcNow(), CancellationToken.None);
        }

        if (measured > 0)
        {
            QualityLog.Swept(logger, measured);
        }
    }

    private async Task<bool> MeasureAsync(string code, QualityTrigger trigger, Guid? batchId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<QualityService>().MeasureAsync(code, trigger, batchId, stoppingToken) is not null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            QualityLog.Failed(logger, code, trigger, e);
            return false;
        }
    }
}
