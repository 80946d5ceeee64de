using System.Text.Json;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

/// <summary>
/// transparency-dev/merkle's public test vectors (Vectors/README.md): every happy path must verify and every
/// corrupted variant must fail, with our own verification code.
/// </summary>
public sealed class MerkleVectorTests
{
    private static readonly string VectorRoot = Path.Combine(AppContext.BaseDirectory, "Ledger", "Vectors", "merkle");

    public static TheoryData<string> InclusionFiles() => new(FileList("inclusion"));

    public static TheoryData<string> ConsistencyFiles() => new(FileList("consistency"));

    [Theory]
    [MemberData(nameof(InclusionFiles))]
    public void Inclusion_vectors_verify_exactly_when_they_should(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file)));
        var v = json.RootElement;

        var check = MerkleProof.VerifyInclusion(
            Number(v, "leafIdx"),
            Number(v, "treeSize"),
            Base64(v, "leafHash"),
            Hashes(v, "proof"),
            Base64(v, "root"));

        Assert.True(check.IsValid != v.GetProperty("wantErr").GetBoolean(), $"{file} ({v.GetProperty("desc").GetString()}): {check.Reason}");
    }

    [Theory]
    [MemberData(nameof(ConsistencyFiles))]
    public void Consistency_vectors_verify_exactly_when_they_should(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file)));
        var v = json.RootElement;

        var check = MerkleProof.VerifyConsistency(
            Number(v, "size1"),
            Number(v, "size2"),
            Hashes(v, "proof"),
            Base64(v, "root1"),
            Base64(v, "root2"));

        Assert.True(check.IsValid != v.GetProperty("wantErr").GetBoolean(), $"{file} ({v.GetProperty("desc").GetString()}): {check.Reason}");
    }

    [Fact]
    public void The_vector_set_has_both_happy_paths_and_corruptions()
    {
        // Guards against a copy that lost files: the theories above would then pass vacuously.
        Assert.True(FileList("inclusion").Count > 80);
        Assert.True(FileList("consistency").Count > 80);
        Assert.Contains(FileList("inclusion"), f => f.EndsWith("happy-path.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Happy_path_proofs_are_reproduced_by_our_proof_generation()
    {
        // The happy paths are proofs in the 8-leaf reference tree of tree-constants.json.
        var tree = ReferenceTree();
        foreach (var file in FileList("inclusion").Where(f => f.EndsWith("happy-path.json", StringComparison.Ordinal)))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file)));
            var v = json.RootElement;
            var size = v.GetProperty("treeSize").GetInt64();
            var proof = await TiledTree.InclusionProofAsync(v.GetProperty("leafIdx").GetInt64(), size, tree, default);
            Assert.Equal(Hashes(v, "proof").Select(Convert.ToHexString), proof.Select(Convert.ToHexString));
        }

        foreach (var file in FileList("consistency").Where(f => f.EndsWith("happy-path.json", StringComparison.Ordinal)))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file)));
            var v = json.RootElement;
            var proof = await TiledTree.ConsistencyProofAsync(v.GetProperty("size1").GetInt64(), v.GetProperty("size2").GetInt64(), tree, default);
            Assert.Equal(Hashes(v, "proof").Select(Convert.ToHexString), proof.Select(Convert.ToHexString));
        }
    }

    [Fact]
    public async Task Roots_of_the_reference_tree_match_for_every_size_from_0_to_8()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, "tree-constants.json")));
        var leaves = json.RootElement.GetProperty("leafInputsHex").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToList();
        var roots = json.RootElement.GetProperty("rootHashesBySize").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(9, roots.Count);

        var edge = new CompactRange();
        var tree = new MemoryTree();
        var leafHashes = new List<byte[]>();
        Assert.Equal(roots[0], Convert.ToHexStringLower(edge.Root()));
        for (var size = 1; size <= 8; size++)
        {
            var leafHash = MerkleHash.Leaf(leaves[size - 1]);
            leafHashes.Add(leafHash);
            edge.Append(leafHash);
            tree.AppendLeafHash(leafHash);

            Assert.Equal(roots[size], Convert.ToHexStringLower(MerkleHash.RootOf(leafHashes)));
            Assert.Equal(roots[size], Convert.ToHexStringLower(edge.Root()));
            Assert.Equal(roots[size], Convert.ToHexStringLower(tree.Root()));
            Assert.Equal(roots[size], Convert.ToHexStringLower(await TiledTree.RootAsync(size, tree, default)));
        }
    }

    [Fact]
    public void Every_full_subtree_the_appender_reports_matches_the_reference_node_hashes()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, "tree-constants.json")));
        var leaves = json.RootElement.GetProperty("leafInputsHex").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToList();
        var levels = json.RootElement.GetProperty("nodeHashesByLevel").EnumerateArray()
            .Select(level => level.EnumerateArray().Select(e => e.GetString()!).ToList()).ToList();

        var reported = new Dictionary<NodeId, string>();
        var edge = new CompactRange();
        foreach (var leaf in leaves)
        {
            edge.Append(MerkleHash.Leaf(leaf), (node, hash) => reported.Add(node, Convert.ToHexStringLower(hash)));
        }

        for (var level = 0; level < levels.Count; level++)
        {
            for (var index = 0; index < levels[level].Count; index++)
            {
                Assert.Equal(levels[level][index], reported[new NodeId(level, index)]);
            }
        }

        Assert.Equal(15, reported.Count);
    }

    internal static MemoryTree ReferenceTree()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, "tree-constants.json")));
        var tree = new MemoryTree();
        foreach (var leaf in json.RootElement.GetProperty("leafInputsHex").EnumerateArray())
        {
            tree.AppendEntry(Convert.FromHexString(leaf.GetString()!));
        }

        return tree;
    }

    private static List<string> FileList(string kind) =>
        Directory.EnumerateFiles(Path.Combine(VectorRoot, kind), "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(VectorRoot, path))
            .Order(StringComparer.Ordinal)
            .ToList();

    // The vectors use uint64; the ledger's sizes are bigint (< 2^63). A value beyond that (the "sub @1" variants wrap
    // 0 − 1 to 2^64 − 1) becomes negative here, which the verifier must reject just as it rejects the huge index.
    private static long Number(JsonElement v, string name) => unchecked((long)v.GetProperty(name).GetUInt64());

    private static byte[] Base64(JsonElement v, string name) => Convert.FromBase64String(v.GetProperty(name).GetString() ?? "");

    private static List<byte[]> Hashes(JsonElement v, string name) =>
        v.GetProperty(name).ValueKind == JsonValueKind.Null
            ? []
            : v.GetProperty(name).EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!)).ToList();
}
