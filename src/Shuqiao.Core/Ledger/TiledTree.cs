namespace Shuqiao.Core.Ledger;

/// <summary>
/// Reads the hashes the ledger keeps: leaf hashes (level 0) and the full-subtree hashes at the tile levels 8, 16, 24, …
/// (tlog-tiles level L = tree level 8·L). Implemented by the storage (SQL) and by <see cref="MemoryTree"/>.
/// </summary>
public interface ITreeHashReader
{
    /// <summary>
    /// The stored hashes of every node in <paramref name="ranges"/> (each range at a stored level, all nodes full).
    /// Throws when a requested node is not stored: proofs must never be computed from a guess.
    /// </summary>
    ValueTask<IReadOnlyDictionary<NodeId, byte[]>> ReadAsync(IReadOnlyList<NodeRange> ranges, CancellationToken cancellationToken);
}

/// <summary>
/// Proofs, roots and tiles from the stored tile-level hashes. Only every eighth level is stored (about n/255 rows
/// besides the leaves), as tlog-tiles serves it; a node in between is rehashed from at most 128 stored hashes of the
/// level below it, all inside one tile, which is what any tlog-tiles client does too. So one proof reads about
/// 255 hashes per tile level — O(log n) — in a single round trip.
/// </summary>
public static class TiledTree
{
    /// <summary>The stored level below (or at) <paramref name="level"/>.</summary>
    public static int StoredLevelOf(int level) => level / TlogTiles.Height * TlogTiles.Height;

    public static bool IsStoredLevel(int level) => level % TlogTiles.Height == 0;

    /// <summary>The stored hashes a full node is made of: itself if its level is stored, else 2^r nodes r levels below.</summary>
    public static NodeRange StoredRangeOf(NodeId node)
    {
        var stored = StoredLevelOf(node.Level);
        var shift = node.Level - stored;
        return new NodeRange(stored, node.Index << shift, (node.Index + 1) << shift);
    }

    /// <summary>The stored ranges covering <paramref name="nodes"/>, merged per level so each level is one or a few scans.</summary>
    public static IReadOnlyList<NodeRange> StoredRangesFor(IEnumerable<NodeId> nodes)
    {
        var ranges = nodes.Select(StoredRangeOf).OrderBy(r => r.Level).ThenBy(r => r.Start).ToList();
        var merged = new List<NodeRange>();
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && merged[^1].Level == range.Level && range.Start <= merged[^1].End)
            {
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, range.End) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>The hash of a full node, from the stored hashes that cover it.</summary>
    public static byte[] HashOf(NodeId node, IReadOnlyDictionary<NodeId, byte[]> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var range = StoredRangeOf(node);
        var hashes = new byte[range.Count][];
        for (var i = 0L; i < range.Count; i++)
        {
            var id = new NodeId(range.Level, range.Start + i);
            hashes[i] = stored.TryGetValue(id, out var hash) ? hash : throw new InvalidOperationException($"The stored hash of node {id} is missing.");
        }

        for (var width = hashes.Length; width > 1; width /= 2)
        {
            for (var i = 0; i < width / 2; i++)
            {
                hashes[i] = MerkleHash.Node(hashes[2 * i], hashes[2 * i + 1]);
            }
        }

        return hashes[0];
    }

    public static async ValueTask<byte[][]> ResolveAsync(ProofPlan plan, ITreeHashReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(reader);
        var stored = await ReadAsync(reader, plan.Nodes, cancellationToken);
        return plan.Resolve(node => HashOf(node, stored));
    }

    public static ValueTask<byte[][]> InclusionProofAsync(long index, long size, ITreeHashReader reader, CancellationToken cancellationToken) =>
        ResolveAsync(ProofPlan.Inclusion(index, size), reader, cancellationToken);

    public static ValueTask<byte[][]> ConsistencyProofAsync(long size1, long size2, ITreeHashReader reader, CancellationToken cancellationToken) =>
        ResolveAsync(ProofPlan.Consistency(size1, size2), reader, cancellationToken);

    public static async ValueTask<byte[]> RootAsync(long size, ITreeHashReader reader, CancellationToken cancellationToken)
    {
        var nodes = ProofPlan.Root(size);
        var stored = await ReadAsync(reader, nodes, cancellationToken);
        return ProofPlan.Fold(nodes, node => HashOf(node, stored));
    }

    /// <summary>The right edge of the tree of <paramref name="size"/>, to resume appending after a restart.</summary>
    public static async ValueTask<CompactRange> CompactRangeAsync(long size, ITreeHashReader reader, CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(reader, ProofPlan.Root(size), cancellationToken);
        return CompactRange.FromSubtrees(size, node => HashOf(node, stored));
    }

    /// <summary>
    /// The tlog-tiles tile <paramref name="tile"/>: the concatenated hashes at tree level 8·L, indices
    /// <c>[256·N, 256·N + W)</c>. The caller checks that the tree (a published checkpoint) is big enough for it.
    /// </summary>
    public static async ValueTask<byte[]> TileAsync(TileAddress tile, ITreeHashReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var range = tile.Hashes;
        var stored = await reader.ReadAsync([range], cancellationToken);
        var bytes = new byte[range.Count * MerkleHash.Size];
        for (var i = 0L; i < range.Count; i++)
        {
            var id = new NodeId(range.Level, range.Start + i);
            var hash = stored.TryGetValue(id, out var h) ? h : throw new InvalidOperationException($"The stored hash of node {id} is missing.");
            hash.CopyTo(bytes.AsSpan((int)(i * MerkleHash.Size)));
        }

        return bytes;
    }

    private static ValueTask<IReadOnlyDictionary<NodeId, byte[]>> ReadAsync(ITreeHashReader reader, IEnumerable<NodeId> nodes, CancellationToken cancellationToken)
    {
        var ranges = StoredRangesFor(nodes);
        return ranges.Count == 0
            ? ValueTask.FromResult<IReadOnlyDictionary<NodeId, byte[]>>(new Dictionary<NodeId, byte[]>())
            : reader.ReadAsync(ranges, cancellationToken);
    }
}
