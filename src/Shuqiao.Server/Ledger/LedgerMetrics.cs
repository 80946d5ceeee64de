using System.Diagnostics.Metrics;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// The ledger's instruments (meter <c>Shuqiao.Ledger</c>, exported at <c>/metrics</c>). Alert on
/// <c>shuqiao_ledger_integrity_ok == 0</c> (docs/ledger.md §What the alert means).
/// </summary>
public sealed class LedgerMetrics
{
    private readonly Counter<long> _appended;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _failedBatches;
    private readonly Counter<long> _checkpoints;
    private long _treeSize;
    private long _checkpointSize;
    private int _integrity = 1; // unknown counts as intact until a check says otherwise

    public LedgerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Shuqiao.Ledger");
        meter.CreateObservableGauge("shuqiao.ledger.integrity_ok", () => Volatile.Read(ref _integrity), null,
            "1 while the last integrity check found the ledger intact, 0 when it found it broken (tampered or damaged).");
        meter.CreateObservableGauge("shuqiao.ledger.tree_size", () => Volatile.Read(ref _treeSize), "{entry}", "Entries in the committed tree.");
        meter.CreateObservableGauge("shuqiao.ledger.checkpoint_size", () => Volatile.Read(ref _checkpointSize), "{entry}", "Tree size of the latest signed checkpoint.");
        _appended = meter.CreateCounter<long>("shuqiao.ledger.appended", "{entry}", "Entries appended through the group-commit writer.");
        _failedBatches = meter.CreateCounter<long>("shuqiao.ledger.failed_batches", "{batch}", "Group-commit batches that failed (their callers got an error).");
        _checkpoints = meter.CreateCounter<long>("shuqiao.ledger.checkpoints", "{checkpoint}", "New checkpoints seen by this instance's publisher (about one a second while entries arrive).");
        _batchSize = meter.CreateHistogram("shuqiao.ledger.batch_size", "{entry}", "Entries per group-commit batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] });
        _batchDuration = meter.CreateHistogram<double>("shuqiao.ledger.batch_duration", "s", "Time to write and commit one group-commit batch.");
    }

    public void Batch(LedgerBatchInfo batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _appended.Add(batch.Count);
        _batchSize.Record(batch.Count);
        _batchDuration.Record(batch.Duration.TotalSeconds);
        TreeSize(batch.TreeSize);
    }

    public void FailedBatch() => _failedBatches.Add(1);

    public void TreeSize(long size) => InterlockedMax(ref _treeSize, size);

    public void Checkpoint(long size, bool isNew)
    {
        InterlockedMax(ref _checkpointSize, size);
        InterlockedMax(ref _treeSize, size);
        if (isNew)
        {
            _checkpoints.Add(1);
        }
    }

    public void Integrity(bool intact) => Volatile.Write(ref _integrity, intact ? 1 : 0);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
