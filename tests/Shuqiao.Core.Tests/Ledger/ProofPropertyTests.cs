using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

/// <summary>
/// Proofs built from the stored tile-level hashes must equal the RFC 9162 definitions computed naively from all
/// leaves (PATH and PROOF of §2.1.3.1 and §2.1.4.1, transcribed below), and must verify — for random tree sizes
/// across tile boundaries (256 and 65,536 leaves).
/// </summary>
public sealed class ProofPropertyTests
{
    private const int Leaves = 70_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), byte[]> Memo = new();

    private static readonly Lazy<(MemoryTree Tree, byte[][] LeafHashes)> Shared = new(() =>
    {
        var tree = new MemoryTree();
        var hashes = new byte[Leaves][];
        for (var i = 0; i < Leaves; i++)
        {
            hashes[i] = MerkleHash.Leaf(BitConverter.GetBytes(i * 7919L));
            tree.AppendLeafHash(hashes[i]);
        }

        return (tree, hashes);
    });

    public static TheoryData<long, long> InclusionCases()
    {
        var random = new Random(20240611);
        var data = new TheoryData<long, long>
        {
            { 0, 1 }, { 0, 2 }, { 1, 2 }, { 255, 256 }, { 0, 257 }, { 256, 257 }, { 65_535, 65_536 }, { 65_536, 65_537 },
            { 12_345, Leaves }, { Leaves - 1, Leaves },
        };
        for (var i = 0; i < 30; i++)
        {
            var size = random.NextInt64(1, Leaves + 1);
            data.Add(random.NextInt64(0, size), size);
        }

        return data;
    }

    public static TheoryData<long, long> ConsistencyCases()
    {
        var random = new Random(8032);
        var data = new TheoryData<long, long>
        {
            { 1, 2 }, { 1, 3 }, { 3, 7 }, { 4, 8 }, { 255, 256 }, { 256, 257 }, { 256, 512 }, { 257, 65_537 },
            { 65_536, 65_537 }, { 70, 70 }, { 1, Leaves }, { Leaves - 1, Leaves },
        };
        for (var i = 0; i < 30; i++)
        {
            var size2 = random.NextInt64(2, Leaves + 1);
            data.Add(random.NextInt64(1, size2), size2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InclusionCases))]
    public async Task Inclusion_proofs_from_stored_hashes_equal_the_rfc_definition_and_verify(long index, long size)
    {
        var (tree, leaves) = Shared.Value;

        var proof = await TiledTree.InclusionProofAsync(index, size, tree, default);
        var root = await TiledTree.RootAsync(size, tree, default);

        Assert.Equal(Hex(Path(leaves, (int)index, 0, (int)size)), Hex(proof));
        Assert.Equal(Convert.ToHexString(Mth(leaves, 0, (int)size)), Convert.ToHexString(root));
        Assert.True(MerkleProof.VerifyInclusion(index, size, leaves[index], proof, root).IsValid);
        // A proof is for one leaf at one position.
        Assert.False(MerkleProof.VerifyInclusion(index, size, MerkleHash.Leaf("其他"u8), proof, root).IsValid);
        if (size > 1)
        {
            Assert.False(MerkleProof.VerifyInclusion(index ^ 1, size, leaves[index], proof, root).IsValid && (index ^ 1) < size);
            var tampered = proof.Select(h => (byte[])h.Clone()).ToArray();
            tampered[0][31] ^= 0x80;
            Assert.False(MerkleProof.VerifyInclusion(index, size, leaves[index], tampered, root).IsValid);
        }
    }

    [Theory]
    [MemberData(nameof(ConsistencyCases))]
    public async Task Consistency_proofs_from_stored_hashes_equal_the_rfc_definition_and_verify(long size1, long size2)
    {
        var (tree, leaves) = Shared.Value;

        var proof = await TiledTree.ConsistencyProofAsync(size1, size2, tree, default);
        var root1 = Mth(leaves, 0, (int)size1);
        var root2 = Mth(leaves, 0, (int)size2);

        Assert.Equal(Hex(Proof((int)size1, leaves, 0, (int)size2, true)), Hex(proof));
        Assert.True(MerkleProof.VerifyConsistency(size1, size2, proof, root1, root2).IsValid);
        if (size1 != size2)
        {
            Assert.False(MerkleProof.VerifyConsistency(size1, size2, proof, root2, root1).IsValid);
            var tampered = proof.Select(h => (byte[])h.Clone()).ToArray();
            tampered[^1][0] ^= 1;
            Assert.False(MerkleProof.VerifyConsistency(size1, size2, tampered, root1, root2).IsValid);
        }
    }

    [Fact]
    public async Task The_right_edge_rebuilt_from_stored_hashes_continues_exactly_like_the_original()
    {
        var (tree, leaves) = Shared.Value;
        foreach (var size in new long[] { 0, 1, 255, 256, 257, 65_535, 65_536, 65_537, 69_999 })
        {
            var edge = await TiledTree.CompactRangeAsync(size, tree, default);
            Assert.Equal(Convert.ToHexString(Mth(leaves, 0, (int)size)), Convert.ToHexString(edge.Root()));
            edge.Append(leaves[size]);
            Assert.Equal(Convert.ToHexString(Mth(leaves, 0, (int)size + 1)), Convert.ToHexString(edge.Root()));
        }
    }

    [Fact]
    public void A_proof_reads_a_logarithmic_number_of_stored_hashes()
    {
        // At most 255 hashes per tile level (the siblings at the eight tree levels inside one tile), plus the right edge.
        var plan = ProofPlan.Inclusion(12_345, Leaves);
        var stored = TiledTree.StoredRangesFor(plan.Nodes).Sum(r => r.Count);
        Assert.InRange(stored, 1, 3 * 255 + 64);
        Assert.Equal(17, plan.Elements.Count); // ⌈log2 70,000⌉ siblings for a leaf in the left, full part of the tree
    }

    // RFC 9162 §2.1.3.1 PATH(m, D[n]), on leaves[start, end).
    private static List<byte[]> Path(byte[][] leaves, int m, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            return [.. Path(leaves, m, start, start + k), Mth(leaves, start + k, end)];
        }

        return [.. Path(leaves, m - k, start + k, end), Mth(leaves, start, start + k)];
    }

    // RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), on leaves[start, end).
    private static List<byte[]> Proof(int m, byte[][] leaves, int start, int end, bool b)
    {
        var n = end - start;
        if (m == n)
        {
            return b ? [] : [Mth(leaves, start, end)];
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            return [.. Proof(m, leaves, start, start + k, b), Mth(leaves, start + k, end)];
        }

        return [.. Proof(m - k, leaves, start + k, end, false), Mth(leaves, start, start + k)];
    }

    // RFC 9162 MTH(D[start:end]) by its recursive definition, memoized: the naive proofs ask for the same subtrees often.
    private static byte[] Mth(byte[][] leaves, int start, int end)
    {
        var n = end - start;
        if (n <= 1)
        {
            return n == 0 ? MerkleHash.EmptyRoot() : leaves[start];
        }

        return Memo.GetOrAdd((start, end), _ =>
        {
            var k = LargestPowerOfTwoBelow(n);
            return MerkleHash.Node(Mth(leaves, start, start + k), Mth(leaves, start + k, end));
        });
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static string[] Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexString).ToArray();
}
