using System.Numerics;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// The right edge of the log: the hashes of the full subtrees that together cover leaves <c>[0, Size)</c>, one per
/// set bit of <c>Size</c> (at most 63). That is all an appender needs in memory: appending a leaf merges equal-sized
/// subtrees, and every merge completes one new full subtree, which is reported so the storage can keep it.
/// The root of the current tree is these subtrees folded right to left.
/// </summary>
public sealed class CompactRange
{
    // Largest (leftmost) subtree first, so the list mirrors ProofPlan.Root(Size).
    private readonly List<(NodeId Node, byte[] Hash)> _subtrees;

    public CompactRange()
        : this(0, [])
    {
    }

    private CompactRange(long size, List<(NodeId, byte[])> subtrees)
    {
        Size = size;
        _subtrees = subtrees;
    }

    public long Size { get; private set; }

    public IReadOnlyList<(NodeId Node, byte[] Hash)> Subtrees => _subtrees;

    /// <summary>Rebuilds the right edge of a tree of <paramref name="size"/> from the hashes of <see cref="ProofPlan.Root"/>'s nodes.</summary>
    public static CompactRange FromSubtrees(long size, Func<NodeId, byte[]> hashOf)
    {
        ArgumentNullException.ThrowIfNull(hashOf);
        var nodes = ProofPlan.Root(size);
        var subtrees = new List<(NodeId, byte[])>(nodes.Count);
        foreach (var node in nodes)
        {
            var hash = hashOf(node);
            if (hash.Length != MerkleHash.Size)
            {
                throw new ArgumentException($"The hash of node {node} has {hash.Length} bytes.", nameof(hashOf));
            }

            subtrees.Add((node, hash));
        }

        return new CompactRange(size, subtrees);
    }

    public CompactRange Clone() => new(Size, [.. _subtrees]);

    /// <summary>
    /// Appends one leaf hash. <paramref name="completed"/> receives every full subtree this append completes, the leaf
    /// itself (level 0) first, then each merge upwards.
    /// </summary>
    public void Append(byte[] leafHash, Action<NodeId, byte[]>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A leaf hash has {MerkleHash.Size} bytes.", nameof(leafHash));
        }

        var node = new NodeId(0, Size);
        var hash = leafHash;
        completed?.Invoke(node, hash);
        // Each trailing one bit of the old size is a subtree of the same height as the new node: merge them.
        var merges = BitOperations.TrailingZeroCount(~(ulong)Size);
        for (var i = 0; i < merges; i++)
        {
            var (_, left) = _subtrees[^1];
            _subtrees.RemoveAt(_subtrees.Count - 1);
            node = new NodeId(node.Level + 1, node.Index >> 1);
            hash = MerkleHash.Node(left, hash);
            completed?.Invoke(node, hash);
        }

        _subtrees.Add((node, hash));
        Size++;
    }

    /// <summary>MTH(D[0:Size]).</summary>
    public byte[] Root()
    {
        if (_subtrees.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        var hash = _subtrees[^1].Hash;
        for (var i = _subtrees.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(_subtrees[i].Hash, hash);
        }

        return hash;
    }
}
