using System.Text;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

public sealed class TlogWitnessFormatTests
{
    // The example request body of c2sp.org/tlog-witness §add-checkpoint.
    private const string SpecExample = """
        old 20852014
        PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
        jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
        5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
        /6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

        example.com/behind-the-sofa
        20852163
        CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

        — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
        — example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=

        """;

    [Fact]
    public void The_spec_example_request_parses_and_formats_back_byte_for_byte()
    {
        var body = Encoding.UTF8.GetBytes(SpecExample.ReplaceLineEndings("\n"));

        Assert.True(AddCheckpointRequest.TryParse(body, out var request, out var error), error);

        Assert.Equal(20852014, request.OldSize);
        Assert.Equal(4, request.ConsistencyProof.Count);
        var note = SignedNote.Parse(Encoding.UTF8.GetString(request.SignedCheckpoint));
        Assert.Equal(20852163, Checkpoint.Parse(note.Text).Size);
        Assert.Equal(2, note.Signatures.Count);
        Assert.Equal(body, request.ToBody());
    }

    [Theory]
    [InlineData("old 01\n\n")]
    [InlineData("old -1\n\n")]
    [InlineData("new 1\n\n")]
    [InlineData("old 1\nAAAA\n\n")]
    [InlineData("old 1\n")]
    public void Malformed_requests_are_refused(string head) =>
        Assert.False(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes(head + "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/log AAAAAAE=\n"), out _, out _));

    [Fact]
    public void More_than_63_proof_lines_are_refused()
    {
        var hash = Convert.ToBase64String(new byte[32]);
        var body = "old 1\n" + string.Concat(Enumerable.Repeat(hash + "\n", 64)) + "\nexample.com/log\n2\n" + hash + "\n\n— example.com/log AAAAAAE=\n";

        Assert.False(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes(body), out _, out _));
    }
}
