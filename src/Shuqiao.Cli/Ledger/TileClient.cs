using System.Net;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Cli.Ledger;

/// <summary>
/// Reads a log published per c2sp.org/tlog-tiles: <c>&lt;prefix&gt;/checkpoint</c>, <c>/vkey</c> (ours, not part of the
/// spec), <c>/tile/…</c>. Anonymous; nothing here is Shuqiao-specific but the vkey path.
/// </summary>
internal sealed class TileClient : IDisposable
{
    private readonly HttpClient _http;

    public TileClient(CliContext cli, Uri prefix)
    {
        Prefix = prefix;
        _http = new HttpClient(cli.CreateHttpHandler(), disposeHandler: true) { BaseAddress = prefix, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue("shuqiao-cli", "1"));
    }

    public Uri Prefix { get; }

    /// <summary>The log prefix for a URL: the node's base URL gets <c>ledger/</c>, a URL ending in <c>/ledger</c> is taken as is.</summary>
    public static Uri? PrefixOf(string text)
    {
        if (ShuqiaoHttp.NormalizeServer(text) is not { } url)
        {
            return null;
        }

        return url.AbsolutePath.TrimEnd('/').EndsWith("/ledger", StringComparison.Ordinal) ? url : new Uri(url, "ledger/");
    }

    public Task<byte[]> CheckpointAsync(CancellationToken cancellationToken) => GetAsync("checkpoint", cancellationToken);

    public async Task<string> VerifierKeyAsync(CancellationToken cancellationToken) =>
        System.Text.Encoding.UTF8.GetString(await GetAsync("vkey", cancellationToken)).Trim();

    /// <summary>A tile or bundle of the tree the caller verified a checkpoint for; a 404 is an error (the log must serve it).</summary>
    public async Task<byte[]> TileAsync(TileAddress tile, CancellationToken cancellationToken)
    {
        var bytes = await GetAsync(tile.Path, cancellationToken);
        var expected = tile.IsEntries ? (int?)null : tile.Width * MerkleHash.Size;
        return expected is null || bytes.Length == expected
            ? bytes
            : throw new LogUnavailableException($"{tile.Path} has {bytes.Length} bytes, a tile of width {tile.Width} has {expected}");
    }

    public void Dispose() => _http.Dispose();

    private async Task<byte[]> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(path, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new LogUnavailableException($"GET {new Uri(Prefix, path)} answered HTTP {(int)response.StatusCode}");
            }

            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new LogUnavailableException($"cannot reach {new Uri(Prefix, path)}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LogUnavailableException($"{new Uri(Prefix, path)} did not answer in time", e);
        }
    }
}

/// <summary>The log could not be read (network, HTTP error, a resource of the wrong size): no verdict about its content.</summary>
internal sealed class LogUnavailableException : Exception
{
    public LogUnavailableException()
    {
    }

    public LogUnavailableException(string message)
        : base(message)
    {
    }

    public LogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The stored-hash reader of <see cref="TiledTree"/> backed by tiles of a tree of <see cref="TreeSize"/> entries: any
/// node at a tile level comes from a full tile, or from the partial tile that tree has. Tiles are cached.
/// </summary>
internal sealed class TileHashReader(TileClient client, long treeSize) : ITreeHashReader
{
    private readonly Dictionary<(int Level, long Index), byte[]> _tiles = [];

    public long TreeSize { get; } = treeSize;

    public async ValueTask<IReadOnlyDictionary<NodeId, byte[]>> ReadAsync(IReadOnlyList<NodeRange> ranges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var result = new Dictionary<NodeId, byte[]>();
        foreach (var range in ranges)
        {
            for (var i = range.Start; i < range.End; i++)
            {
                result[new NodeId(range.Level, i)] = await HashAsync(range.Level / TlogTiles.Height, i, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>The hash at tile level <paramref name="level"/> (tree level 8·level), position <paramref name="index"/>.</summary>
    public async Task<byte[]> HashAsync(int level, long index, CancellationToken cancellationToken)
    {
        var tileIndex = index / TlogTiles.Width;
        if (!_tiles.TryGetValue((level, tileIndex), out var tile))
        {
            var nodes = TlogTiles.NodesAtTileLevel(TreeSize, level);
            var width = (int)Math.Min(TlogTiles.Width, nodes - tileIndex * TlogTiles.Width);
            if (width <= 0)
            {
                throw new LogUnavailableException($"node {index} of tile level {level} is beyond the tree of size {TreeSize}");
            }

            tile = await client.TileAsync(new TileAddress(level, tileIndex, width), cancellationToken);
            _tiles[(level, tileIndex)] = tile;
        }

        var offset = (int)(index % TlogTiles.Width) * MerkleHash.Size;
        return tile.AsSpan(offset, MerkleHash.Size).ToArray();
    }

    /// <summary>Drops cached tiles below a position, so memory stays flat while a long log streams past.</summary>
    public void Forget(int level, long beforeTileIndex)
    {
        foreach (var key in _tiles.Keys.Where(k => k.Level == level && k.Index < beforeTileIndex).ToList())
        {
            _tiles.Remove(key);
        }
    }
}
