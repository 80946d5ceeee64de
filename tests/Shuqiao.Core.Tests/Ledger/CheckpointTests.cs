using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

public sealed class CheckpointTests
{
    private const string SpecExample = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    [Fact]
    public void The_tlog_checkpoint_example_parses_and_formats_back_byte_for_byte()
    {
        var checkpoint = Checkpoint.Parse(SpecExample);

        Assert.Equal("example.com/behind-the-sofa", checkpoint.Origin);
        Assert.Equal(20852163, checkpoint.Size);
        Assert.Equal("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", Convert.ToBase64String(checkpoint.RootHash));
        Assert.Empty(checkpoint.Extensions);
        Assert.Equal(SpecExample, checkpoint.ToNoteText());
    }

    [Fact]
    public void Extension_lines_are_kept_in_order()
    {
        var text = SpecExample + "rfc3339 2024-06-11T08:00:00Z\nshuqiao node 350100\n";

        var checkpoint = Checkpoint.Parse(text);

        Assert.Equal(["rfc3339 2024-06-11T08:00:00Z", "shuqiao node 350100"], checkpoint.Extensions);
        Assert.Equal(text, checkpoint.ToNoteText());
    }

    [Fact]
    public void The_empty_tree_has_size_zero_and_the_hash_of_nothing_as_root()
    {
        var checkpoint = new Checkpoint("数据局.example/ledger", 0, MerkleHash.EmptyRoot());

        Assert.Equal("数据局.example/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", checkpoint.ToNoteText());
        Assert.Equal(checkpoint, Checkpoint.Parse(checkpoint.ToNoteText()));
    }

    [Theory]
    [InlineData("example.com/log\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // leading zero
    [InlineData("example.com/log\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // beyond a bigint
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n")] // no padding
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n")] // not 32 bytes
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")] // no final newline
    [InlineData("example.com/log\n1\n")]
    [InlineData("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // empty origin
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\next\n")] // empty extension line
    public void Malformed_checkpoints_are_refused(string text) => Assert.False(Checkpoint.TryParse(text, out _, out _));
}
