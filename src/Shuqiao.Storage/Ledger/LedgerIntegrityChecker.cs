using Dapper;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

public enum LedgerProblem
{
    None,

    /// <summary>An index is missing (a deleted row) or the entries stop before the committed size.</summary>
    MissingEntry,

    /// <summary>An entry beyond the committed tree size (an inserted row).</summary>
    UnexpectedEntry,

    /// <summary>The entry's bytes do not hash to its stored leaf hash: the entry or the hash was changed.</summary>
    LeafHashMismatch,

    /// <summary>A stored tile-level hash differs from the one recomputed from the entries (or is missing).</summary>
    NodeMismatch,

    /// <summary>A signed checkpoint's root differs from the root recomputed from the entries.</summary>
    CheckpointMismatch,

    /// <summary>The committed head (<c>ledger_state</c>) differs from the tree the entries make.</summary>
    HeadMismatch,
}

/// <summary>
/// The result of recomputing the tree. <see cref="FirstBadIndex"/> is exact for a changed, missing or inserted entry;
/// when an entry was changed together with its leaf hash, only a stored node or a signed root can tell, and the bad
/// entry lies in <c>[FirstBadIndex, BadRangeEnd)</c>. A check of the whole tree has <see cref="FromSize"/> 0; an
/// incremental one checked the entries from <see cref="FromSize"/> on, after a prefix an earlier check verified.
/// <see cref="Root"/> is the verified root of the first <c>FromSize + CheckedEntries</c> entries (null when broken).
/// </summary>
public sealed record LedgerIntegrityReport(
    long CheckedEntries, int CheckedCheckpoints, LedgerProblem Problem, long? FirstBadIndex, long? BadRangeEnd, string? Detail, long FromSize = 0, byte[]? Root = null)
{
    public bool IsIntact => Problem == LedgerProblem.None;

    public bool IsIncremental => FromSize > 0;

    /// <summary>The tree size this check vouches for.</summary>
    public long TreeSize => FromSize + CheckedEntries;
}

/// <summary>A prefix of the tree that an earlier check found intact: its size and root.</summary>
public sealed record LedgerVerifiedPrefix(long Size, byte[] Root);

/// <summary>
/// Recomputes the tree from the entries and compares every leaf hash, stored tile-level hash, published checkpoint
/// and the head with it, stopping at the first difference (the tampering drill; a monitor's job too). Streams the
/// entries, so memory stays flat however long the log is.
/// <para>
/// Given a <see cref="LedgerVerifiedPrefix"/>, the check is incremental: the right edge at the prefix's size is
/// rebuilt from the stored hashes (the highest stored tile hashes covering the prefix) and must give the verified
/// root, then only the entries after it are read. A change below those hashes — an old entry rewritten together with
/// its leaf hash, or a lower stored hash — leaves them as they were: only a whole-tree check (or a verifier checking a
/// proof against a signed checkpoint) finds that, so the service runs one daily.
/// </para>
/// </summary>
public sealed class LedgerIntegrityChecker(NpgsqlDataSource dataSource)
{
    private const string SelectEntryPage = """
        select index, entry, leaf_hash from ledger_entries where index >= @Start order by index limit @Limit
        """;

    private const string SelectCheckpointPage = "select size, root from ledger_checkpoints where size > @After order by size limit 1000";

    private const string SelectNodes = """
        select n.level, n.index, n.hash
        from unnest(@Levels, @Starts, @Ends) as r(l, s, e)
        cross join lateral (select level, index, hash from ledger_nodes where level = r.l and index >= r.s and index < r.e) n
        """;

    public async Task<LedgerIntegrityReport> CheckAsync(CancellationToken cancellationToken, int pageSize = 10_000, LedgerVerifiedPrefix? from = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the whole check, so concurrent appends cannot look like damage.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var head = await LedgerReader.ReadHeadAsync(connection, cancellationToken);
        var fromSize = from?.Size ?? 0;
        var checkpoints = new CheckpointCursor(connection, transaction, fromSize);
        var edge = new CompactRange();
        var verifiedSize = fromSize; // the largest checkpoint size whose root matched: everything below it is as signed
        var checkedCheckpoints = 0;

        LedgerIntegrityReport Report(LedgerProblem problem, long first, long? end, string detail) =>
            new(Math.Max(0, edge.Size - fromSize), checkedCheckpoints, problem, first, end, detail, fromSize);

        if (from is { Size: > 0 })
        {
            if (from.Size > head.Size)
            {
                return Report(LedgerProblem.MissingEntry, head.Size, from.Size, $"the tree has {head.Size} entries, fewer than the {from.Size} an earlier check verified");
            }

            try
            {
                edge = await TiledTree.CompactRangeAsync(from.Size, new SqlTreeHashReader(connection, transaction), cancellationToken);
            }
            catch (LedgerStorageException e)
            {
                return Report(LedgerProblem.NodeMismatch, 0, from.Size, e.Message);
            }

            if (!edge.Root().AsSpan().SequenceEqual(from.Root))
            {
                return Report(LedgerProblem.NodeMismatch, 0, from.Size, $"the stored hashes no longer give the root an earlier check verified at size {from.Size}");
            }
        }

        async Task<LedgerIntegrityReport?> CheckCheckpointsAtAsync()
        {
            while (await checkpoints.PeekAsync(cancellationToken) is { } next && next.Size <= edge.Size)
            {
                checkpoints.Pop();
                checkedCheckpoints++;
                if (next.Size < edge.Size)
                {
                    continue; // cannot happen: checked when the tree had that size
                }

                if (!edge.Root().AsSpan().SequenceEqual(next.Root))
                {
                    return Report(LedgerProblem.CheckpointMismatch, verifiedSize, next.Size, $"the root signed in the checkpoint of size {next.Size} differs from the entries");
                }

                verifiedSize = next.Size;
            }

            return null;
        }

        if (await CheckCheckpointsAtAsync() is { } emptyTreeProblem)
        {
            return emptyTreeProblem;
        }

        while (true)
        {
            var page = await ReadPageAsync(connection, transaction, edge.Size, pageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var pageEnd = page[^1].Index + 1;
            var stored = await ReadNodesCompletingAsync(connection, transaction, edge.Size, pageEnd, cancellationToken);
            foreach (var (index, entry, leafHash) in page)
            {
                if (index != edge.Size)
                {
                    return Report(LedgerProblem.MissingEntry, edge.Size, index, $"entries {edge.Size} to {index - 1} are missing");
                }

                if (index >= head.Size)
                {
                    return Report(LedgerProblem.UnexpectedEntry, index, null, $"entry {index} is beyond the committed tree size {head.Size}");
                }

                var computed = MerkleHash.Leaf(entry);
                if (!computed.AsSpan().SequenceEqual(leafHash))
                {
                    return Report(LedgerProblem.LeafHashMismatch, index, index + 1, $"entry {index} does not hash to its stored leaf hash");
                }

                NodeId? badNode = null;
                edge.Append(computed, (node, hash) =>
                {
                    if (node.Level > 0 && TiledTree.IsStoredLevel(node.Level) && badNode is null &&
                        (!stored.TryGetValue(node, out var kept) || !kept.AsSpan().SequenceEqual(hash)))
                    {
                        badNode = node;
                    }
                });
                if (badNode is { } bad)
                {
                    return Report(LedgerProblem.NodeMismatch, Math.Max(bad.Start, verifiedSize), bad.End, $"the stored hash of node {bad} (entries {bad.Start} to {bad.End - 1}) differs from the entries or is missing");
                }

                if (await CheckCheckpointsAtAsync() is { } checkpointProblem)
                {
                    return checkpointProblem;
                }
            }
        }

        if (edge.Size < head.Size)
        {
            return Report(LedgerProblem.MissingEntry, edge.Size, head.Size, $"entries {edge.Size} to {head.Size - 1} are missing");
        }

        if (!edge.Root().AsSpan().SequenceEqual(head.Root.Span))
        {
            return Report(LedgerProblem.HeadMismatch, verifiedSize, edge.Size, "the committed root differs from the entries");
        }

        if (await checkpoints.PeekAsync(cancellationToken) is { } beyond)
        {
            return Report(LedgerProblem.MissingEntry, edge.Size, beyond.Size, $"a checkpoint of size {beyond.Size} exists but the tree has {edge.Size} entries");
        }

        await transaction.CommitAsync(cancellationToken);
        return new LedgerIntegrityReport(edge.Size - fromSize, checkedCheckpoints, LedgerProblem.None, null, null, null, fromSize, edge.Root());
    }

    private static async Task<List<(long Index, byte[] Entry, byte[] LeafHash)>> ReadPageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long start, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectEntryPage, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("Start", NpgsqlDbType.Bigint) { Value = start });
        command.Parameters.Add(new NpgsqlParameter("Limit", NpgsqlDbType.Integer) { Value = limit });
        var page = new List<(long, byte[], byte[])>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add((reader.GetInt64(0), (byte[])reader[1], (byte[])reader[2]));
        }

        return page;
    }

    // The stored tile-level nodes that end inside [start, end): node k at level L ends at (k+1)·2^L.
    private static async Task<Dictionary<NodeId, byte[]>> ReadNodesCompletingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long start, long end, CancellationToken cancellationToken)
    {
        var levels = new List<short>();
        var starts = new List<long>();
        var ends = new List<long>();
        for (var level = TlogTiles.Height; level < 63; level += TlogTiles.Height)
        {
            var first = start >> level;
            var last = end >> level;
            if (last > first)
            {
                levels.Add((short)level);
                starts.Add(first);
                ends.Add(last);
            }
        }

        var nodes = new Dictionary<NodeId, byte[]>();
        if (levels.Count == 0)
        {
            return nodes;
        }

        var rows = await connection.QueryAsync<NodeRow>(new CommandDefinition(
            SelectNodes, new { Levels = levels.ToArray(), Starts = starts.ToArray(), Ends = ends.ToArray() }, transaction, cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            nodes[new NodeId(row.Level, row.Index)] = row.Hash;
        }

        return nodes;
    }

    private sealed class NodeRow
    {
        public short Level { get; init; }
        public long Index { get; init; }
        public byte[] Hash { get; init; } = [];
    }

    private sealed class CheckpointRow
    {
        public long Size { get; init; }
        public byte[] Root { get; init; } = [];
    }

    /// <summary>Published checkpoints in size order, a page at a time.</summary>
    private sealed class CheckpointCursor(NpgsqlConnection connection, NpgsqlTransaction transaction, long fromSize)
    {
        private readonly Queue<CheckpointRow> _page = new();
        private long _after = fromSize > 0 ? fromSize : -1; // an incremental check: those up to the prefix were checked then
        private bool _done;

        public async Task<CheckpointRow?> PeekAsync(CancellationToken cancellationToken)
        {
            if (_page.Count == 0 && !_done)
            {
                var rows = (await connection.QueryAsync<CheckpointRow>(new CommandDefinition(SelectCheckpointPage, new { After = _after }, transaction, cancellationToken: cancellationToken))).AsList();
                _done = rows.Count == 0;
                foreach (var row in rows)
                {
                    _page.Enqueue(row);
                    _after = row.Size;
                }
            }

            return _page.Count > 0 ? _page.Peek() : null;
        }

        public void Pop() => _page.Dequeue();
    }
}
