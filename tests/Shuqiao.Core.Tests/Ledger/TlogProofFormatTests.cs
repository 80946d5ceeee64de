using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

public sealed class TlogProofFormatTests
{
    private const string SignedCheckpoint =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n" +
        "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

    [Fact]
    public void A_proof_is_the_header_the_index_the_hashes_a_blank_line_and_the_checkpoint_verbatim()
    {
        var hashes = new[] { MerkleHash.Leaf("a"u8), MerkleHash.Leaf("b"u8) };
        var proof = new TlogProof(73894, hashes, SignedNote.Parse(SignedCheckpoint));

        var text = proof.ToString();

        Assert.Equal(
            "c2sp.org/tlog-proof@v1\nindex 73894\n" + Convert.ToBase64String(hashes[0]) + "\n" + Convert.ToBase64String(hashes[1]) + "\n\n" + SignedCheckpoint,
            text);
        var parsed = TlogProof.Parse(text);
        Assert.Equal(73894, parsed.Index);
        Assert.Null(parsed.Extra);
        Assert.Equal(hashes.Select(Convert.ToHexString), parsed.InclusionProof.Select(Convert.ToHexString));
        Assert.Equal(SignedCheckpoint, parsed.Checkpoint.ToString());
    }

    [Fact]
    public void Extra_data_comes_before_the_index_and_an_empty_proof_is_allowed()
    {
        var proof = new TlogProof(0, [], SignedNote.Parse(SignedCheckpoint), "age-v1.2.1"u8.ToArray());

        var text = proof.ToString();

        Assert.StartsWith("c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMQ==\nindex 0\n\nexample.com/behind-the-sofa\n", text, StringComparison.Ordinal);
        var parsed = TlogProof.Parse(text);
        Assert.Equal("age-v1.2.1"u8.ToArray(), parsed.Extra!.Value.ToArray());
        Assert.Empty(parsed.InclusionProof);
    }

    [Theory]
    [InlineData("c2sp.org/tlog-proof@v2\nindex 1\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 01\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex -1\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 1\nnot-base64\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n")] // not 32 bytes
    [InlineData("c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\n")]
    [InlineData("c2sp.org/tlog-proof@v1\nindex 1\n")]
    public void Malformed_proofs_are_refused(string head) => Assert.False(TlogProof.TryParse(head + SignedCheckpoint, out _, out _));
}
