using System.Buffers;
using System.Security.Cryptography;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// RFC 9162 §2.1.1 (= RFC 6962 §2.1) tree hashing with SHA-256: a leaf is <c>SHA-256(0x00 ‖ entry)</c>, an interior
/// node <c>SHA-256(0x01 ‖ left ‖ right)</c>, the empty tree <c>SHA-256()</c>. The domain-separation bytes keep a
/// leaf from ever being passed off as a node (second-preimage attack on naive Merkle trees).
/// </summary>
public static class MerkleHash
{
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Entries are small canonical JSON documents; bigger ones go through a pooled buffer.
    private const int StackLimit = 1024;

    /// <summary>MTH({}) — the root of the empty tree.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[Size];
        Leaf(entry, hash);
        return hash;
    }

    public static void Leaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        var length = entry.Length + 1;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            buffer[0] = LeafPrefix;
            entry.CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[Size];
        Node(left, right, hash);
        return hash;
    }

    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + left.Length + right.Length];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>
    /// MTH(D[n]) computed naively from all leaf hashes, exactly as RFC 9162 §2.1.1 defines it (split at the largest
    /// power of two smaller than n). For tests and integrity checks of small ranges; the ledger itself never needs it.
    /// </summary>
    public static byte[] RootOf(IReadOnlyList<byte[]> leafHashes) => RootOf(leafHashes, 0, leafHashes.Count);

    public static byte[] RootOf(IReadOnlyList<byte[]> leafHashes, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var n = end - start;
        if (n == 0)
        {
            return EmptyRoot();
        }

        if (n == 1)
        {
            return leafHashes[start];
        }

        var k = LargestPowerOfTwoBelow(n);
        return Node(RootOf(leafHashes, start, start + k), RootOf(leafHashes, start + k, end));
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static int LargestPowerOfTwoBelow(int n) => 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(n - 1)));
}
