using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Ingestion;

/// <summary>
/// The staging half of a resource's first load, on a second connection so that a second PostgreSQL backend works
/// beside the batch's transaction: the rows are COPYed into <c>UNLOGGED</c> tables of
/// <see cref="RowsPerTable"/> rows each (<c>ingest_stage_&lt;batch&gt;_&lt;n&gt;</c>), each created, filled and
/// committed in a transaction of its own, and every finished table is handed to the batch's transaction, which inserts
/// it into <c>records</c> while the next one is being copied.
/// <para>
/// The tables hold the rows as sent (possibly personal data) outside the batch's transaction, so they are dropped
/// when the batch ends, whatever way it ends (<see cref="DisposeAsync"/>). A crash leaves them behind (crash recovery
/// empties unlogged tables but keeps them): while a batch runs, its connection holds a shared advisory lock on the
/// batch; <see cref="SweepAsync(NpgsqlConnection, CancellationToken)"/> (at start-up and before every split batch)
/// drops the staging tables of every batch whose lock nobody holds any more.
/// </para>
/// </summary>
internal sealed class SplitStaging : IAsyncDisposable
{
    /// <summary>Rows per staging table: small enough that little of the insert is left once the last table is copied.</summary>
    public const int RowsPerTable = 50_000;

    // The advisory lock class (two-int form, 'SQIG') marking a batch whose staging tables are alive.
    private const string LockBatch = "select pg_advisory_lock_shared(1397836103, hashtext(@Batch))";

    private const string UnlockBatch = "select pg_advisory_unlock_shared(1397836103, hashtext(@Batch))";

    // An exclusive lock taken is a batch nobody runs any more; a table locked by a live reader is left for next time.
    private const string SweepOrphans = """
        do $$
        declare t record;
        begin
            perform set_config('lock_timeout', '100ms', true);
            for t in
                select c.oid::regclass::text as name, substr(c.relname, 14, 32) as batch
                from pg_class c
                where c.relkind = 'r' and c.relnamespace = to_regnamespace(current_schema())
                  and c.relname ~ '^ingest_stage_[0-9a-f]{32}_[0-9]+$'
            loop
                if pg_try_advisory_xact_lock(1397836103, hashtext(t.batch)) then
                    begin
                        execute 'drop table if exists ' || t.name;
                    exception when lock_not_available then null;
                    end;
                end if;
            end loop;
        end
        $$
        """;

    // The staging commit needs no durability (an unlogged table; a crash drops it anyway), so it waits for no flush.
    // FREEZE (the table is created in the same transaction) saves the insert setting hint bits on every page.
    // The key in the collation of records.key (0010_record_key_collation.sql), as the other staging table.
    private const string CreateTable = """
        set local synchronous_commit = off;
        create unlogged table {table} (row_number bigint not null, deleted boolean not null, key text collate "C" not null, payload jsonb)
        """;

    private const string CopyTable = "copy {table} (row_number, deleted, key, payload) from stdin (format binary, freeze)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly string _batch;
    private readonly List<string> _tables = [];
    private NpgsqlTransaction? _transaction;
    private NpgsqlRawCopyStream? _copy;
    private long _rows;

    private SplitStaging(NpgsqlDataSource dataSource, NpgsqlConnection connection, Guid batchId)
    {
        _dataSource = dataSource;
        _connection = connection;
        _batch = batchId.ToString("N");
    }

    /// <summary>Time spent handing chunks to PostgreSQL (waiting for it to take them).</summary>
    public Stopwatch Writing { get; } = new();

    /// <summary>The staging tables created so far (all of them once <see cref="CopyAsync"/> has finished).</summary>
    public IReadOnlyList<string> Tables
    {
        get
        {
            lock (_tables)
            {
                return [.. _tables];
            }
        }
    }

    /// <summary>Opens the staging connection, marks the batch alive and drops what crashed batches left behind.</summary>
    public static async Task<SplitStaging> OpenAsync(NpgsqlDataSource dataSource, Guid batchId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var staging = new SplitStaging(dataSource, connection, batchId);
            await connection.ExecuteAsync(new CommandDefinition(LockBatch, new { Batch = staging._batch }, cancellationToken: cancellationToken));
            await SweepAsync(connection, cancellationToken);
            return staging;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops the staging tables of batches that no live connection holds (left by a crash).</summary>
    public static async Task SweepAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await SweepAsync(connection, cancellationToken);
    }

    private static Task<int> SweepAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(SweepOrphans, commandTimeout: 0, cancellationToken: cancellationToken));

    /// <summary>
    /// COPYs the queued chunks into staging tables and writes the name of each committed table to
    /// <paramref name="ready"/>; completes <paramref name="ready"/> at the end, with the error that stopped it if any
    /// (an unreadable upload's <c>IngestAbortedException</c> among them). Never throws.
    /// </summary>
    public async Task CopyAsync(ChannelReader<StagingChunk> queue, ChannelWriter<string> ready, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in queue.ReadAllAsync(cancellationToken))
            {
                try
                {
                    _copy ??= await BeginTableAsync(cancellationToken);
                    Writing.Start();
                    await _copy.WriteAsync(chunk.Bytes, cancellationToken);
                    _rows += chunk.Rows;
                }
                finally
                {
                    Writing.Stop();
                    chunk.Return();
                }

                if (_rows >= RowsPerTable)
                {
                    ready.TryWrite(await EndTableAsync(cancellationToken));
                }
            }

            if (_copy is not null)
            {
                ready.TryWrite(await EndTableAsync(cancellationToken));
            }

            ready.TryComplete();
        }
        catch (Exception e)
        {
            ready.TryComplete(e);
        }
        finally
        {
            if (_copy is not null)
            {
                await IngestStore.CancelCopyAsync(_copy);
                _copy = null;
            }

            if (_transaction is not null)
            {
                await RollbackQuietlyAsync(_transaction);
                _transaction = null;
            }
        }
    }

    private async Task<NpgsqlRawCopyStream> BeginTableAsync(CancellationToken cancellationToken)
    {
        string table;
        lock (_tables)
        {
            // Listed before it exists, so that whatever happens next it is dropped at the end.
            table = $"ingest_stage_{_batch}_{_tables.Count + 1}";
            _tables.Add(table);
        }

        _transaction = await _connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(_connection, _transaction, CreateTable.Replace("{table}", table, StringComparison.Ordinal), cancellationToken);
        var copy = await _connection.BeginRawBinaryCopyAsync(CopyTable.Replace("{table}", table, StringComparison.Ordinal), cancellationToken);
        copy.WriteTimeout = Timeout.Infinite;
        copy.ReadTimeout = Timeout.Infinite;
        await copy.WriteAsync(StagingChunks.Header, cancellationToken);
        return copy;
    }

    private async Task<string> EndTableAsync(CancellationToken cancellationToken)
    {
        await _copy!.WriteAsync(StagingChunks.Trailer, cancellationToken);
        await _copy.DisposeAsync();
        _copy = null;
        await _transaction!.CommitAsync(cancellationToken);
        await _transaction.DisposeAsync();
        _transaction = null;
        _rows = 0;
        lock (_tables)
        {
            return _tables[^1];
        }
    }

    /// <summary>
    /// Drops the staging tables and releases the batch. Call after the batch's transaction has ended: it holds locks on
    /// the tables it read until then. When the staging connection is broken, a fresh one drops them; when that fails
    /// too, the next sweep does.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var tables = Tables;
        var drop = tables.Count == 0 ? null : "drop table if exists " + string.Join(", ", tables);
        try
        {
            if (drop is not null)
            {
                await ExecuteAsync(_connection, null, drop, CancellationToken.None);
            }

            await _connection.ExecuteAsync(new CommandDefinition(UnlockBatch, new { Batch = _batch }));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            if (drop is not null)
            {
                try
                {
                    await using var fresh = await _dataSource.OpenConnectionAsync();
                    await ExecuteAsync(fresh, null, drop, CancellationToken.None);
                }
                catch (Exception again) when (again is NpgsqlException or InvalidOperationException or IOException)
                {
                    // Left to the sweep: the broken connection's session, and with it the batch's lock, is gone.
                }
            }
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs a statement that names staging tables as a plain command: every batch's names are new, and Dapper would
    /// keep each such statement in its cache.
    /// </summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RollbackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
        }
    }
}
