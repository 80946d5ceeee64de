using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Ingestion;

/// <summary>Settings of ingestion (<c>Shuqiao:Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Shuqiao:Ingestion";

    /// <summary>Largest upload accepted, in bytes (default 1 GiB); a larger body refuses the batch (413). Bodies stream: this is not memory.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBatchBytes { get; set; } = 1L << 30;
}
