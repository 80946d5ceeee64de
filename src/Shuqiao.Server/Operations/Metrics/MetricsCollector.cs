using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Shuqiao.Server.Operations.Metrics;

/// <summary>
/// Collects <see cref="System.Diagnostics.Metrics"/> measurements in process and renders them for Prometheus
/// (no exporter package): ASP.NET Core hosting and Kestrel, Npgsql's pool and commands, the .NET runtime, and every
/// meter named <c>Shuqiao.*</c>, so a capability only creates <c>new Meter("Shuqiao.Exchange")</c>.
/// </summary>
/// <remarks>
/// Labels are an explicit allow-list per meter: request metrics carry the route template (<c>http.route</c>), never
/// the raw path, so ids and personal data cannot become label values or blow up the series count.
/// </remarks>
public sealed class MetricsCollector : IHostedService, IDisposable
{
    public const string HttpDuration = "http.server.request.duration";

    private const string PoolNameTag = "db.client.connection.pool.name";

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static readonly TagPolicy HttpTags = TagPolicy.Only(("http.request.method", "method"), ("http.route", "route"), ("http.response.status_code", "status"));
    private static readonly TagPolicy NpgsqlTags = TagPolicy.Only(("db.client.connection.state", "state"), ("error.type", "error_type"));

    // .NET 10 publishes these as ObservableCounter although they go up and down (the semantic conventions call them
    // UpDownCounters); exported as counters, rate() over them would be nonsense.
    private static readonly HashSet<string> RuntimeGauges = ["dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length"];

    private static readonly HashSet<string> KestrelInstruments = ["kestrel.active_connections", "kestrel.queued_connections", "kestrel.rejected_connections"];

    private readonly IMeterFactory _meterFactory;
    private readonly string _poolName;
    private readonly RequestRate _requestRate;
    private readonly ILogger<MetricsCollector> _logger;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrapeGate = new();

    public MetricsCollector(IMeterFactory meterFactory, NpgsqlDataSource dataSource, RequestRate requestRate, ILogger<MetricsCollector> logger)
    {
        _meterFactory = meterFactory;
        _poolName = dataSource.ConnectionString;
        _requestRate = requestRate;
        _logger = logger;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<double>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<float>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<long>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<int>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<short>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<byte>((i, m, t, s) => Record(s, m, t));
        _listener.SetMeasurementEventCallback<decimal>((i, m, t, s) => Record(s, (double)m, t));
    }

    /// <summary>Starts listening; instruments created before this are published to the listener too.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    /// <summary>The text exposition format 0.0.4 of everything collected; observable instruments are read now.</summary>
    public string Scrape()
    {
        var text = new StringBuilder(16 * 1024);
        lock (_scrapeGate)
        {
            foreach (var family in _families.Values.Where(f => f.Observable))
            {
                family.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.Render(text);
            }
        }

        return text.ToString();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        // In-process test hosts each have their own meter factory; only this host's meters (and static ones) count.
        var scope = instrument.Meter.Scope;
        if (scope is not null && !ReferenceEquals(scope, _meterFactory))
        {
            return;
        }

        if (Policy(instrument) is not { } policy)
        {
            return;
        }

        var (kind, mode) = Classify(instrument);
        var name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind);
        var family = _families.GetOrAdd(name, _ => new MetricFamily(
            name,
            instrument.Description ?? instrument.Name,
            kind,
            instrument.IsObservable,
            kind == MetricKind.Histogram ? Bounds(instrument) : []));
        if (family.Kind != kind)
        {
            OperationsLog.MetricNameClash(_logger, instrument.Name, instrument.Meter.Name, name);
            return;
        }

        var requiredPool = instrument.Meter.Name == "Npgsql" ? _poolName : null;
        listener.EnableMeasurementEvents(instrument, new Subscription(family, mode, policy, requiredPool, instrument.Name == HttpDuration));
    }

    private static TagPolicy? Policy(Instrument instrument) => instrument.Meter.Name switch
    {
        "Microsoft.AspNetCore.Hosting" when instrument.Name is HttpDuration or "http.server.active_requests" => HttpTags,
        "Microsoft.AspNetCore.Server.Kestrel" when KestrelInstruments.Contains(instrument.Name) => TagPolicy.None,
        "Npgsql" => NpgsqlTags,
        "System.Runtime" => TagPolicy.All,
        var meter when meter.StartsWith("Shuqiao.", StringComparison.Ordinal) => TagPolicy.All,
        _ => null,
    };

    private static (MetricKind Kind, Mode Mode) Classify(Instrument instrument)
    {
        if (instrument.Meter.Name == "System.Runtime" && RuntimeGauges.Contains(instrument.Name))
        {
            return (MetricKind.Gauge, Mode.Set);
        }

        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition switch
        {
            _ when definition == typeof(Counter<>) => (MetricKind.Counter, Mode.Add),
            _ when definition == typeof(ObservableCounter<>) => (MetricKind.Counter, Mode.Set),
            _ when definition == typeof(Histogram<>) => (MetricKind.Histogram, Mode.Observe),
            _ when definition == typeof(UpDownCounter<>) => (MetricKind.Gauge, Mode.Add),
            _ => (MetricKind.Gauge, Mode.Set), // Gauge<>, ObservableGauge<>, ObservableUpDownCounter<>
        };
    }

    private static double[] Bounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        var bounds = advised?.ToArray() is { Length: > 0 } given ? given : instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
        return bounds.Where(double.IsFinite).Distinct().Order().ToArray();
    }

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not Subscription subscription)
        {
            return;
        }

        // Per thread and reused: this runs for every measurement of every request.
        var labels = t_labels ??= new List<KeyValuePair<string, string>>();
        labels.Clear();
        var poolMatches = subscription.RequiredPool is null;
        var status = 0;
        foreach (var (key, tagValue) in tags)
        {
            if (key == PoolNameTag)
            {
                poolMatches |= tagValue as string == subscription.RequiredPool;
                continue;
            }

            if (subscription.CountsRequests && key == "http.response.status_code" && tagValue is int code)
            {
                status = code;
            }

            if (subscription.Tags.LabelFor(key) is { } label)
            {
                var text = Format(tagValue);
                if (key == "http.route" && !text.StartsWith('/'))
                {
                    text = "/" + text; // Razor Pages templates come without the leading slash ("console/login")
                }

                labels.Add(new(label, text));
            }
        }

        if (!poolMatches)
        {
            return; // Npgsql's meter is process-wide; other data sources (tests, tools) are not this node's pool
        }

        var labelText = LabelKey(labels);
        switch (subscription.Mode)
        {
            case Mode.Add:
                subscription.Family.Add(labelText, value);
                break;
            case Mode.Set:
                subscription.Family.Set(labelText, value);
                break;
            default:
                subscription.Family.Observe(labelText, value);
                break;
        }

        if (subscription.CountsRequests)
        {
            _requestRate.Record(status);
        }
    }

    [ThreadStatic]
    private static List<KeyValuePair<string, string>>? t_labels;

    [ThreadStatic]
    private static StringBuilder? t_key;

    [ThreadStatic]
    private static char[]? t_keyChars;

    /// <summary>The series' label text (<c>a="x",b="y"</c>, by name), built in buffers kept per thread: a series that exists already is found without allocating.</summary>
    private static ReadOnlySpan<char> LabelKey(List<KeyValuePair<string, string>> labels)
    {
        if (labels.Count == 0)
        {
            return "";
        }

        labels.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = t_key ??= new StringBuilder(256);
        text.Clear();
        foreach (var (name, value) in labels)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(name).Append("=\"");
            PrometheusText.AppendLabelValue(text, value);
            text.Append('"');
        }

        var chars = t_keyChars is { } kept && kept.Length >= text.Length ? kept : t_keyChars = new char[Math.Max(256, text.Length)];
        text.CopyTo(0, chars, text.Length);
        return chars.AsSpan(0, text.Length);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private enum Mode
    {
        Add,
        Set,
        Observe,
    }

    private sealed record Subscription(MetricFamily Family, Mode Mode, TagPolicy Tags, string? RequiredPool, bool CountsRequests);

    /// <summary>Which measurement tags become labels, and under which name.</summary>
    private sealed class TagPolicy
    {
        private readonly Dictionary<string, string>? _only;

        private TagPolicy(Dictionary<string, string>? only) => _only = only;

        public static TagPolicy All { get; } = new(null);

        public static TagPolicy None { get; } = new([]);

        public static TagPolicy Only(params (string Tag, string Label)[] tags) => new(tags.ToDictionary(t => t.Tag, t => t.Label, StringComparer.Ordinal));

        public string? LabelFor(string tag) => _only is null ? PrometheusText.LabelName(tag) : _only.GetValueOrDefault(tag);
    }
}
