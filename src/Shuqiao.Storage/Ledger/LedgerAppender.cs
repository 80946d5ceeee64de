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
/// checking it against the committed head in <c>ledger_state</c>: after a restart, a rolled-back batch, or another
/// server instance's appends, the edge is rebuilt from the stored hashes. Use one appender per process (a
/// singleton); <see cref="AppendInTransactionAsync"/> serves callers without one (the admin audit writer) and shares
/// the process's latest edge when it still matches.
/// </para>
/// </summary>
public sealed class LedgerAppender(NpgsqlDataSource dataSource, TimeProvider clock) : IDisposable
{
    // Locks the head until the transaction ends: appenders in every instance queue here, in commit order.
    private const string LockHead = "select size, root from ledger_state where singleton for update";

    // Moves the head only from the size and root the batch was computed on (migration 0011), else fails the whole
    // batch with HeadMovedState: the check that lets a batch go in one round trip without locking the head first.
    private const string AdvanceHead = "select ledger_advance($1, $2, $3, $4, $5)";

    private const string HeadMovedState = "SQ409";

    private const string InsertEntries = """
        insert into ledger_entries (index, leaf_hash, entry, appended_at, event_id)
        select $1 + t.position - 1, t.leaf_hash, t.entry, $2, t.event_id
        from unnest($3::bytea[], $4::bytea[], $5::uuid[]) with ordinality as t(leaf_hash, entry, event_id, position)
        """;

    private const string InsertNodes = "insert into ledger_nodes (level, index, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])";

    // The edge of the last batch any appender of this process wrote. Immutable once published (appends work on a
    // clone); used only when it matches the head a caller has locked, so another database's edge is never taken.
    private static CompactRange? s_latest;

    private readonly SemaphoreSlim _gate = new(1, 1);

    // The edge as of the last batch this appender wrote (possibly not committed yet, see above). Never mutated: a
    // batch appends to a clone and publishes the result.
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
            var (result, edge) = await AppendLockedAsync(connection, transaction, items, [], head, Volatile.Read(ref _edge), clock.GetUtcNow(), cancellationToken);
            // Kept even though the caller may still roll back: the next batch compares it with the head it locks.
            Volatile.Write(ref _edge, edge);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The group-commit writer's append, blocking (the writer runs on a thread of its own): the participants' rows and
    /// the entries, durable when this returns. <paramref name="connection"/> is the writer's own, outside any
    /// transaction. When this appender's edge is still the committed head — the usual case for the one writer of a
    /// node — the whole batch goes to PostgreSQL in ONE round trip, as one implicit transaction that moves the head
    /// only from that edge; if another appender moved the head in between, that transaction fails as a whole and the
    /// batch is written again the careful way (head locked, edge rebuilt).
    /// </summary>
    public LedgerAppendResult AppendBatch(
        NpgsqlConnection connection, IReadOnlyList<LedgerItem> items, IReadOnlyList<ILedgerBatchParticipant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(participants);
        Validate(items);
        var now = clock.GetUtcNow();
        if (Volatile.Read(ref _edge) is { } cached)
        {
            var append = Plan(cached.Clone(), items);
            using var batch = new NpgsqlBatch(connection);
            AddCommands(batch, append, items, participants, now);
            // Blocking I/O takes no token: a server stopping out of time cancels the statement in PostgreSQL instead.
            using var cancel = cancellationToken.Register(static b => ((NpgsqlBatch)b!).Cancel(), batch);
            try
            {
                batch.ExecuteNonQuery();
                Publish(append.Edge);
                return append.Result;
            }
            catch (PostgresException e) when (e.SqlState == HeadMovedState)
            {
                // Another appender got there first; nothing of this attempt exists.
            }
        }

        return AppendLockedBatchAsync(connection, items, participants, now, cancellationToken).GetAwaiter().GetResult();
    }

    private async Task<LedgerAppendResult> AppendLockedBatchAsync(
        NpgsqlConnection connection, IReadOnlyList<LedgerItem> items, IReadOnlyList<ILedgerBatchParticipant> participants, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var head = await LockHeadAsync(connection, transaction, cancellationToken);
        var (result, edge) = await AppendLockedAsync(connection, transaction, items, participants, head, Volatile.Read(ref _edge), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Publish(edge);
        return result;
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
        var (result, _) = await AppendLockedAsync(connection, transaction, items, [], head, null, now, cancellationToken);
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

    private void Publish(CompactRange edge)
    {
        Volatile.Write(ref _edge, edge);
        Volatile.Write(ref s_latest, edge.Clone());
    }

    private static void Validate(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        Validate(items);
    }

    private static void Validate(IReadOnlyList<LedgerItem> items)
    {
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
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<LedgerItem> items, IReadOnlyList<ILedgerBatchParticipant> participants,
        (long Size, byte[] Root) head, CompactRange? cached, DateTimeOffset now, CancellationToken cancellationToken)
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

        var append = Plan(edge, items);
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddCommands(batch, append, items, participants, now);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return (append.Result, append.Edge);
    }

    // Hashes the entries onto the edge (which it takes over) and collects the completed tile-level nodes.
    private static PlannedAppend Plan(CompactRange edge, IReadOnlyList<LedgerItem> items)
    {
        var size = edge.Size;
        var root = edge.Root();
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

        var newRoot = edge.Root();
        return new PlannedAppend(size, root, leafHashes, nodes, edge, new LedgerAppendResult(size, items.Count, edge.Size, newRoot));
    }

    // The head moves first (in the optimistic batch, its check fails before anything else is written), then the
    // participants' rows, then the entries and nodes.
    private static void AddCommands(NpgsqlBatch batch, PlannedAppend append, IReadOnlyList<LedgerItem> items, IReadOnlyList<ILedgerBatchParticipant> participants, DateTimeOffset now)
    {
        batch.BatchCommands.Add(Command(AdvanceHead,
            new NpgsqlParameter<long> { TypedValue = append.FromSize },
            new NpgsqlParameter<byte[]> { TypedValue = append.FromRoot },
            new NpgsqlParameter<long> { TypedValue = append.Result.TreeSize },
            new NpgsqlParameter<byte[]> { TypedValue = append.Result.Root.ToArray() },
            new NpgsqlParameter<DateTimeOffset> { TypedValue = now }));
        foreach (var participant in participants)
        {
            participant.AddCommands(batch, items);
        }

        var entries = new byte[items.Count][];
        var eventIds = new Guid?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            entries[i] = items[i].Entry;
            eventIds[i] = items[i].EventId;
        }

        batch.BatchCommands.Add(Command(InsertEntries,
            new NpgsqlParameter<long> { TypedValue = append.FromSize },
            new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
            new NpgsqlParameter<byte[][]> { TypedValue = append.LeafHashes },
            new NpgsqlParameter<byte[][]> { TypedValue = entries },
            new NpgsqlParameter<Guid?[]> { TypedValue = eventIds }));
        if (append.Nodes.Count > 0)
        {
            batch.BatchCommands.Add(Command(InsertNodes,
                new NpgsqlParameter<short[]> { TypedValue = append.Nodes.Select(n => (short)n.Node.Level).ToArray() },
                new NpgsqlParameter<long[]> { TypedValue = append.Nodes.Select(n => n.Node.Index).ToArray() },
                new NpgsqlParameter<byte[][]> { TypedValue = append.Nodes.Select(n => n.Hash).ToArray() }));
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private sealed record PlannedAppend(long FromSize, byte[] FromRoot, byte[][] LeafHashes, List<(NodeId Node, byte[] Hash)> Nodes, CompactRange Edge, LedgerAppendResult Result);
}
