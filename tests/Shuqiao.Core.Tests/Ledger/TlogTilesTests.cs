using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

public sealed class TlogTilesTests
{
    [Theory]
    [InlineData(0, "000")]
    [InlineData(67, "067")]
    [InlineData(999, "999")]
    [InlineData(1000, "x001/000")]
    [InlineData(1234067, "x001/x234/067")]
    public void Tile_indexes_are_written_in_x_prefixed_groups_of_three_digits(long index, string path)
    {
        Assert.Equal(path, TlogTiles.EncodeIndex(index));
        Assert.True(TlogTiles.TryParseIndex(path, out var parsed));
        Assert.Equal(index, parsed);
    }

    [Theory]
    [InlineData("0/x001/x234/067", 0, 1234067, 256, false)]
    [InlineData("1/000.p/17", 1, 0, 17, false)]
    [InlineData("63/000", 63, 0, 256, false)]
    [InlineData("entries/x001/000.p/255", 0, 1000, 255, true)]
    [InlineData("entries/273", 0, 273, 256, true)]
    public void Canonical_tile_paths_parse(string path, int level, long index, int width, bool entries)
    {
        Assert.True(TlogTiles.TryParsePath(path, out var tile));
        Assert.Equal(new TileAddress(level, index, width, entries), tile);
        Assert.Equal("tile/" + path, tile.Path);
    }

    [Theory]
    [InlineData("0/67")]
    [InlineData("0/0067")]
    [InlineData("0/x000/067")] // a superfluous group: not the canonical spelling
    [InlineData("0/001/067")] // missing x
    [InlineData("0/x001")]
    [InlineData("01/000")]
    [InlineData("64/000")]
    [InlineData("0/000.p/0")]
    [InlineData("0/000.p/256")]
    [InlineData("0/000.p/01")]
    [InlineData("0/000.p")]
    [InlineData("data/000")]
    [InlineData("0/000/")]
    [InlineData("0")]
    [InlineData("")]
    public void Other_spellings_are_refused(string path) => Assert.False(TlogTiles.TryParsePath(path, out _));

    [Fact]
    public void A_tree_of_70000_leaves_has_the_tiles_the_spec_lists()
    {
        // tlog-tiles: "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one
        // partial level 1 tile of width 17, and one partial level 2 tile of width 1".
        Assert.Equal(273, TlogTiles.NodesAtTileLevel(70_000, 0) / 256);
        Assert.Equal(
            [new TileAddress(0, 273, 112), new TileAddress(1, 1, 17), new TileAddress(2, 0, 1)],
            TlogTiles.PartialTiles(70_000));
        Assert.Equal([new TileAddress(1, 0, 1)], TlogTiles.PartialTiles(256));
        Assert.Empty(TlogTiles.PartialTiles(0));
    }

    [Fact]
    public void A_tree_contains_only_tiles_whose_hashes_it_has()
    {
        Assert.True(TlogTiles.Contains(70_000, new TileAddress(0, 272, 256)));
        Assert.True(TlogTiles.Contains(70_000, new TileAddress(0, 273, 112)));
        Assert.True(TlogTiles.Contains(70_000, new TileAddress(0, 273, 100))); // an older partial tile: same hashes
        Assert.False(TlogTiles.Contains(70_000, new TileAddress(0, 273, 113)));
        Assert.False(TlogTiles.Contains(70_000, new TileAddress(0, 273, 256)));
        Assert.True(TlogTiles.Contains(70_000, new TileAddress(1, 0, 256)));
        Assert.False(TlogTiles.Contains(70_000, new TileAddress(1, 1, 256)));
        Assert.True(TlogTiles.Contains(70_000, new TileAddress(2, 0, 1)));
        Assert.False(TlogTiles.Contains(70_000, new TileAddress(3, 0, 1)));
    }

    [Fact]
    public async Task Tile_contents_are_the_leaf_hashes_and_the_hashes_of_full_tiles_below()
    {
        var tree = new MemoryTree();
        var leaves = new List<byte[]>();
        for (var i = 0; i < 256 * 3 + 5; i++)
        {
            var hash = MerkleHash.Leaf(BitConverter.GetBytes(i));
            leaves.Add(hash);
            tree.AppendLeafHash(hash);
        }

        var level0 = await TiledTree.TileAsync(new TileAddress(0, 1, 256), tree, default);
        var partial0 = await TiledTree.TileAsync(new TileAddress(0, 3, 5), tree, default);
        var level1 = await TiledTree.TileAsync(new TileAddress(1, 0, 3), tree, default);

        Assert.Equal(8192, level0.Length);
        Assert.Equal(leaves.Skip(256).Take(256).SelectMany(h => h), level0);
        Assert.Equal(leaves.Skip(768).SelectMany(h => h), partial0);
        Assert.Equal(
            Enumerable.Range(0, 3).SelectMany(t => MerkleHash.RootOf(leaves, t * 256, (t + 1) * 256)),
            level1);
    }

    [Fact]
    public void Entry_bundles_prefix_each_entry_with_its_big_endian_length()
    {
        var entries = new ReadOnlyMemory<byte>[] { "{\"a\":1}"u8.ToArray(), Array.Empty<byte>(), new byte[300] };

        var bundle = TlogTiles.EncodeBundle(entries);

        Assert.Equal(new byte[] { 0, 7, (byte)'{' }, bundle[..3]);
        Assert.Equal(new byte[] { 0, 0, 1, 44 }, bundle[9..13]);
        Assert.True(TlogTiles.TryDecodeBundle(bundle, out var decoded));
        Assert.Equal(entries.Select(e => e.ToArray()), decoded);
        Assert.False(TlogTiles.TryDecodeBundle(bundle.AsSpan(0, bundle.Length - 1), out _));
        Assert.Throws<ArgumentException>(() => TlogTiles.EncodeBundle([new byte[65_536]]));
    }
}
