using System.Collections.Concurrent;
using System.Text;

namespace Shuqiao.Server.Operations.Metrics;

/// <summary>One exported metric: its name, help, kind and a series per label set.</summary>
internal sealed class MetricFamily(string name, string help, MetricKind kind, bool observable, double[] bounds)
{
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    /// <summary>Observable instruments report their whole state on every collection, so stale label sets are dropped first.</summary>
    public bool Observable { get; } = observable;

    public void Add(string labels, double value)
    {
        var series = (ValueSeries)_series.GetOrAdd(labels, static _ => new ValueSeries());
        series.Add(value);
    }

    public void Set(string labels, double value)
    {
        var series = (ValueSeries)_series.GetOrAdd(labels, static _ => new ValueSeries());
        series.Set(value);
    }

    public void Observe(string labels, double value)
    {
        var series = (HistogramSeries)_series.GetOrAdd(labels, static (_, b) => new HistogramSeries(b), bounds);
        series.Observe(value);
    }

    public void Clear() => _series.Clear();

    public void Render(StringBuilder text)
    {
        if (_series.IsEmpty)
        {
            return;
        }

        text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(help)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');

        foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (series is HistogramSeries histogram)
            {
                RenderHistogram(text, labels, histogram);
            }
            else
            {
                Sample(text, Name, labels, ((ValueSeries)series).Value);
            }
        }
    }

    private void RenderHistogram(StringBuilder text, string labels, HistogramSeries histogram)
    {
        var (counts, sum, count) = histogram.Snapshot();
        var bucket = Name + "_bucket";
        var prefix = labels.Length == 0 ? "" : labels + ",";
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += counts[i];
            Sample(text, bucket, $"{prefix}le=\"{PrometheusText.Number(bounds[i])}\"", cumulative);
        }

        Sample(text, bucket, prefix + "le=\"+Inf\"", count);
        Sample(text, Name + "_sum", labels, sum);
        Sample(text, Name + "_count", labels, count);
    }

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(PrometheusText.Number(value)).Append('\n');
    }

    private abstract class Series;

    private sealed class ValueSeries : Series
    {
        private readonly Lock _gate = new();
        private double _value;

        public double Value
        {
            get
            {
                lock (_gate)
                {
                    return _value;
                }
            }
        }

        public void Add(double value)
        {
            lock (_gate)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_gate)
            {
                _value = value;
            }
        }
    }

    private sealed class HistogramSeries(double[] bounds) : Series
    {
        private readonly Lock _gate = new();
        private readonly long[] _counts = new long[bounds.Length + 1];
        private double _sum;
        private long _count;

        public void Observe(double value)
        {
            // Buckets are "less than or equal" upper bounds; the last slot is +Inf.
            var index = Array.BinarySearch(bounds, value);
            if (index < 0)
            {
                index = ~index;
            }

            lock (_gate)
            {
                _counts[index]++;
                _sum += value;
                _count++;
            }
        }

        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            lock (_gate)
            {
                return ((long[])_counts.Clone(), _sum, _count);
            }
        }
    }
}
