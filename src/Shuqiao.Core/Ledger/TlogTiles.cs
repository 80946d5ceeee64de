using System.Buffers.Binary;
using System.Globalization;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// A tlog-tiles resource: the hash tile <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> or, when <see cref="IsEntries"/>, the entry bundle
/// <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>. <see cref="Width"/> is 256 for a full tile, 1–255 for a partial one.
/// </summary>
public readonly record struct TileAddress(int Level, long Index, int Width, bool IsEntries = false)
{
    public bool IsPartial => Width < TlogTiles.Width;

    /// <summary>The hashes a hash tile holds: tree level 8·L, indices [256·N, 256·N + W). For a bundle, its entries' leaves.</summary>
    public NodeRange Hashes => new(IsEntries ? 0 : Level * TlogTiles.Height, Index * TlogTiles.Width, Index * TlogTiles.Width + Width);

    /// <summary>The path below the log's prefix, e.g. <c>tile/0/x001/x234/067.p/5</c>.</summary>
    public string Path
    {
        get
        {
            var path = (IsEntries ? "tile/entries/" : "tile/" + Level.ToString(CultureInfo.InvariantCulture) + "/") + TlogTiles.EncodeIndex(Index);
            return IsPartial ? path + ".p/" + Width.ToString(CultureInfo.InvariantCulture) : path;
        }
    }

    public override string ToString() => Path;
}

/// <summary>
/// C2SP tlog-tiles (c2sp.org/tlog-tiles): tiles of height 8 and width 256, their paths, and entry bundles.
/// </summary>
public static class TlogTiles
{
    public const int Height = 8;
    public const int Width = 256;
    public const int MaxLevel = 63;

    /// <summary>Entry bundles prefix each entry with a big-endian uint16 length, so no entry may be longer.</summary>
    public const int MaxEntrySize = ushort.MaxValue;

    /// <summary>
    /// The tile index as zero-padded 3-digit path elements, all but the last prefixed with <c>x</c>:
    /// 1234067 → <c>x001/x234/067</c>, 0 → <c>000</c>.
    /// </summary>
    public static string EncodeIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var text = (index % 1000).ToString("D3", CultureInfo.InvariantCulture);
        while (index >= 1000)
        {
            index /= 1000;
            text = "x" + (index % 1000).ToString("D3", CultureInfo.InvariantCulture) + "/" + text;
        }

        return text;
    }

    /// <summary>
    /// Parses the part of a tile path after <c>tile/</c>: <c>&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> or
    /// <c>entries/&lt;N&gt;[.p/&lt;W&gt;]</c>. Only the canonical spelling is accepted, so every resource has one URL
    /// (and one cache entry): no leading zeros in L or W, no superfluous <c>x000/</c> groups, W between 1 and 255.
    /// </summary>
    public static bool TryParsePath(string path, out TileAddress tile)
    {
        tile = default;
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        var segments = path.Split('/');
        if (segments.Length < 2)
        {
            return false;
        }

        var isEntries = segments[0] == "entries";
        var level = 0;
        if (!isEntries && (!TryParseSmall(segments[0], out level) || level > MaxLevel))
        {
            return false;
        }

        var indexSegments = segments.AsSpan(1);
        var width = Width;
        if (indexSegments.Length >= 2 && indexSegments[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!TryParseSmall(indexSegments[^1], out width) || width is < 1 or >= Width)
            {
                return false;
            }

            var last = indexSegments[^2];
            indexSegments = indexSegments[..^1];
            indexSegments[^1] = last[..^2];
        }

        var indexText = string.Join('/', indexSegments.ToArray());
        if (!TryParseIndex(indexText, out var index))
        {
            return false;
        }

        tile = new TileAddress(level, index, width, isEntries);
        return true;
    }

    public static bool TryParseIndex(string text, out long index)
    {
        index = 0;
        var parts = text.Split('/');
        // 7 groups of 3 digits exceed long.MaxValue's 19 digits once the first group is above 9.
        if (parts.Length is 0 or > 7)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var digits = i < parts.Length - 1 ? (part.StartsWith('x') ? part[1..] : null) : part;
            if (digits is not { Length: 3 } || !digits.All(char.IsAsciiDigit))
            {
                return false;
            }

            var group = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (index > (long.MaxValue - group) / 1000)
            {
                return false;
            }

            index = index * 1000 + group;
        }

        return EncodeIndex(index) == text;
    }

    /// <summary>How many nodes of tile level <paramref name="level"/> (tree level 8·L) a tree of <paramref name="treeSize"/> has.</summary>
    public static long NodesAtTileLevel(long treeSize, int level) => level * Height >= 63 ? 0 : treeSize >> (level * Height);

    /// <summary>The width of the rightmost, partial tile at <paramref name="level"/>: ⌊s / 256^L⌋ mod 256 (0: none).</summary>
    public static int PartialWidth(long treeSize, int level) => (int)(NodesAtTileLevel(treeSize, level) % Width);

    /// <summary>Whether a tree of <paramref name="treeSize"/> contains the tile (a partial tile of a bigger tree is fine: its hashes never change).</summary>
    public static bool Contains(long treeSize, TileAddress tile) =>
        tile.Width is >= 1 and <= Width && tile.Index >= 0 && tile.Hashes.End <= NodesAtTileLevel(treeSize, tile.IsEntries ? 0 : tile.Level);

    /// <summary>The tiles a client needs for a tree of <paramref name="treeSize"/> that are not full: the right edge, per level.</summary>
    public static IReadOnlyList<TileAddress> PartialTiles(long treeSize)
    {
        var tiles = new List<TileAddress>();
        for (var level = 0; level <= MaxLevel && NodesAtTileLevel(treeSize, level) > 0; level++)
        {
            var width = PartialWidth(treeSize, level);
            if (width > 0)
            {
                tiles.Add(new TileAddress(level, NodesAtTileLevel(treeSize, level) / Width, width));
            }
        }

        return tiles;
    }

    /// <summary>An entry bundle: each entry as a big-endian uint16 length followed by its bytes.</summary>
    public static byte[] EncodeBundle(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var size = 0;
        foreach (var entry in entries)
        {
            if (entry.Length > MaxEntrySize)
            {
                throw new ArgumentException($"An entry of {entry.Length} bytes does not fit an entry bundle (at most {MaxEntrySize}).", nameof(entries));
            }

            size += 2 + entry.Length;
        }

        var bundle = new byte[size];
        var offset = 0;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bundle.AsSpan(offset), (ushort)entry.Length);
            entry.Span.CopyTo(bundle.AsSpan(offset + 2));
            offset += 2 + entry.Length;
        }

        return bundle;
    }

    public static bool TryDecodeBundle(ReadOnlySpan<byte> bundle, out List<byte[]> entries)
    {
        entries = [];
        while (!bundle.IsEmpty)
        {
            if (bundle.Length < 2)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle);
            if (bundle.Length < 2 + length)
            {
                return false;
            }

            entries.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }

        return true;
    }

    private static bool TryParseSmall(string text, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}
