using Shuqiao.Core.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>A rejected row in a batch answer (the row as sent is in the CSV download only).</summary>
public sealed record RejectionResponse(long Row, string Field, string Code, string Reason)
{
    public static RejectionResponse Of(RowRejection r) => new(r.Row, r.Field, r.Code, r.Reason);
}

/// <summary>An upload (数据归集批次) as the API answers it.</summary>
public sealed record BatchResponse(
    Guid Id,
    string Resource,
    string SchemaVersion,
    string Status,
    string Mode,
    string Format,
    string Charset,
    string? IdempotencyKey,
    BatchCounts Counts,
    long Bytes,
    DateTimeOffset StartedAt,
    DateTimeOffset ValidatedAt,
    DateTimeOffset FinishedAt,
    double Seconds,
    IReadOnlyList<RejectionResponse>? Rejections,
    bool RejectionsTruncated,
    string Self,
    string RejectionsCsv,
    bool RawRowsRemoved)
{
    /// <summary>Rejections listed in an answer; all of them (up to the stored limit) are in the CSV download.</summary>
    public const int MaxListed = 1000;

    /// <param name="rawRowsRemoved">Retention removed the rejected rows as sent: the CSV download has reasons only.</param>
    public static BatchResponse Of(IngestBatch b, IReadOnlyList<RowRejection>? rejections, bool rawRowsRemoved = false) => new(
        b.Id, b.ResourceCode, b.SchemaVersion, b.Status.ToString(), b.Mode == BatchMode.Partial ? "partial" : "all", b.Format.ToString(), b.Charset,
        b.IdempotencyKey, b.Counts, b.Bytes, b.StartedAt, b.ValidatedAt, b.FinishedAt, Math.Round((b.FinishedAt - b.StartedAt).TotalSeconds, 3),
        rejections?.Take(MaxListed).Select(RejectionResponse.Of).ToList(),
        rejections is not null && (rejections.Count > MaxListed || rejections.Count < Math.Min(b.Counts.Rejected, Storage.Ingestion.IngestStore.MaxIssuesKept)),
        $"/api/v1/batches/{b.Id}", $"/api/v1/batches/{b.Id}/rejections.csv", rawRowsRemoved);
}
