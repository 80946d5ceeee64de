namespace Shuqiao.Server.Operations;

/// <summary>
/// Log messages of the operations capability, event ids 7000–7099. Placeholders never carry personal data, raw
/// paths, query strings or connection strings: requests are described by their route template.
/// </summary>
internal static partial class OperationsLog
{
    [LoggerMessage(7001, LogLevel.Information, "{Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void RequestCompleted(ILogger logger, string method, string route, int statusCode, double elapsedMs);

    [LoggerMessage(7002, LogLevel.Debug, "{Method} (no endpoint) answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void UnroutedRequestCompleted(ILogger logger, string method, int statusCode, double elapsedMs);

    [LoggerMessage(7010, LogLevel.Warning, "PostgreSQL is unreachable ({Error}{SqlState}); cleared the connection pool, the node reports unready until it answers again")]
    public static partial void DatabaseLost(ILogger logger, string error, string sqlState, Exception exception);

    [LoggerMessage(7011, LogLevel.Information, "PostgreSQL answers again after {DownSeconds:0} s; the node is ready")]
    public static partial void DatabaseRecovered(ILogger logger, double downSeconds);

    [LoggerMessage(7012, LogLevel.Warning, "The database schema is behind this build: {Pending} migration(s) pending")]
    public static partial void MigrationsPending(ILogger logger, int pending);

    [LoggerMessage(7020, LogLevel.Information, "Shutting down: no new connections; in-flight requests have {TimeoutSeconds} s to finish")]
    public static partial void ShuttingDown(ILogger logger, int timeoutSeconds);

    [LoggerMessage(7021, LogLevel.Information, "Stopped: in-flight requests have finished or were aborted")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(7030, LogLevel.Warning, "Metrics: instrument {Instrument} of meter {Meter} maps to {Name}, already used by an instrument of another kind; it is not exported")]
    public static partial void MetricNameClash(ILogger logger, string instrument, string meter, string name);

    [LoggerMessage(7031, LogLevel.Warning, "A scrape of /metrics from an address outside Shuqiao:Operations:MetricsAllowedNetworks was refused")]
    public static partial void MetricsScrapeRefused(ILogger logger);
}
