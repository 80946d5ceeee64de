using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Ingestion;

/// <summary>Settings of ingestion (<c>Shuqiao:Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Shuqiao:Ingestion";

    /// <summary>Largest upload accepted, in bytes (default 1 GiB); a larger body refuses the batch (413). Bodies stream: this is not memory.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBatchBytes { get; set; } = 1L << 30;

    /// <summary>
    /// How long the raw text of rejected rows (the row as sent, which may hold personal data) is kept after its batch
    /// finished (default 30 days); then it is removed and row number, field, code and reason stay.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan RejectedRowRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Batches loading at the same time on this node (default 4: a load keeps a core and a PostgreSQL backend busy,
    /// more at once only share them); more uploads wait for a free slot. A resource's first load holds two database
    /// connections (its transaction and the staging connection beside it, briefly a third to answer a replay), so
    /// three times this must stay below the connection pool's <c>Maximum Pool Size</c> (default four per processor,
    /// at least 20): otherwise batches holding one connection each could wait forever for their second.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>How often the retention job looks for rejected rows to clear (default hourly).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionCheckInterval { get; set; } = TimeSpan.FromHours(1);
}
