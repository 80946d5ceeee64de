using System.Diagnostics.Metrics;
using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>Instruments of quality measurement (meter <c>Shuqiao.Quality</c>, exported at <c>/metrics</c>).</summary>
public sealed class QualityMetrics
{
    private readonly Counter<long> _runs;
    private readonly Counter<long> _failedRuns;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _records;

    public QualityMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Shuqiao.Quality");
        _runs = meter.CreateCounter<long>("shuqiao.quality.runs", "{run}", "Quality measurements written, by trigger (Batch, Schedule, Manual).");
        _failedRuns = meter.CreateCounter<long>("shuqiao.quality.failed_runs", "{run}", "Measurements that failed (logged; the schedule tries again).");
        _dropped = meter.CreateCounter<long>("shuqiao.quality.dropped_triggers", "{batch}", "Batch triggers not queued because the queue was full (the schedule measures those resources later).");
        _duration = meter.CreateHistogram<double>("shuqiao.quality.run_duration", "s", "Time to measure one resource.");
        _records = meter.CreateCounter<long>("shuqiao.quality.records_measured", "{record}", "Records read by measurements.");
    }

    public void Run(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var trigger = new KeyValuePair<string, object?>("trigger", report.Trigger.ToString());
        _runs.Add(1, trigger);
        _duration.Record(report.Duration.TotalSeconds, trigger);
        _records.Add(report.Measurements.Records);
    }

    public void Failed(QualityTrigger trigger) => _failedRuns.Add(1, new KeyValuePair<string, object?>("trigger", trigger.ToString()));

    public void Dropped() => _dropped.Add(1);
}
