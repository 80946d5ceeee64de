using Shuqiao.Core.Credentials;

namespace Shuqiao.Core.Tests.Credentials;

public sealed class BitstringStatusListTests
{
    [Fact]
    public void The_specifications_example_list_decodes_to_131072_clear_bits()
    {
        // W3C Bitstring Status List v1.0 §2.2, Example 2: a GZIP of 16 KiB of zeros.
        Assert.True(BitstringStatusList.TryDecode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", out var list));
        Assert.Equal(131_072, list.Length);
        Assert.DoesNotContain(Enumerable.Range(0, list.Length), i => list[i]);
    }

    [Fact]
    public void Index_zero_is_the_left_most_bit_and_a_list_survives_encoding()
    {
        var list = new BitstringStatusList();
        list[0] = true;
        list[94_567] = true;
        list[131_071] = true;

        Assert.True(BitstringStatusList.TryDecode(list.Encode(), out var decoded));
        Assert.True(decoded[0] && decoded[94_567] && decoded[131_071]);
        Assert.Equal(3, Enumerable.Range(0, decoded.Length).Count(i => decoded[i]));
        Assert.StartsWith("u", list.Encode(), StringComparison.Ordinal);

        // MSB first: bit 0 set means the first byte is 0x80.
        var one = new BitstringStatusList();
        one[0] = true;
        Assert.True(Multibase.TryDecode(one.Encode(), out var gz));
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(0x80, input.ReadByte());
    }

    [Theory]
    [InlineData("zH4sIAAAAAAAAA")]
    [InlineData("unot-gzip")]
    [InlineData("")]
    public void Anything_but_a_multibase_gzip_list_of_at_least_16_kib_is_refused(string encoded)
    {
        Assert.False(BitstringStatusList.TryDecode(encoded, out _));
        var tooShort = new System.IO.MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(tooShort, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[1024]);
        }

        Assert.False(BitstringStatusList.TryDecode(Multibase.EncodeBase64Url(tooShort.ToArray()), out _));
    }
}
