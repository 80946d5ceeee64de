using System.IO.Compression;

namespace Shuqiao.Core.Credentials;

/// <summary>The two status purposes Shuqiao sets (W3C Bitstring Status List v1.0 §2.1).</summary>
public enum StatusPurpose
{
    Revocation,
    Suspension,
}

/// <summary>
/// A W3C Bitstring Status List (v1.0): one bit per credential, index 0 the left-most (most significant) bit of the
/// first byte; published GZIP-compressed as multibase base64url ('u'). At least 131,072 bits (16 KiB), so a list
/// gives herd privacy: a verifier fetching it learns nothing about which credential it checks.
/// </summary>
public sealed class BitstringStatusList
{
    public const int MinimumBits = 131_072;

    // A list larger than this is refused on decoding: it bounds the memory a hostile list's GZIP bomb can take.
    public const int MaximumBytes = 16 * 1024 * 1024;

    private readonly byte[] _bits;

    public BitstringStatusList(int length = MinimumBits)
    {
        if (length < MinimumBits || length % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "A status list has at least 131,072 bits, a whole number of bytes.");
        }

        _bits = new byte[length / 8];
    }

    private BitstringStatusList(byte[] bits) => _bits = bits;

    public int Length => _bits.Length * 8;

    public bool this[int index]
    {
        get => (_bits[index / 8] & (0x80 >> (index % 8))) != 0;
        set
        {
            if (value)
            {
                _bits[index / 8] |= (byte)(0x80 >> (index % 8));
            }
            else
            {
                _bits[index / 8] &= (byte)~(0x80 >> (index % 8));
            }
        }
    }

    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(_bits);
        }

        return Multibase.EncodeBase64Url(buffer.ToArray());
    }

    /// <summary>Decodes an encodedList; false (never an exception) if it is not multibase base64url GZIP of a valid list.</summary>
    public static bool TryDecode(string? encodedList, out BitstringStatusList list)
    {
        list = null!;
        if (encodedList is null || !encodedList.StartsWith('u') || !Multibase.TryDecode(encodedList, out var compressed))
        {
            return false;
        }

        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = input.Read(chunk)) > 0)
            {
                if (output.Length + read > MaximumBytes)
                {
                    return false;
                }

                output.Write(chunk, 0, read);
            }

            var bits = output.ToArray();
            if (bits.Length * 8L < MinimumBits)
            {
                return false;
            }

            list = new BitstringStatusList(bits);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
