using System.Numerics;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// Which full-subtree hashes make up a proof (or a root), before any hash is read. Each element of the proof is
/// the hash of one <see cref="NodeId"/>, or — for the single element on the tree's right edge that is not a full
/// subtree — the RFC 9162 hash of several full subtrees of decreasing size, folded right to left. So a proof
/// costs O(log n) stored hashes, and the storage can fetch them all in one round trip.
/// </summary>
public sealed class ProofPlan
{
    private readonly List<NodeId[]> _elements = [];

    private ProofPlan()
    {
    }

    /// <summary>The proof elements, each as the full subtrees it is hashed from (one, or several on the right edge).</summary>
    public IReadOnlyList<IReadOnlyList<NodeId>> Elements => _elements;

    public IEnumerable<NodeId> Nodes => _elements.SelectMany(e => e).Distinct();

    /// <summary>
    /// The nodes of RFC 9162 PATH(index, D[0:size]): the inclusion proof of leaf <paramref name="index"/> in the tree of
    /// <paramref name="size"/>, from the leaf's sibling up to the root's child.
    /// </summary>
    public static ProofPlan Inclusion(long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of size {size}.");
        }

        var plan = new ProofPlan();
        plan.AddPath(index, size, fromLevel: 0);
        return plan;
    }

    /// <summary>The nodes of RFC 9162 PROOF(size1, D[0:size2]), the consistency proof between two tree sizes.</summary>
    public static ProofPlan Consistency(long size1, long size2)
    {
        if (size1 < 0 || size2 < size1)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"No consistency proof from size {size1} to {size2}.");
        }

        var plan = new ProofPlan();
        if (size1 == 0 || size1 == size2)
        {
            return plan;
        }

        // The largest full subtree ending at size1 is the proof's starting point; it is listed first unless it is the
        // whole old tree (size1 a power of two), whose root the verifier already has.
        var shift = BitOperations.TrailingZeroCount((ulong)size1);
        var seed = new NodeId(shift, (size1 - 1) >> shift);
        if (size1 != 1L << shift)
        {
            plan._elements.Add([seed]);
        }

        plan.AddPath(seed.Index, size2, fromLevel: shift);
        return plan;
    }

    /// <summary>The full subtrees whose hashes, folded right to left, give MTH(D[0:size]).</summary>
    public static IReadOnlyList<NodeId> Root(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return Range(0, size);
    }

    /// <summary>
    /// The full subtrees that make up the leaves <c>[start, end)</c>, largest first, for a range that starts on a
    /// boundary of its own size class (as every right-edge proof element and every tree does).
    /// </summary>
    public static NodeId[] Range(long start, long end)
    {
        var nodes = new List<NodeId>();
        var position = start;
        while (position < end)
        {
            var remaining = end - position;
            var level = 63 - BitOperations.LeadingZeroCount((ulong)remaining);
            // A subtree of this size must also be aligned at the current position.
            var alignment = position == 0 ? 63 : BitOperations.TrailingZeroCount((ulong)position);
            level = Math.Min(level, alignment);
            nodes.Add(new NodeId(level, position >> level));
            position += 1L << level;
        }

        return [.. nodes];
    }

    /// <summary>Hashes the plan's elements from the given full-subtree hashes.</summary>
    public byte[][] Resolve(Func<NodeId, byte[]> hashOf)
    {
        ArgumentNullException.ThrowIfNull(hashOf);
        var proof = new byte[_elements.Count][];
        for (var i = 0; i < _elements.Count; i++)
        {
            proof[i] = Fold(_elements[i], hashOf);
        }

        return proof;
    }

    /// <summary>RFC 9162 hash of consecutive full subtrees listed largest first: H(a, H(b, H(c, …))).</summary>
    public static byte[] Fold(IReadOnlyList<NodeId> nodes, Func<NodeId, byte[]> hashOf)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(hashOf);
        if (nodes.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        var hash = hashOf(nodes[^1]);
        for (var i = nodes.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(hashOf(nodes[i]), hash);
        }

        return hash;
    }

    // Siblings of node `index` (at `fromLevel`) on its way to the root of a tree of `size` leaves. The RFC 9162 tree
    // is the complete binary tree cut off at `size`, with a node that lost its right child replaced by its left one:
    // so a sibling wholly beyond the edge contributes nothing, and one cut by the edge is the hash of its remainder.
    private void AddPath(long index, long size, int fromLevel)
    {
        for (var level = fromLevel; (1UL << level) < (ulong)size; level++)
        {
            var sibling = (index >> (level - fromLevel)) ^ 1;
            var siblingStart = sibling << level;
            if (siblingStart >= size)
            {
                continue;
            }

            _elements.Add(Range(siblingStart, Math.Min((sibling + 1) << level, size)));
        }
    }
}
