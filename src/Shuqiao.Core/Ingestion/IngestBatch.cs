namespace Shuqiao.Core.Ingestion;

/// <summary>How the rows of an upload are written.</summary>
public enum BatchFormat
{
    Csv,     // text/csv: a header row of field names or labels, then one record per row
    Json,    // application/json: an array of objects
    Ndjson,  // application/x-ndjson: one object per line
}

/// <summary>What a bad row does to its batch.</summary>
public enum BatchMode
{
    AllOrNothing, // any rejected row: nothing is stored (the default)
    Partial,      // mode=partial: the valid rows are stored, the rejected ones reported
}

/// <summary>The end of a batch: stored, or refused as a whole (nothing stored).</summary>
public enum BatchStatus
{
    Committed,
    Rejected,
}

/// <summary>What a row asks for.</summary>
public enum RowOperation
{
    Upsert,
    Delete,
}

/// <summary>
/// The <c>_op</c> column (CSV) or property (JSON) of a row: empty or <c>upsert</c> stores the record, <c>delete</c>
/// removes the record with the row's key (only the key fields are read then).
/// </summary>
public static class RowOperations
{
    public const string Column = "_op";

    public static RowOperation? Parse(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "upsert" => RowOperation.Upsert,
        "delete" or "删除" => RowOperation.Delete,
        _ => null,
    };
}

/// <summary>Counts of a batch as reported to the uploader.</summary>
public sealed record BatchCounts(long Received, long Accepted, long Rejected, long Inserted, long Updated, long Deleted, long Unchanged, long Warnings);

/// <summary>One rejected row (or the upload as a whole when <see cref="Row"/> is 0): field, stable code, reason, raw row.</summary>
public sealed record RowRejection(long Row, string Field, string Code, string Reason, string? Raw);

/// <summary>A finding on a stored record: a field with onInvalid = Warn failed a check.</summary>
public sealed record RowFinding(long Row, string Key, string Field, string Code, string Reason);

/// <summary>An upload as recorded (<c>ingest_batches</c>), the answer to the uploader and to a retry.</summary>
public sealed record IngestBatch(
    Guid Id,
    Guid ResourceId,
    string ResourceCode,
    string SchemaVersion,
    Guid OrganizationId,
    string ActorKind,
    Guid ActorId,
    string ActorName,
    string? IdempotencyKey,
    BatchFormat Format,
    string Charset,
    BatchMode Mode,
    BatchStatus Status,
    BatchCounts Counts,
    long Bytes,
    DateTimeOffset StartedAt,
    DateTimeOffset ValidatedAt,
    DateTimeOffset FinishedAt);
