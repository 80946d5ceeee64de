using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Ingestion;

/// <summary>What one retention run removed: raw rows and the batches they belonged to.</summary>
public sealed record RetentionPurge(long Rows, long Batches, DateTimeOffset Before);

/// <summary>
/// Retention of rejected rows (docs/ingestion.md, "Personal data and retention"): clears <c>ingest_rejections.raw</c>
/// — the row as sent, which may hold personal data — of batches finished before a cut-off, and keeps row number,
/// field, code and reason. The cut-off reached so far is kept in <c>node_settings</c>, so a batch tells whether its
/// raw rows were removed by retention without a column of its own (a rejected row may hold no raw text anyway: a
/// repeated key, or the upload as a whole).
/// </summary>
public sealed class RejectedRowRetentionStore(NpgsqlDataSource dataSource)
{
    /// <summary>The <c>node_settings</c> key holding <c>{"before": …}</c>: raw rows of batches finished earlier are gone.</summary>
    public const string HorizonKey = "ingestion.rejections.raw-removed-before";

    // One purger at a time across instances; the others skip the run (the next tick of any instance catches up).
    private const long LockKey = 0x5351_494E_4752_4554; // "SQINGRET"

    private const string TryLock = "select pg_try_advisory_xact_lock(@Key)";

    private const string ClearRawOfOldBatches = """
        with cleared as (
            update ingest_rejections r set raw = null
            from ingest_batches b
            where b.id = r.batch_id and b.finished_at < @Before and r.raw is not null
            returning r.batch_id
        )
        select count(*) as Rows, count(distinct batch_id) as Batches from cleared
        """;

    private const string RaiseHorizon = """
        insert into node_settings (key, value, updated_at)
        values (@Key, jsonb_build_object('before', @Before), @Now)
        on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at
        where (node_settings.value ->> 'before')::timestamptz < @Before
        """;

    private const string SelectHorizon = "select (value ->> 'before')::timestamptz from node_settings where key = @Key";

    /// <summary>
    /// Clears the raw rows of batches finished before <paramref name="before"/> and writes one admin audit event with
    /// the counts (never values) when anything was cleared. Null when another instance is purging right now.
    /// </summary>
    public async Task<RetentionPurge?> PurgeAsync(DateTimeOffset before, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(TryLock, new { Key = LockKey }, transaction, cancellationToken: cancellationToken)))
        {
            return null;
        }

        var cleared = await connection.QuerySingleAsync<ClearedRow>(new CommandDefinition(ClearRawOfOldBatches, new { Before = before }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(RaiseHorizon, new { Key = HorizonKey, Before = before, Now = now }, transaction, cancellationToken: cancellationToken));
        var purge = new RetentionPurge(cleared.Rows, cleared.Batches, before);
        if (purge.Rows > 0)
        {
            await AdminAuditWriter.AppendAsync(connection, transaction, actor,
                new AdminChange("rejections.purge", "ingest_rejections", "raw", "被拒行原始内容（保留期满）", null, new { rows = purge.Rows, batches = purge.Batches, finishedBefore = before }),
                now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return purge;
    }

    /// <summary>The cut-off retention has reached: batches finished before it have no raw rejected rows. Null before the first purge.</summary>
    public async Task<DateTimeOffset?> HorizonAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var before = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(SelectHorizon, new { Key = HorizonKey }, cancellationToken: cancellationToken));
        return before is { } utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    private sealed class ClearedRow
    {
        public long Rows { get; init; }

        public long Batches { get; init; }
    }
}
