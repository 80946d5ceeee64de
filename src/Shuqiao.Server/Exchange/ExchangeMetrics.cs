using System.Diagnostics.Metrics;
using Shuqiao.Core.Exchange;

namespace Shuqiao.Server.Exchange;

/// <summary>The gateway's instruments (meter <c>Shuqiao.Exchange</c>, exported at <c>/metrics</c>).</summary>
public sealed class ExchangeMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _latency;
    private long _anomalies;

    public ExchangeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Shuqiao.Exchange");
        _requests = meter.CreateCounter<long>("shuqiao.exchange.requests", "{request}", "Gateway requests by operation and outcome (denials by reason).");
        _rows = meter.CreateCounter<long>("shuqiao.exchange.rows", "{record}", "Records returned by the gateway.");
        _latency = meter.CreateHistogram<double>("shuqiao.exchange.duration", "s", "Time from the request to its durable access event.");
        meter.CreateObservableGauge("shuqiao.exchange.anomalies", () => Volatile.Read(ref _anomalies), "{flag}", "Access anomaly flags of the last 7 days (docs/audit.md).");
    }

    public void Request(AccessEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _requests.Add(1, new("operation", e.Operation.ToString()), new("outcome", e.Outcome.ToString()), new("reason", e.Reason?.ToString() ?? ""));
        _rows.Add(e.RowsReturned);
        _latency.Record(e.Latency.TotalSeconds);
    }

    public void Anomalies(long count) => Volatile.Write(ref _anomalies, count);
}
