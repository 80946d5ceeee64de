using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Ingestion;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Ingestion;

/// <summary>What is known of an upload before its rows are read.</summary>
public sealed record NewBatch(
    Guid ResourceId,
    string ResourceCode,
    SchemaVersion SchemaVersion,
    Actor Actor,
    Guid OrganizationId,
    Guid ActorId,
    string? IdempotencyKey,
    BatchFormat Format,
    string Charset,
    BatchMode Mode);

/// <summary>SHA-256 of the request (format, mode, charset and body) and the body's size, known once the body is read.</summary>
public sealed record BodyDigest(byte[] Hash, long Bytes);

/// <summary>A batch stored, or found already stored under the same Idempotency-Key.</summary>
public sealed record IngestResult(IngestBatch Batch, IReadOnlyList<RowRejection> Rejections, bool Replayed)
{
    /// <summary>Seconds spent in each phase of the load (for the log and bench/ingest), in order; empty for a replay.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Phases { get; init; } = [];
}

/// <summary>
/// Loads batches: rows stream through binary COPY into a temporary staging table, then one family of set-based
/// statements in the same transaction moves superseded versions to history, upserts changed payloads, applies
/// deletes and records the batch — so a batch is either fully stored or not at all, whatever happens to the process.
/// </summary>
public sealed class IngestStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Rejections and findings kept per batch; beyond that they are counted only.</summary>
    public const int MaxIssuesKept = 10_000;

    private const string TargetType = "batch";

    // Chunks of 64 KiB waiting for the COPY: the memory a batch holds between reading and PostgreSQL.
    private const int QueuedChunks = 8;

    // The key in the collation of records.key (0010_record_key_collation.sql): the joins on key compare, group and
    // sort in one ordinal order, the order of the primary key index.
    private const string CreateStage = """
        create temp table ingest_stage (row_number bigint not null, deleted boolean not null, key text collate "C" not null, payload jsonb)
        on commit drop
        """;

    // FREEZE (allowed: the table was created in this transaction) writes the rows already visible to all, so the
    // statements that read the staging table do not set hint bits on every page and write the table a second time.
    private const string CopyStage = "copy ingest_stage (row_number, deleted, key, payload) from stdin (format binary, freeze)";

    private const string SelectDuplicateKeys = """
        select key as Key, array_agg(row_number order by row_number) as Rows
        from ingest_stage group by key having count(*) > 1
        """;

    private const string DeleteStagedRows = """
        with removed as (delete from ingest_stage where row_number = any(@Rows) returning deleted)
        select count(*) filter (where not deleted) as Upserts, count(*) filter (where deleted) as Deletes from removed
        """;

    // Grouping a million keys in memory rather than in sorted runs on disk (this transaction only).
    private const string RoomForGrouping = "set local work_mem = '128MB'";

    private const string ResourceHasRecords = "select exists (select 1 from records where resource_id = @ResourceId)";

    // One staging table of a first load (SplitStaging); the primary key refuses a repeated key. Statements naming a
    // staging table are run as plain NpgsqlCommands: each name is new, and Dapper would cache every one of them.
    private const string InsertFirstRecordsFrom = """
        insert into records (resource_id, key, payload, version, batch_id, updated_at)
        select $1, key, payload, 1, $2, $3 from {table}
        """;

    // Before anything changes: the versions this batch replaces (changed payloads) or removes (deletes).
    private const string MoveSupersededToHistory = """
        insert into record_history (resource_id, key, version, payload, batch_id, updated_at, superseded_at, superseded_by, deleted)
        select r.resource_id, r.key, r.version, r.payload, r.batch_id, r.updated_at, @Now, @BatchId, s.deleted
        from ingest_stage s
        join records r on r.resource_id = @ResourceId and r.key = s.key
        where s.deleted or r.payload <> s.payload
        """;

    private const string DeleteRecords = """
        delete from records r using ingest_stage s
        where r.resource_id = @ResourceId and r.key = s.key and s.deleted
        """;

    // Unchanged payloads are skipped (no new version, no history row); xmax = 0 tells an insert from an update.
    private const string UpsertRecords = """
        with written as (
            insert into records (resource_id, key, payload, version, batch_id, updated_at)
            select @ResourceId, key, payload, 1, @BatchId, @Now from ingest_stage where not deleted
            on conflict (resource_id, key) do update
                set payload = excluded.payload, version = records.version + 1, batch_id = excluded.batch_id, updated_at = excluded.updated_at
                where records.payload <> excluded.payload
            returning (xmax = 0) as inserted
        )
        select count(*) filter (where inserted) as Inserted, count(*) filter (where not inserted) as Updated from written
        """;

    private const string BatchColumns = """
        b.id, b.resource_id, r.code as resource_code, b.schema_major, b.schema_minor, b.organization_id, b.actor_kind,
        b.actor_id, b.actor_name, b.idempotency_key, b.request_hash, b.format, b.charset, b.mode, b.status, b.received,
        b.accepted, b.rejected, b.inserted, b.updated, b.deleted, b.unchanged, b.warnings, b.bytes, b.started_at,
        b.validated_at, b.finished_at
        """;

    private const string InsertBatch = """
        insert into ingest_batches (id, resource_id, schema_major, schema_minor, organization_id, actor_kind, actor_id,
            actor_name, idempotency_key, request_hash, format, charset, mode, status, received, accepted, rejected,
            inserted, updated, deleted, unchanged, warnings, bytes, started_at, validated_at, finished_at)
        values (@Id, @ResourceId, @SchemaMajor, @SchemaMinor, @OrganizationId, @ActorKind, @ActorId, @ActorName,
            @IdempotencyKey, @RequestHash, @Format, @Charset, @Mode, @Status, @Received, @Accepted, @Rejected,
            @Inserted, @Updated, @Deleted, @Unchanged, @Warnings, @Bytes, @StartedAt, @ValidatedAt, @FinishedAt)
        """;

    private const string InsertRejections = """
        insert into ingest_rejections (batch_id, ordinal, row_number, field, code, reason, raw)
        select @BatchId, o, r, f, c, s, w
        from unnest(@Ordinals, @Rows, @Fields, @Codes, @Reasons, @Raws) as t(o, r, f, c, s, w)
        """;

    private const string InsertFindings = """
        insert into ingest_findings (batch_id, ordinal, row_number, record_key, field, code, reason)
        select @BatchId, o, r, k, f, c, s
        from unnest(@Ordinals, @Rows, @Keys, @Fields, @Codes, @Reasons) as t(o, r, k, f, c, s)
        """;

    private const string SelectBatchById = $"select {BatchColumns} from ingest_batches b join data_resources r on r.id = b.resource_id where b.id = @Id";

    private const string SelectBatchByIdempotencyKey = $"""
        select {BatchColumns} from ingest_batches b join data_resources r on r.id = b.resource_id
        where b.actor_id = @ActorId and b.resource_id = @ResourceId and b.idempotency_key = @Key
        """;

    private const string SelectBatchesOfResource = $"""
        select {BatchColumns} from ingest_batches b join data_resources r on r.id = b.resource_id
        where b.resource_id = @ResourceId and (@OrganizationId::uuid is null or b.organization_id = @OrganizationId)
          and (@BeforeId::uuid is null or (b.started_at, b.id) < (@BeforeAt, @BeforeId))
        order by b.started_at desc, b.id desc
        limit @Limit
        """;

    private const string SelectRejections = """
        select row_number as Row, field as Field, code as Code, reason as Reason, raw as Raw
        from ingest_rejections where batch_id = @BatchId order by ordinal
        """;

    private const string SelectFindings = """
        select row_number as Row, record_key as Key, field as Field, code as Code, reason as Reason
        from ingest_findings where batch_id = @BatchId order by ordinal
        """;

    public async Task<(IngestBatch Batch, byte[] RequestHash)?> FindByIdempotencyKeyAsync(Guid actorId, Guid resourceId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<BatchRow>(new CommandDefinition(SelectBatchByIdempotencyKey, new { ActorId = actorId, ResourceId = resourceId, Key = key }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToBatch(), row.RequestHash);
    }

    public async Task<IngestBatch?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<BatchRow>(new CommandDefinition(SelectBatchById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToBatch();
    }

    /// <summary>Batches of a resource, newest first; <paramref name="organizationId"/> narrows to one uploader.</summary>
    public async Task<IReadOnlyList<IngestBatch>> ListAsync(Guid resourceId, Guid? organizationId, (DateTimeOffset At, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<BatchRow>(new CommandDefinition(
            SelectBatchesOfResource,
            new { ResourceId = resourceId, OrganizationId = organizationId, BeforeAt = before?.At, BeforeId = before?.Id, Limit = limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToBatch()).ToList();
    }

    public async Task<IReadOnlyList<RowRejection>> RejectionsAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RejectionRow>(new CommandDefinition(SelectRejections, new { BatchId = batchId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RowRejection(r.Row, r.Field, r.Code, r.Reason, r.Raw)).ToList();
    }

    public async Task<IReadOnlyList<RowFinding>> FindingsAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FindingRow>(new CommandDefinition(SelectFindings, new { BatchId = batchId }, cancellationToken: cancellationToken));
        return rows.Select(r => new RowFinding(r.Row, r.Key, r.Field, r.Code, r.Reason)).ToList();
    }

    /// <summary>
    /// Reads, checks and stores the rows of one upload. <paramref name="rows"/> is read once, as it streams;
    /// <paramref name="digest"/> is asked after the last row. Answers the stored batch; when another request stored a
    /// batch under the same Idempotency-Key meanwhile, that batch (<see cref="IngestResult.Replayed"/>), or a conflict
    /// when its body differs.
    /// </summary>
    public async Task<Outcome<IngestResult>> IngestAsync(NewBatch batch, RowReader rows, Func<BodyDigest> digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(digest);
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ResourceHasRecords, new { batch.ResourceId }, cancellationToken: cancellationToken)))
        {
            return await LoadAsync(connection, null, id, batch, rows, digest, cancellationToken);
        }

        // A resource's first load (the big one): a second backend stages the rows while this one inserts them. The
        // staging tables are dropped once the batch's transaction has ended (LoadAsync returns only then).
        var staging = await SplitStaging.OpenAsync(dataSource, id, cancellationToken);
        try
        {
            return await LoadAsync(connection, staging, id, batch, rows, digest, cancellationToken);
        }
        finally
        {
            await staging.DisposeAsync();
        }
    }

    /// <summary>Drops the staging tables a crash left behind (their batches' connections are gone).</summary>
    public Task SweepStagingAsync(CancellationToken cancellationToken) => SplitStaging.SweepAsync(dataSource, cancellationToken);

    private async Task<Outcome<IngestResult>> LoadAsync(
        NpgsqlConnection connection, SplitStaging? staging, Guid id, NewBatch batch, RowReader rows, Func<BodyDigest> digest, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var phases = new PhaseClock();
        var read = new ReadTally();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (aborted, inserted) = staging is null
            ? (await StageAsync(connection, transaction, rows, batch.Mode, read, phases, cancellationToken), -1L)
            : await StageAndInsertAsync(connection, transaction, staging, batch.ResourceId, id, startedAt, rows, batch.Mode, read, phases, cancellationToken);

        if (aborted is null && read.Received == 0)
        {
            aborted = [IngestIssues.Empty()];
        }

        // Every row read, checked and staged: the body's digest is complete, and the records written carry this time
        // (those of a first load, inserted while the rows were still arriving, the time the batch started).
        var body = digest();
        var validatedAt = clock.GetUtcNow();
        var rejections = read.Rejections;
        var rejected = read.Rejected;
        var fast = aborted is null && inserted >= 0;
        if (aborted is not null)
        {
            rejections.Clear();
            rejections.AddRange(aborted.Select(i => new RowRejection(0, i.Field, i.Code, i.Reason, null)));
        }

        var upserts = read.Upserts;
        var deletes = read.Deletes;
        if (aborted is null && !fast)
        {
            await connection.ExecuteAsync(new CommandDefinition(RoomForGrouping, transaction: transaction, cancellationToken: cancellationToken));
            var duplicates = (await connection.QueryAsync<DuplicateRow>(new CommandDefinition(SelectDuplicateKeys, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
            var later = new List<long>();
            foreach (var duplicate in duplicates)
            {
                // The first row of a key stands (partial mode stores it); every later one is refused.
                foreach (var row in duplicate.Rows.Skip(1))
                {
                    later.Add(row);
                    var issue = IngestIssues.DuplicateKey(duplicate.Key, duplicate.Rows[0]);
                    Keep(rejections, new RowRejection(row, issue.Field, issue.Code, issue.Reason, null));
                }
            }

            rejected += later.Count;
            if (later.Count > 0 && batch.Mode == BatchMode.Partial)
            {
                var removed = await connection.QuerySingleAsync<StagedRow>(new CommandDefinition(DeleteStagedRows, new { Rows = later.ToArray() }, transaction, cancellationToken: cancellationToken));
                upserts -= removed.Upserts;
                deletes -= removed.Deletes;
            }

            phases.Mark("duplicates");
        }

        var refused = aborted is not null || (batch.Mode == BatchMode.AllOrNothing && rejected > 0);
        var counts = new BatchCounts(read.Received, refused ? 0 : read.Received - rejected, rejected, 0, 0, 0, 0, read.Warnings);
        if (refused)
        {
            // Nothing of the rows is kept: the staging table goes with the transaction. The refusal itself is recorded.
            await transaction.RollbackAsync(cancellationToken);
            var stored = Stored(batch, id, BatchStatus.Rejected, counts, body, startedAt, validatedAt, clock.GetUtcNow());
            await using var refusal = await connection.BeginTransactionAsync(cancellationToken);
            return await FinishAsync(connection, refusal, batch.Actor, stored, body, rejections, [], cancellationToken);
        }

        if (fast)
        {
            counts = counts with { Inserted = inserted };
        }
        else
        {
            var parameters = new { ResourceId = batch.ResourceId, BatchId = id, Now = validatedAt };
            await connection.ExecuteAsync(new CommandDefinition(MoveSupersededToHistory, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            phases.Mark("history");
            var deleted = await connection.ExecuteAsync(new CommandDefinition(DeleteRecords, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            var written = await connection.QuerySingleAsync<WrittenRow>(new CommandDefinition(UpsertRecords, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            phases.Mark("deletes and upsert");
            var unchanged = upserts - written.Inserted - written.Updated + (deletes - deleted);
            counts = counts with { Inserted = written.Inserted, Updated = written.Updated, Deleted = deleted, Unchanged = unchanged };
        }

        var committed = Stored(batch, id, BatchStatus.Committed, counts, body, startedAt, validatedAt, clock.GetUtcNow());
        var outcome = await FinishAsync(connection, transaction, batch.Actor, committed, body, rejections, read.Findings, cancellationToken);
        phases.Mark("batch row, rejections, audit and commit");
        return outcome.Value is { } done ? done with { Phases = phases.All } : outcome;
    }

    // One backend (a resource that already has records): the rows are COPYed into a temporary table of the batch's
    // transaction, and the general path writes them. Answers the issues of an unreadable upload, or null.
    private static async Task<IReadOnlyList<Issue>?> StageAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RowReader rows, BatchMode mode, ReadTally read, PhaseClock phases, CancellationToken cancellationToken)
    {
        IReadOnlyList<Issue>? aborted = null;
        await connection.ExecuteAsync(new CommandDefinition(CreateStage, transaction: transaction, cancellationToken: cancellationToken));
        var copy = await connection.BeginRawBinaryCopyAsync(CopyStage, cancellationToken);
        copy.WriteTimeout = Timeout.Infinite;
        copy.ReadTimeout = Timeout.Infinite;

        // Reading and checking rows (CPU) runs on its own thread and encodes them as binary COPY rows into pooled
        // chunks; this thread only copies chunks to PostgreSQL, which parses them in its own process meanwhile. The
        // bounded queue keeps memory at a few chunks, whatever the size of the upload.
        var queue = Channel.CreateBounded<StagingChunk>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        var producer = StartReader(rows, mode, read, phases, queue.Writer, cancellationToken);
        var copying = true;
        var writing = new Stopwatch();
        try
        {
            await copy.WriteAsync(StagingChunks.Header, cancellationToken);
            await foreach (var chunk in queue.Reader.ReadAllAsync(cancellationToken))
            {
                writing.Start();
                try
                {
                    await copy.WriteAsync(chunk.Bytes, cancellationToken);
                }
                finally
                {
                    chunk.Return();
                    writing.Stop();
                }
            }

            // Time spent handing rows to PostgreSQL (waiting for it to take them): the rest of the stage is waiting for rows.
            phases.Add("COPY writes (waiting for PostgreSQL)", writing.Elapsed.TotalSeconds);

            await copy.WriteAsync(StagingChunks.Trailer, cancellationToken);
            copying = false;
            await copy.DisposeAsync();
            phases.Mark("stage (read, check and COPY)");
        }
        catch (IngestAbortedException e)
        {
            aborted = e.Issues;
        }
        finally
        {
            if (copying)
            {
                await CancelCopyAsync(copy);
            }

            queue.Writer.TryComplete(); // a COPY that failed stops the reader thread too
            await producer;
            Drain(queue.Reader);
        }

        return aborted;
    }

    // Two backends (a resource's first load): the staging connection COPYs the rows into unlogged tables of
    // SplitStaging.RowsPerTable rows, and this transaction inserts each finished table into records while the next
    // is copied, under a savepoint. Answers the issues of an unreadable upload (or null) and the records inserted, or
    // -1 when the batch must take the general path instead — a rejected row, a delete, or a key the primary key
    // refuses (repeated in the batch, or loaded meanwhile by another batch): then the inserts are undone and the
    // staged rows gathered into the temporary staging table the general path reads, which reports every repeated row.
    private static async Task<(IReadOnlyList<Issue>? Aborted, long Inserted)> StageAndInsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SplitStaging staging, Guid resourceId, Guid id, DateTimeOffset startedAt, RowReader rows, BatchMode mode,
        ReadTally read, PhaseClock phases, CancellationToken cancellationToken)
    {
        IReadOnlyList<Issue>? aborted = null;
        await transaction.SaveAsync("first_load", cancellationToken);
        var queue = Channel.CreateBounded<StagingChunk>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        var ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = StartReader(rows, mode, read, phases, queue.Writer, cancellationToken);
        var copier = staging.CopyAsync(queue.Reader, ready.Writer, stop.Token);
        var insertable = true;
        var inserted = 0L;
        var inserting = new Stopwatch();
        try
        {
            await foreach (var table in ready.Reader.ReadAllAsync(cancellationToken))
            {
                if (!insertable || read.Diverted)
                {
                    continue;
                }

                inserting.Start();
                try
                {
                    await using var insert = new NpgsqlCommand(InsertFirstRecordsFrom.Replace("{table}", table, StringComparison.Ordinal), connection, transaction)
                    {
                        CommandTimeout = 0,
                        Parameters = { new() { Value = resourceId }, new() { Value = id }, new() { Value = startedAt } },
                    };
                    inserted += await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    await transaction.RollbackAsync("first_load", cancellationToken);
                    insertable = false;
                }
                finally
                {
                    inserting.Stop();
                }
            }

            phases.Add("COPY writes (waiting for PostgreSQL)", staging.Writing.Elapsed.TotalSeconds);
            phases.Add("inserts (first load, table by table)", inserting.Elapsed.TotalSeconds);
            phases.Mark("stage and insert (two backends)");
        }
        catch (IngestAbortedException e)
        {
            aborted = e.Issues;
        }
        finally
        {
            // Whatever ended this side stops the others: the copier (cancelled), the reader thread (its queue closed).
            await stop.CancelAsync();
            queue.Writer.TryComplete();
            await copier;
            await producer;
            Drain(queue.Reader);
        }

        if (aborted is not null)
        {
            return (aborted, -1);
        }

        if (insertable && !read.Diverted && read.Rejected == 0 && read.Deletes == 0)
        {
            return (null, inserted);
        }

        await transaction.RollbackAsync("first_load", cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CreateStage, transaction: transaction, cancellationToken: cancellationToken));
        if (staging.Tables is { Count: > 0 } tables)
        {
            var gather = "insert into ingest_stage (row_number, deleted, key, payload) " +
                string.Join(" union all ", tables.Select(t => $"select row_number, deleted, key, payload from {t}"));
            await SplitStaging.ExecuteAsync(connection, transaction, gather, cancellationToken);
        }

        phases.Mark("staged rows gathered for the general path");
        return (null, -1);
    }

    // A thread of its own, not the pool's: reading the request body blocks it, and a blocked pool thread makes
    // the pool add threads slowly (about two a second) while Kestrel and Npgsql wait for one.
    private static Task StartReader(RowReader rows, BatchMode mode, ReadTally read, PhaseClock phases, ChannelWriter<StagingChunk> queue, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => ReadRows(rows, mode, read, phases, queue, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Drain(ChannelReader<StagingChunk> queue)
    {
        while (queue.TryRead(out var left))
        {
            left.Return();
        }
    }

    // The reader thread: reads and checks every row, keeps the first rejections and findings, and queues the rows to
    // store as COPY chunks. All or nothing: once a row is refused nothing will be stored, but every row is still read
    // and checked, so the answer lists every rejected row.
    private static void ReadRows(RowReader rows, BatchMode mode, ReadTally read, PhaseClock phases, ChannelWriter<StagingChunk> queue, CancellationToken cancellationToken)
    {
        var busy = Stopwatch.StartNew();
        try
        {
            using (rows)
            {
                var chunks = new StagingChunks();
                while (rows.Read())
                {
                    read.Received++;
                    if (rows.Rejected)
                    {
                        read.Rejected++;
                        read.Diverted = true;
                        foreach (var issue in rows.Rejections)
                        {
                            Keep(read.Rejections, new RowRejection(rows.Row, issue.Field, issue.Code, issue.Reason, rows.Raw));
                        }

                        continue;
                    }

                    if (rows.Warnings.Count > 0)
                    {
                        read.Warnings += rows.Warnings.Count;
                        foreach (var issue in rows.Warnings)
                        {
                            Keep(read.Findings, new RowFinding(rows.Row, rows.Key.ToString(), issue.Field, issue.Code, issue.Reason));
                        }
                    }

                    if (mode == BatchMode.Partial || read.Rejected == 0)
                    {
                        var delete = rows.Operation == RowOperation.Delete;
                        read.Diverted |= delete;
                        _ = delete ? read.Deletes++ : read.Upserts++;
                        if (chunks.Add(rows.Row, delete, rows.Key, rows.Payload) is { } full)
                        {
                            busy.Stop();
                            Send(queue, full, cancellationToken);
                            busy.Start();
                        }
                    }
                }

                if (chunks.Flush() is { } last)
                {
                    Send(queue, last, cancellationToken);
                }
            }

            phases.Add("read and check (reader thread, busy)", busy.Elapsed.TotalSeconds);
            queue.TryComplete();
        }
        catch (Exception e)
        {
            // Handed to the COPY side: an unreadable upload (IngestAbortedException) refuses the batch.
            queue.TryComplete(e);
        }
    }

    private async Task<Outcome<IngestResult>> FinishAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor, IngestBatch batch, BodyDigest body, List<RowRejection> rejections, List<RowFinding> findings, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertBatch, new
            {
                batch.Id,
                batch.ResourceId,
                SchemaMajor = int.Parse(batch.SchemaVersion.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture),
                SchemaMinor = int.Parse(batch.SchemaVersion.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture),
                batch.OrganizationId,
                batch.ActorKind,
                batch.ActorId,
                batch.ActorName,
                batch.IdempotencyKey,
                RequestHash = body.Hash,
                Format = batch.Format.ToString(),
                batch.Charset,
                Mode = batch.Mode.ToString(),
                Status = batch.Status.ToString(),
                batch.Counts.Received,
                batch.Counts.Accepted,
                batch.Counts.Rejected,
                batch.Counts.Inserted,
                batch.Counts.Updated,
                batch.Counts.Deleted,
                batch.Counts.Unchanged,
                batch.Counts.Warnings,
                batch.Bytes,
                batch.StartedAt,
                batch.ValidatedAt,
                batch.FinishedAt,
            }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && batch.IdempotencyKey is not null)
        {
            // A concurrent request with the same Idempotency-Key finished first: this one's work is dropped.
            await transaction.RollbackAsync(cancellationToken);
            return await ReplayAsync(batch.ActorId, batch.ResourceId, batch.IdempotencyKey, body.Hash, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertRejections, new
        {
            BatchId = batch.Id,
            Ordinals = Enumerable.Range(1, rejections.Count).ToArray(),
            Rows = rejections.Select(r => r.Row).ToArray(),
            Fields = rejections.Select(r => Storable(r.Field)).ToArray(),
            Codes = rejections.Select(r => r.Code).ToArray(),
            Reasons = rejections.Select(r => Storable(r.Reason)).ToArray(),
            Raws = rejections.Select(r => r.Raw is null ? null : Storable(r.Raw)).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertFindings, new
        {
            BatchId = batch.Id,
            Ordinals = Enumerable.Range(1, findings.Count).ToArray(),
            Rows = findings.Select(r => r.Row).ToArray(),
            Keys = findings.Select(r => r.Key).ToArray(),
            Fields = findings.Select(r => r.Field).ToArray(),
            Codes = findings.Select(r => r.Code).ToArray(),
            Reasons = findings.Select(r => r.Reason).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        // Counts only: the rows' values may be personal data and never enter the audit trail.
        var snapshot = new { batch.Status, batch.Mode, batch.Format, batch.Counts, schemaVersion = batch.SchemaVersion };
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("batch.ingest", TargetType, batch.Id.ToString(), batch.ResourceCode, null, snapshot), batch.FinishedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IngestResult(batch, rejections, false);
    }

    /// <summary>The stored answer of an earlier upload with this key: the same body replays it, another body conflicts.</summary>
    public async Task<Outcome<IngestResult>> ReplayAsync(Guid actorId, Guid resourceId, string key, byte[] hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (await FindByIdempotencyKeyAsync(actorId, resourceId, key, cancellationToken) is not { } found)
        {
            return Failure.NotFound("The batch");
        }

        if (!found.RequestHash.AsSpan().SequenceEqual(hash))
        {
            return Failure.Conflict(
                "This Idempotency-Key was used for a different upload.",
                new Issue("Idempotency-Key", "idempotency.reused", $"'{key}' was used by batch {found.Batch.Id} for a different body or different parameters; use a new key", [key, found.Batch.Id]));
        }

        return new IngestResult(found.Batch, await RejectionsAsync(found.Batch.Id, cancellationToken), true);
    }

    // An unfinished COPY is cancelled; when PostgreSQL already ended it with an error, that error is the one reported
    // (it propagates from the write that failed), not the cancellation's.
    // A refused row may hold U+0000 (that is why it was refused); PostgreSQL text cannot, so it is kept as U+FFFD.
    private static string Storable(string text) => text.Replace('\0', '\uFFFD');

    internal static async Task CancelCopyAsync(NpgsqlRawCopyStream copy)
    {
        try
        {
            await copy.CancelAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
        }

        try
        {
            await copy.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
        }
    }

    // Waits (blocking the reader thread) while the queue is full; a closed queue means the COPY side has stopped.
    private static void Send(ChannelWriter<StagingChunk> queue, StagingChunk chunk, CancellationToken cancellationToken)
    {
        while (!queue.TryWrite(chunk))
        {
            if (!queue.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                chunk.Return();
                throw new ChannelClosedException();
            }
        }
    }

    private static IngestBatch Stored(NewBatch batch, Guid id, BatchStatus status, BatchCounts counts, BodyDigest body, DateTimeOffset startedAt, DateTimeOffset validatedAt, DateTimeOffset finishedAt) => new(
        id, batch.ResourceId, batch.ResourceCode, batch.SchemaVersion.ToString(), batch.OrganizationId,
        batch.Actor.Kind == ActorKind.ApiClient ? "ApiClient" : "User", batch.ActorId, batch.Actor.Name, batch.IdempotencyKey,
        batch.Format, batch.Charset, batch.Mode, status, counts, body.Bytes, startedAt, validatedAt, finishedAt);

    private static void Keep<T>(List<T> list, T item)
    {
        if (list.Count < MaxIssuesKept)
        {
            list.Add(item);
        }
    }

    // Wall-clock seconds per phase of one load; the reader thread adds its own busy time.
    private sealed class PhaseClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly List<KeyValuePair<string, double>> _phases = [];
        private double _last;

        public IReadOnlyList<KeyValuePair<string, double>> All
        {
            get
            {
                lock (_phases)
                {
                    return [.. _phases];
                }
            }
        }

        public void Mark(string phase)
        {
            var now = _watch.Elapsed.TotalSeconds;
            Add(phase, now - _last);
            _last = now;
        }

        public void Add(string phase, double seconds)
        {
            lock (_phases)
            {
                _phases.Add(new(phase, Math.Round(seconds, 3)));
            }
        }
    }

    // What the reader thread found; read by the request once that thread has finished.
    private sealed class ReadTally
    {
        private volatile bool _diverted;

        /// <summary>A row was rejected or is a delete: a first load takes the general path (read while the thread runs).</summary>
        public bool Diverted
        {
            get => _diverted;
            set => _diverted = value;
        }

        public long Received { get; set; }

        public long Rejected { get; set; }

        public long Warnings { get; set; }

        public long Upserts { get; set; }

        public long Deletes { get; set; }

        public List<RowRejection> Rejections { get; } = [];

        public List<RowFinding> Findings { get; } = [];
    }

    private sealed class DuplicateRow
    {
        public string Key { get; init; } = "";

        public long[] Rows { get; init; } = [];
    }

    private sealed class StagedRow
    {
        public long Upserts { get; init; }

        public long Deletes { get; init; }
    }

    private sealed class WrittenRow
    {
        public long Inserted { get; init; }

        public long Updated { get; init; }
    }

    private sealed class RejectionRow
    {
        public long Row { get; init; }

        public string Field { get; init; } = "";

        public string Code { get; init; } = "";

        public string Reason { get; init; } = "";

        public string? Raw { get; init; }
    }

    private sealed class FindingRow
    {
        public long Row { get; init; }

        public string Key { get; init; } = "";

        public string Field { get; init; } = "";

        public string Code { get; init; } = "";

        public string Reason { get; init; } = "";
    }

    private sealed class BatchRow
    {
        public Guid Id { get; init; }

        public Guid ResourceId { get; init; }

        public string ResourceCode { get; init; } = "";

        public int SchemaMajor { get; init; }

        public int SchemaMinor { get; init; }

        public Guid OrganizationId { get; init; }

        public string ActorKind { get; init; } = "";

        public Guid ActorId { get; init; }

        public string ActorName { get; init; } = "";

        public string? IdempotencyKey { get; init; }

        public byte[] RequestHash { get; init; } = [];

        public string Format { get; init; } = "";

        public string Charset { get; init; } = "";

        public string Mode { get; init; } = "";

        public string Status { get; init; } = "";

        public long Received { get; init; }

        public long Accepted { get; init; }

        public long Rejected { get; init; }

        public long Inserted { get; init; }

        public long Updated { get; init; }

        public long Deleted { get; init; }

        public long Unchanged { get; init; }

        public long Warnings { get; init; }

        public long Bytes { get; init; }

        public DateTimeOffset StartedAt { get; init; }

        public DateTimeOffset ValidatedAt { get; init; }

        public DateTimeOffset FinishedAt { get; init; }


        public IngestBatch ToBatch() => new(
            Id, ResourceId, ResourceCode, $"{SchemaMajor}.{SchemaMinor}", OrganizationId, ActorKind, ActorId, ActorName, IdempotencyKey,
            Enum.Parse<BatchFormat>(Format), Charset, Enum.Parse<BatchMode>(Mode), Enum.Parse<BatchStatus>(Status),
            new BatchCounts(Received, Accepted, Rejected, Inserted, Updated, Deleted, Unchanged, Warnings), Bytes, StartedAt, ValidatedAt, FinishedAt);
    }
}
