using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>Where a batch went: entries <c>[FirstIndex, FirstIndex + Count)</c>, and the tree it made.</summary>
public sealed record LedgerAppendResult(long FirstIndex, int Count, long TreeSize, ReadOnlyMemory<byte> Root)
{
    public long IndexOf(int position) => position >= 0 && position < Count ? FirstIndex + position : throw new ArgumentOutOfRangeException(nameof(position));
}

/// <summary>One entry to append: its bytes and, when it records an audit event, that event's id (to find the entry by event).</summary>
/// <param name="Payload">What a group-commit participant writes with the entry (e.g. the audit row); the appender ignores it.</param>
public sealed record LedgerItem(byte[] Entry, Guid? EventId = null, object? Payload = null);

/// <summary>
/// Appends batches of entries to the ledger. A batch is one transaction — entries, completed tile-level hashes and
/// the new tree head commit together or not at all — and can share the caller's transaction, so the audit
/// group-commit writes its events and their ledger entries atomically.
/// <para>
/// The right edge of the tree (<see cref="CompactRange"/>) stays in memory between batches. It is trusted only after
/// checking it against the committed head in <c>ledger_state</c>, which every batch locks first: after a restart, a
/// rolled-back batch, or another server instance's appends, the edge is rebuilt from the stored hashes. Use one
/// appender per process (a singleton); <see cref="AppendInTransactionAsync"/> serves callers without one (the admin
/// audit writer) and shares the process's latest edge when it still matches.
/// </para>
/// </summary>
public sealed class LedgerAppender(NpgsqlDataSource dataSource, TimeProvider clock) : IDisposable
{
    // Locks the head until the transaction ends: appenders in every instance queue here, in commit order.
    private const string LockHead = "select size, root from ledger_state where singleton for update";

    private const string UpdateHead = "update ledger_state set size = @Size, root = @Root, updated_at = @Now where singleton";

    private const string CopyEntries = "copy ledger_entries (index, leaf_hash, entry, appended_at, event_id) from stdin (format binary)";

    private const string CopyNodes = "copy ledger_nodes (level, index, hash) from stdin (format binary)";

    // The edge of the last batch any appender of this process wrote. Immutable once published (appends work on a
    // clone); used only when it matches the head a caller has locked, so another database's edge is never taken.
    private static CompactRange? s_latest;

    private readonly SemaphoreSlim _gate = new(1, 1);

    // The edge as of the last batch this appender wrote (possibly not committed yet, see above).
    private CompactRange? _edge;

    /// <summary>Appends in a transaction of its own.</summary>
    public async Task<LedgerAppendResult> AppendAsync(IReadOnlyList<byte[]> entries, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await AppendAsync(connection, transaction, entries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Appends inside the caller's transaction; the entries exist once the caller commits. Until then other appenders
    /// wait on the tree head, so make this the last statement before the commit.
    /// </summary>
    public Task<LedgerAppendResult> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<byte[]> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return AppendAsync(connection, transaction, entries.Select(e => new LedgerItem(e)).ToList(), cancellationToken);
    }

    /// <summary>As <see cref="AppendAsync(NpgsqlConnection, NpgsqlTransaction, IReadOnlyList{byte[]}, CancellationToken)"/>, with the audit event ids of the entries.</summary>
    public async Task<LedgerAppendResult> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items, CancellationToken cancellationToken)
    {
        Validate(connection, transaction, items);
        // Wait for the head first, outside the gate: a transaction of this process that already holds the head (and
        // appends again before committing) must never queue behind a caller that waits for it.
        var head = await LockHeadAsync(connection, transaction, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (result, edge) = await AppendLockedAsync(connection, transaction, items, head, _edge, clock.GetUtcNow(), cancellationToken);
            // Kept even though the caller may still roll back: the next batch compares it with the head it locks.
            _edge = edge;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Appends inside the caller's transaction without an appender of one's own (the admin audit writer, the CLI). It
    /// holds the tree head until the transaction ends; several appends in one transaction are fine.
    /// </summary>
    public static async Task<LedgerAppendResult> AppendInTransactionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Validate(connection, transaction, items);
        var head = await LockHeadAsync(connection, transaction, cancellationToken);
        var (result, _) = await AppendLockedAsync(connection, transaction, items, head, null, now, cancellationToken);
        return result;
    }

    public void Dispose() => _gate.Dispose();

    internal static async Task<(long Size, byte[] Root)> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LockHead, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new LedgerStorageException("The ledger_state row is missing.");
        }

        return (reader.GetInt64(0), (byte[])reader[1]);
    }

    private static void Validate(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("A batch has at least one entry.", nameof(items));
        }

        foreach (var item in items)
        {
            if (item?.Entry is null || item.Entry.Length > TlogTiles.MaxEntrySize)
            {
                throw new ArgumentException($"Each entry has at most {TlogTiles.MaxEntrySize} bytes (tlog-tiles entry bundles).", nameof(items));
            }
        }
    }

    private static bool Matches(CompactRange? edge, long size, byte[] root) =>
        edge is not null && edge.Size == size && edge.Root().AsSpan().SequenceEqual(root);

    // The caller holds the head (size, root) locked.
    private static async Task<(LedgerAppendResult Result, CompactRange Edge)> AppendLockedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items, (long Size, byte[] Root) head, CompactRange? cached, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (size, root) = head;
        CompactRange edge;
        if (Matches(cached, size, root))
        {
            edge = cached!.Clone();
        }
        else if (Volatile.Read(ref s_latest) is var latest && Matches(latest, size, root))
        {
            edge = latest!.Clone();
        }
        else
        {
            edge = await TiledTree.CompactRangeAsync(size, new SqlTreeHashReader(connection, transaction), cancellationToken);
            if (!edge.Root().AsSpan().SequenceEqual(root))
            {
                throw new LedgerStorageException($"The stored hashes do not give the committed root of size {size}; run the ledger integrity check.");
            }
        }

        var leafHashes = new byte[items.Count][];
        var nodes = new List<(NodeId Node, byte[] Hash)>();
        for (var i = 0; i < items.Count; i++)
        {
            leafHashes[i] = MerkleHash.Leaf(items[i].Entry);
            edge.Append(leafHashes[i], (node, hash) =>
            {
                if (node.Level > 0 && TiledTree.IsStoredLevel(node.Level))
                {
                    nodes.Add((node, hash));
                }
            });
        }

        await WriteEntriesAsync(connection, size, items, leafHashes, now, cancellationToken);
        if (nodes.Count > 0)
        {
            await WriteNodesAsync(connection, nodes, cancellationToken);
        }

        var newRoot = edge.Root();
        await using (var update = new NpgsqlCommand(UpdateHead, connection, transaction))
        {
            update.Parameters.AddWithValue("Size", edge.Size);
            update.Parameters.AddWithValue("Root", newRoot);
            update.Parameters.AddWithValue("Now", now);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        Volatile.Write(ref s_latest, edge.Clone());
        return (new LedgerAppendResult(size, items.Count, edge.Size, newRoot), edge);
    }

    private static async Task WriteEntriesAsync(NpgsqlConnection connection, long firstIndex, IReadOnlyList<LedgerItem> items, byte[][] leafHashes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(CopyEntries, cancellationToken);
        for (var i = 0; i < items.Count; i++)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(firstIndex + i, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(leafHashes[i], NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(items[i].Entry, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            if (items[i].EventId is { } eventId)
            {
                await importer.WriteAsync(eventId, NpgsqlDbType.Uuid, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNodesAsync(NpgsqlConnection connection, List<(NodeId Node, byte[] Hash)> nodes, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(CopyNodes, cancellationToken);
        foreach (var (node, hash) in nodes)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync((short)node.Level, NpgsqlDbType.Smallint, cancellationToken);
            await importer.WriteAsync(node.Index, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(hash, NpgsqlDbType.Bytea, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
