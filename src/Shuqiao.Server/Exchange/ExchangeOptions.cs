using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Exchange;

/// <summary>Settings of the exchange gateway (section <c>Shuqiao:Exchange</c>, docs/exchange.md).</summary>
public sealed class ExchangeOptions
{
    public const string Section = "Shuqiao:Exchange";

    /// <summary>
    /// Base64 of at least 32 random bytes: the node's pseudonym secret, from which each consumer organization's
    /// pseudonym key is derived (HKDF). Required in production; demo and test nodes generate one and keep it in the database.
    /// </summary>
    public string? PseudonymSecret { get; set; }

    /// <summary>Records per page when the query does not say.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The most records one page may ask for.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>How long a resource's catalog entry is reused by the gateway before it is read again (publishing and retiring take effect within this time).</summary>
    [Range(0, 3600)]
    public int ResourceCacheSeconds { get; set; } = 5;

    /// <summary>
    /// The change feed serves changes older than this only: ingestion stamps rows when they are staged, so a batch
    /// committing later than its stamp must be in before the feed passes its time. Set it above the longest batch.
    /// </summary>
    [Range(0, 86_400)]
    public int ChangesLagSeconds { get; set; } = 60;

    /// <summary>Anomaly job period (异常访问检测).</summary>
    [Range(10, 86_400)]
    public int AnomalyIntervalSeconds { get; set; } = 300;

    /// <summary>VolumeSpike: a client's rows today exceed this multiple of its daily average over the previous 14 days…</summary>
    [Range(1.0, 1000.0)]
    public double VolumeSpikeFactor { get; set; } = 5.0;

    /// <summary>…and at least this many rows (small clients are not flagged for noise).</summary>
    [Range(1, long.MaxValue)]
    public long VolumeSpikeMinRows { get; set; } = 1000;

    /// <summary>OffHoursBulk: rows returned to a client between 22:00 and 06:00 (Asia/Shanghai) in one night at or above this.</summary>
    [Range(1, long.MaxValue)]
    public long OffHoursBulkRows { get; set; } = 1000;

    /// <summary>RepeatedDenials: denials of a client in one day at or above this.</summary>
    [Range(1, long.MaxValue)]
    public long RepeatedDenials { get; set; } = 20;
}
