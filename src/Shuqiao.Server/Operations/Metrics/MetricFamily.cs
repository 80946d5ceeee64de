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

    public void Add(ReadOnlySpan<char> labels, double value) => ((ValueSeries)Find(labels, null)).Add(value);

    public void Set(ReadOnlySpan<char> labels, double value) => ((ValueSeries)Find(labels, null)).Set(value);

    public void Observe(ReadOnlySpan<char> labels, double value) => ((HistogramSeries)Find(labels, bounds)).Observe(value);

    // Looked up by the span first: the label text becomes a string only for a new series.
    private Series Find(ReadOnlySpan<char> labels, double[]? histogramBounds) =>
        _series.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(labels, out var series)
            ? series
            : _series.GetOrAdd(labels.ToString(), static (_, b) => b is null ? new ValueSeries() : new HistogramSeries(b), histogramBounds);

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
