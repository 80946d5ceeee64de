using System.Diagnostics;
using Microsoft.Extensions.Options;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// Runs the integrity check (recompute the tree, compare with every stored hash and signed checkpoint), records the
/// result, sets <c>shuqiao_ledger_integrity_ok</c> and logs an error when the ledger is broken — the alert. The
/// console banner and the API read the last result from here. Concurrent requests share one running check.
/// <para>
/// A check an operator starts is a whole one. A scheduled check is incremental — only the entries appended since the
/// last intact check, after confirming that the stored hashes still give the root it verified — unless the last check
/// found a problem, or none of the whole tree is recorded within <see cref="LedgerOptions.IntegrityWholeCheckHours"/>:
/// the whole tree grows without end, and recomputing it every few minutes would one day take longer than the interval.
/// </para>
/// </summary>
public sealed partial class LedgerIntegrityService(
    LedgerIntegrityChecker checker,
    LedgerIntegrityStore store,
    LedgerMetrics metrics,
    IOptions<LedgerOptions> options,
    TimeProvider clock,
    ILogger<LedgerIntegrityService> logger)
{
    // Another instance may have checked since: the banner re-reads the stored result at most this often.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private Task<LedgerIntegrityResult>? _running;
    private volatile Cached? _cached;

    /// <summary>Checks now (or joins the check already running) and returns the recorded result.</summary>
    public Task<LedgerIntegrityResult> CheckAsync(LedgerCheckTrigger trigger, Guid? actorId, CancellationToken cancellationToken)
    {
        Task<LedgerIntegrityResult> running;
        lock (_gate)
        {
            // Not tied to one caller's cancellation: others may be waiting for the same run.
            running = _running ??= Task.Run(() => RunAsync(trigger, actorId));
        }

        return running.WaitAsync(cancellationToken);
    }

    /// <summary>The last recorded result (cached briefly), or null before the first check.</summary>
    public async Task<LedgerIntegrityResult?> LatestAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.ReadAt < CacheFor)
        {
            return cached.Result;
        }

        var latest = await store.LatestAsync(cancellationToken);
        _cached = new Cached(latest, clock.GetUtcNow());
        if (latest is not null)
        {
            metrics.Integrity(latest.IsIntact);
        }

        return latest;
    }

    private async Task<LedgerIntegrityResult> RunAsync(LedgerCheckTrigger trigger, Guid? actorId)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var checkedAt = clock.GetUtcNow();
            var from = trigger == LedgerCheckTrigger.Manual ? null : await VerifiedPrefixAsync(checkedAt);
            var report = await checker.CheckAsync(CancellationToken.None, from: from);
            var result = new LedgerIntegrityResult(Guid.CreateVersion7(checkedAt), checkedAt, trigger, actorId, report, Stopwatch.GetElapsedTime(started));
            await store.RecordAsync(result, CancellationToken.None);
            _cached = new Cached(result, clock.GetUtcNow());
            metrics.Integrity(report.IsIntact);
            if (report.IsIntact)
            {
                LogIntact(logger, report.CheckedEntries, report.FromSize, report.CheckedCheckpoints, (long)result.Duration.TotalMilliseconds);
            }
            else
            {
                LogBroken(logger, report.Problem.ToString(), report.FirstBadIndex, report.BadRangeEnd, report.Detail ?? "");
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    // Where an incremental check may start: the last check's verified tree, when that check was intact and a whole
    // check was intact recently enough. Null means the whole tree.
    private async Task<LedgerVerifiedPrefix?> VerifiedPrefixAsync(DateTimeOffset now)
    {
        var hours = options.Value.IntegrityWholeCheckHours;
        if (hours <= 0 || await store.LatestAsync(CancellationToken.None) is not { IsIntact: true, Report.Root: { } root } latest)
        {
            return null;
        }

        var whole = latest.Report.IsIncremental ? await store.LatestWholeIntactAsync(CancellationToken.None) : latest;
        return whole is not null && now - whole.CheckedAt < TimeSpan.FromHours(hours) ? new LedgerVerifiedPrefix(latest.Report.TreeSize, root) : null;
    }

    private sealed record Cached(LedgerIntegrityResult? Result, DateTimeOffset ReadAt);

    [LoggerMessage(8010, LogLevel.Information, "Ledger integrity check: intact ({Entries} entries from entry {From}, {Checkpoints} checkpoints, {Milliseconds} ms)")]
    private static partial void LogIntact(ILogger logger, long entries, long from, int checkpoints, long milliseconds);

    // The alert: an operator must act (docs/ledger.md §What the alert means).
    [LoggerMessage(8011, LogLevel.Error, "LEDGER BROKEN: {Problem} at entry {FirstBadIndex} (up to {BadRangeEnd}): {Detail}")]
    private static partial void LogBroken(ILogger logger, string problem, long? firstBadIndex, long? badRangeEnd, string detail);
}

/// <summary>The scheduled integrity check (<c>Shuqiao:Ledger:IntegrityCheckMinutes</c>), first shortly after start-up.</summary>
public sealed partial class LedgerIntegrityMonitor(
    LedgerIntegrityService integrity,
    IOptions<LedgerOptions> options,
    TimeProvider clock,
    ILogger<LedgerIntegrityMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The metric (and the banner) start from the last recorded result, so a restart does not hide a broken ledger.
            await integrity.LatestAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }

        var minutes = options.Value.IntegrityCheckMinutes;
        if (minutes <= 0)
        {
            return;
        }

        var trigger = LedgerCheckTrigger.Startup;
        try
        {
            // Let start-up traffic settle first; then every interval.
            await Task.Delay(TimeSpan.FromSeconds(30), clock, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
            do
            {
                try
                {
                    await integrity.CheckAsync(trigger, null, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }

                trigger = LedgerCheckTrigger.Scheduled;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(8012, LogLevel.Error, "The scheduled ledger integrity check could not run")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
