using System.Numerics;

namespace Shuqiao.Core.Ledger;

/// <summary>The result of checking a proof: valid, or why not.</summary>
public readonly record struct ProofCheck(bool IsValid, string? Reason)
{
    public static ProofCheck Valid { get; } = new(true, null);

    public static ProofCheck Invalid(string reason) => new(false, reason);
}

/// <summary>
/// Verification of RFC 9162 §2.1.3 inclusion proofs and §2.1.4 consistency proofs. Written from the RFC's
/// algorithms, restated as transparency-dev/merkle does: a proof for leaf <c>m</c> in a tree of size <c>n</c> splits
/// into an "inner" part, below the level where the paths to <c>m</c> and <c>n−1</c> diverge (siblings on either
/// side), and a "border" part above it (only left siblings, one per set bit of <c>m</c>). The edge cases follow the
/// transparency-dev/merkle test vectors: a consistency proof from size 0 is refused (it proves nothing), and equal
/// sizes need an empty proof and equal roots.
/// </summary>
public static class MerkleProof
{
    public static ProofCheck VerifyInclusion(long index, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? proof, ReadOnlySpan<byte> root)
    {
        var check = RootFromInclusionProof(index, treeSize, leafHash, proof, out var computed);
        if (!check.IsValid)
        {
            return check;
        }

        return computed.AsSpan().SequenceEqual(root) ? ProofCheck.Valid : ProofCheck.Invalid("the proof leads to a different root");
    }

    /// <summary>The root an inclusion proof commits to, for a caller who compares it with a checkpoint itself.</summary>
    public static ProofCheck RootFromInclusionProof(long index, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? proof, out byte[] root)
    {
        root = [];
        proof ??= [];
        if (index < 0 || treeSize < 0)
        {
            return ProofCheck.Invalid("index and tree size must not be negative");
        }

        if (index >= treeSize)
        {
            return ProofCheck.Invalid($"index {index} is beyond the tree size {treeSize}");
        }

        if (leafHash.Length != MerkleHash.Size)
        {
            return ProofCheck.Invalid($"the leaf hash has {leafHash.Length} bytes, not {MerkleHash.Size}");
        }

        var (inner, border) = Decompose(index, treeSize);
        if (proof.Count != inner + border)
        {
            return ProofCheck.Invalid($"the proof has {proof.Count} hashes, a tree of size {treeSize} needs {inner + border} for index {index}");
        }

        if (!AllHashSized(proof))
        {
            return ProofCheck.Invalid($"every proof hash must have {MerkleHash.Size} bytes");
        }

        var hash = leafHash.ToArray();
        hash = ChainInner(hash, proof, 0, inner, index);
        root = ChainBorderRight(hash, proof, inner, border);
        return ProofCheck.Valid;
    }

    public static ProofCheck VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]>? proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        var check = RootFromConsistencyProof(size1, size2, proof, root1, out var computed);
        if (!check.IsValid)
        {
            return check;
        }

        return computed.AsSpan().SequenceEqual(root2) ? ProofCheck.Valid : ProofCheck.Invalid("the proof leads to a different second root");
    }

    /// <summary>
    /// Checks that <paramref name="proof"/> extends the tree of <paramref name="size1"/> with <paramref name="root1"/>
    /// and returns the root of the tree of <paramref name="size2"/> it commits to.
    /// </summary>
    public static ProofCheck RootFromConsistencyProof(long size1, long size2, IReadOnlyList<byte[]>? proof, ReadOnlySpan<byte> root1, out byte[] root2)
    {
        root2 = [];
        proof ??= [];
        if (size1 < 0 || size2 < 0)
        {
            return ProofCheck.Invalid("tree sizes must not be negative");
        }

        if (size2 < size1)
        {
            return ProofCheck.Invalid($"size2 ({size2}) is smaller than size1 ({size1})");
        }

        if (size1 == 0)
        {
            // Every tree extends the empty tree, so such a proof would prove nothing; callers special-case size 0
            // (tlog-witness: "old 0" comes with an empty proof and is not checked).
            return ProofCheck.Invalid("a consistency proof from the empty tree is meaningless");
        }

        if (size1 == size2)
        {
            if (proof.Count != 0)
            {
                return ProofCheck.Invalid("equal sizes need an empty proof");
            }

            root2 = root1.ToArray();
            return ProofCheck.Valid;
        }

        if (proof.Count == 0)
        {
            return ProofCheck.Invalid("the proof is empty");
        }

        if (!AllHashSized(proof))
        {
            return ProofCheck.Invalid($"every proof hash must have {MerkleHash.Size} bytes");
        }

        // The proof is the inclusion proof of leaf size1−1 in the tree of size2, without the levels below the
        // largest full subtree that ends at size1 (its hash is the proof's first element, or root1 itself when
        // size1 is a power of two).
        var (inner, border) = Decompose(size1 - 1, size2);
        var shift = BitOperations.TrailingZeroCount((ulong)size1);
        inner -= shift;

        byte[] seed;
        var start = 0;
        if (size1 == 1L << shift)
        {
            seed = root1.ToArray();
        }
        else
        {
            seed = proof[0];
            start = 1;
        }

        if (proof.Count != start + inner + border)
        {
            return ProofCheck.Invalid($"the proof has {proof.Count} hashes, {start + inner + border} are needed from size {size1} to {size2}");
        }

        var mask = (size1 - 1) >> shift;
        var hash1 = ChainInnerRight(seed, proof, start, inner, mask);
        hash1 = ChainBorderRight(hash1, proof, start + inner, border);
        if (!hash1.AsSpan().SequenceEqual(root1))
        {
            return ProofCheck.Invalid("the proof does not lead to the first root");
        }

        var hash2 = ChainInner(seed, proof, start, inner, mask);
        root2 = ChainBorderRight(hash2, proof, start + inner, border);
        return ProofCheck.Valid;
    }

    /// <summary>
    /// The lengths of the two parts of the inclusion proof of leaf <paramref name="index"/> in a tree of
    /// <paramref name="size"/>: inner = levels below the split point of the paths to index and size−1,
    /// border = left siblings above it (one per set bit of the index there).
    /// </summary>
    internal static (int Inner, int Border) Decompose(long index, long size)
    {
        var inner = 64 - BitOperations.LeadingZeroCount((ulong)(index ^ (size - 1)));
        var border = BitOperations.PopCount((ulong)index >> inner);
        return (inner, border);
    }

    private static bool AllHashSized(IReadOnlyList<byte[]> proof)
    {
        foreach (var hash in proof)
        {
            if (hash is null || hash.Length != MerkleHash.Size)
            {
                return false;
            }
        }

        return true;
    }

    // Below the split point the path may turn either way: bit i of the index says whether the sibling is on the left.
    private static byte[] ChainInner(byte[] seed, IReadOnlyList<byte[]> proof, int offset, int count, long index)
    {
        for (var i = 0; i < count; i++)
        {
            seed = ((index >> i) & 1) == 0 ? MerkleHash.Node(seed, proof[offset + i]) : MerkleHash.Node(proof[offset + i], seed);
        }

        return seed;
    }

    // Like ChainInner but only left siblings count: the result is the older (smaller) tree's view of the subtree.
    private static byte[] ChainInnerRight(byte[] seed, IReadOnlyList<byte[]> proof, int offset, int count, long index)
    {
        for (var i = 0; i < count; i++)
        {
            if (((index >> i) & 1) == 1)
            {
                seed = MerkleHash.Node(proof[offset + i], seed);
            }
        }

        return seed;
    }

    private static byte[] ChainBorderRight(byte[] seed, IReadOnlyList<byte[]> proof, int offset, int count)
    {
        for (var i = 0; i < count; i++)
        {
            seed = MerkleHash.Node(proof[offset + i], seed);
        }

        return seed;
    }
}
