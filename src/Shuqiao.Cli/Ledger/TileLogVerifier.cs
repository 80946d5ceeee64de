using Shuqiao.Core.Ledger;

namespace Shuqiao.Cli.Ledger;

/// <summary>What verifying a log found: intact, or the first bad index (or range) and why.</summary>
internal sealed record LedgerVerdict(bool Intact, string Reason, long? FirstBadIndex, long? BadRangeEnd, long EntriesChecked)
{
    public static LedgerVerdict Broken(string reason, long? first, long? end, long checkedEntries) => new(false, reason, first, end, checkedEntries);
}

/// <summary>
/// Recomputes a tiled log (c2sp.org/tlog-tiles) from its entry bundles and compares every leaf hash with the level-0
/// tiles, every completed subtree with the tiles above, the root at the previously verified size with that
/// checkpoint, and the final root with the signed checkpoint. Streams: memory stays flat for any log size.
/// </summary>
internal sealed class TileLogVerifier(TileClient client, Checkpoint checkpoint)
{
    private const int Prefetch = 8;

    /// <summary>Called after each bundle with the entries checked so far (for progress output).</summary>
    public Action<long>? Progress { get; init; }

    /// <param name="from">0 recomputes the whole tree; the previous checkpoint's size checks only what is new, starting
    /// from the tree's right edge at that size as the tiles give it (which must reproduce the previous root).</param>
    /// <param name="previous">The checkpoint verified last time, if any: the new tree must contain it.</param>
    public async Task<LedgerVerdict> VerifyAsync(long from, Checkpoint? previous, CancellationToken cancellationToken)
    {
        var size = checkpoint.Size;
        var hashes = new TileHashReader(client, size);
        var edge = new CompactRange();
        if (from > 0)
        {
            edge = await TiledTree.CompactRangeAsync(from, hashes, cancellationToken);
            if (previous is not null && previous.Size == from && !edge.Root().AsSpan().SequenceEqual(previous.RootHash))
            {
                return LedgerVerdict.Broken(
                    $"the tiles do not reproduce the root of the checkpoint of size {from} verified before: the log was rewritten or forked below that size",
                    null, from, 0);
            }
        }

        if (previous is { Size: 0 } && !MerkleHash.EmptyRoot().AsSpan().SequenceEqual(previous.RootHash))
        {
            return LedgerVerdict.Broken("the previously verified empty tree had a wrong root", null, null, 0);
        }

        var checkedEntries = 0L;
        var firstBundle = from / TlogTiles.Width;
        var lastBundle = size == 0 ? -1 : (size - 1) / TlogTiles.Width;
        var window = new Queue<Task<(long Bundle, int Width, byte[] Entries, byte[] Leaves)>>();
        var next = firstBundle;
        void Fill()
        {
            while (window.Count < Prefetch && next <= lastBundle)
            {
                window.Enqueue(FetchAsync(next++, size, cancellationToken));
            }
        }

        Fill();
        while (window.Count > 0)
        {
            var (bundle, width, bundleBytes, leafTile) = await window.Dequeue();
            Fill();
            var start = bundle * TlogTiles.Width;
            var bundlePath = new TileAddress(0, bundle, width, IsEntries: true).Path;
            var tilePath = new TileAddress(0, bundle, width).Path;
            if (!TlogTiles.TryDecodeBundle(bundleBytes, out var entries) || entries.Count != width)
            {
                return LedgerVerdict.Broken($"{bundlePath} does not hold {width} length-prefixed entries", start + Math.Min(entries.Count, width), start + width, checkedEntries);
            }

            for (var j = (int)Math.Max(0, from - start); j < width; j++)
            {
                var index = start + j;
                var leaf = MerkleHash.Leaf(entries[j]);
                if (!leaf.AsSpan().SequenceEqual(leafTile.AsSpan(j * MerkleHash.Size, MerkleHash.Size)))
                {
                    return LedgerVerdict.Broken(
                        $"entry {index} ({bundlePath}) does not hash to its leaf hash in {tilePath}: the entry or its stored hash was changed",
                        index, index + 1, checkedEntries);
                }

                var completed = new List<(NodeId Node, byte[] Hash)>();
                edge.Append(leaf, (node, hash) =>
                {
                    if (node.Level > 0 && TiledTree.IsStoredLevel(node.Level))
                    {
                        completed.Add((node, hash));
                    }
                });
                checkedEntries++;
                foreach (var (node, hash) in completed)
                {
                    var published = await hashes.HashAsync(node.Level / TlogTiles.Height, node.Index, cancellationToken);
                    if (!published.AsSpan().SequenceEqual(hash))
                    {
                        var tile = new TileAddress(node.Level / TlogTiles.Height, node.Index / TlogTiles.Width, TlogTiles.Width).Path;
                        return LedgerVerdict.Broken(
                            $"the hash of entries {node.Start}–{node.End - 1} in {tile} differs from the one recomputed from the entries",
                            node.Start, node.End, checkedEntries);
                    }
                }

                if (previous is not null && edge.Size == previous.Size && !edge.Root().AsSpan().SequenceEqual(previous.RootHash))
                {
                    return LedgerVerdict.Broken(
                        $"the first {previous.Size} entries do not reproduce the root of the checkpoint of size {previous.Size} verified before: the log was rewritten or forked",
                        null, previous.Size, checkedEntries);
                }
            }

            hashes.Forget(1, bundle / TlogTiles.Width);
            Progress?.Invoke(checkedEntries);
        }

        return edge.Root().AsSpan().SequenceEqual(checkpoint.RootHash)
            ? new LedgerVerdict(true, $"{size} entries reproduce the signed root", null, null, checkedEntries)
            : LedgerVerdict.Broken($"entries {from}–{size - 1} do not reproduce the root of the signed checkpoint of size {size}", from, size, checkedEntries);
    }

    private async Task<(long Bundle, int Width, byte[] Entries, byte[] Leaves)> FetchAsync(long bundle, long size, CancellationToken cancellationToken)
    {
        var width = (int)Math.Min(TlogTiles.Width, size - bundle * TlogTiles.Width);
        var entries = client.TileAsync(new TileAddress(0, bundle, width, IsEntries: true), cancellationToken);
        var leaves = client.TileAsync(new TileAddress(0, bundle, width), cancellationToken);
        return (bundle, width, await entries, await leaves);
    }
}
