using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>
/// Reads the stored hashes of the tree — leaf hashes from <c>ledger_entries</c>, tile-level hashes from
/// <c>ledger_nodes</c> — for all requested ranges in one round trip, on the caller's connection (and transaction,
/// so an appender sees what it locked).
/// </summary>
internal sealed class SqlTreeHashReader(NpgsqlConnection connection, NpgsqlTransaction? transaction) : ITreeHashReader
{
    // LATERAL makes each range an index range scan whatever the statistics say: as a plain join, a freshly loaded
    // table without ANALYZE got a sequential scan of all entries per proof (0.5 s at 900,000 entries instead of 1 ms).
    private const string SelectRanges = """
        select 0::smallint as level, e.index, e.leaf_hash as hash
        from unnest(@LeafStarts, @LeafEnds) as r(s, e)
        cross join lateral (select index, leaf_hash from ledger_entries where index >= r.s and index < r.e) e
        union all
        select n.level, n.index, n.hash
        from unnest(@NodeLevels, @NodeStarts, @NodeEnds) as r(l, s, e)
        cross join lateral (select level, index, hash from ledger_nodes where level = r.l and index >= r.s and index < r.e) n
        """;

    public async ValueTask<IReadOnlyDictionary<NodeId, byte[]>> ReadAsync(IReadOnlyList<NodeRange> ranges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var leaves = ranges.Where(r => r.Level == 0).ToList();
        var nodes = ranges.Where(r => r.Level != 0).ToList();
        await using var command = new NpgsqlCommand(SelectRanges, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("LeafStarts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = leaves.Select(r => r.Start).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("LeafEnds", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = leaves.Select(r => r.End).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("NodeLevels", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = nodes.Select(r => (short)r.Level).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("NodeStarts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(r => r.Start).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("NodeEnds", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(r => r.End).ToArray() });

        var result = new Dictionary<NodeId, byte[]>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                result[new NodeId(reader.GetInt16(0), reader.GetInt64(1))] = (byte[])reader[2];
            }
        }

        var expected = ranges.Sum(r => r.Count);
        if (result.Count != expected)
        {
            // A committed tree never lacks a full node below its size: this is damage, not a bad request.
            var missing = ranges.SelectMany(r => Enumerable.Range(0, (int)r.Count).Select(i => new NodeId(r.Level, r.Start + i)))
                .First(n => !result.ContainsKey(n));
            throw new LedgerStorageException($"The ledger's stored hash of node {missing} is missing.");
        }

        return result;
    }
}

/// <summary>The ledger's tables contradict themselves (a missing row, a root that does not match): run the integrity check.</summary>
public sealed class LedgerStorageException : Exception
{
    public LedgerStorageException()
    {
    }

    public LedgerStorageException(string message)
        : base(message)
    {
    }

    public LedgerStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
