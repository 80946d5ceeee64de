namespace Shuqiao.Core.Ledger;

/// <summary>
/// A log held in memory, stored the way the database stores it (leaf hashes and tile-level hashes only): for tests,
/// tools that rebuild a log from its entries, and clients that mirror tiles.
/// </summary>
public sealed class MemoryTree : ITreeHashReader
{
    private readonly CompactRange _edge = new();

    // levels[0] = leaf hashes, levels[k] = hashes of tree level 8·k; each level fills in index order.
    private readonly List<List<byte[]>> _levels = [[]];

    public long Size => _edge.Size;

    public byte[] Root() => _edge.Root();

    public CompactRange RightEdge => _edge.Clone();

    public long AppendEntry(ReadOnlySpan<byte> entry) => AppendLeafHash(MerkleHash.Leaf(entry));

    public long AppendLeafHash(byte[] leafHash)
    {
        var index = _edge.Size;
        _edge.Append(leafHash, Keep);
        return index;
    }

    /// <summary>The stored hash of a node at a stored level, if present.</summary>
    public byte[]? StoredHash(NodeId node)
    {
        if (!TiledTree.IsStoredLevel(node.Level))
        {
            return null;
        }

        var k = node.Level / TlogTiles.Height;
        return k < _levels.Count && node.Index < _levels[k].Count ? _levels[k][(int)node.Index] : null;
    }

    public ValueTask<IReadOnlyDictionary<NodeId, byte[]>> ReadAsync(IReadOnlyList<NodeRange> ranges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var result = new Dictionary<NodeId, byte[]>();
        foreach (var range in ranges)
        {
            for (var i = range.Start; i < range.End; i++)
            {
                var node = new NodeId(range.Level, i);
                result[node] = StoredHash(node) ?? throw new InvalidOperationException($"Node {node} is not stored.");
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<NodeId, byte[]>>(result);
    }

    private void Keep(NodeId node, byte[] hash)
    {
        if (!TiledTree.IsStoredLevel(node.Level))
        {
            return;
        }

        var k = node.Level / TlogTiles.Height;
        while (_levels.Count <= k)
        {
            _levels.Add([]);
        }

        _levels[k].Add(hash);
    }
}
