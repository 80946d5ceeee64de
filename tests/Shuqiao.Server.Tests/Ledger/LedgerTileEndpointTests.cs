using System.IO.Compression;
using System.Net;
using System.Text;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>The C2SP resources under /ledger, byte for byte as a standard tlog client expects them.</summary>
public sealed class LedgerTileEndpointTests(LedgerServerFactory server) : IClassFixture<LedgerServerFactory>
{
    [Fact]
    public async Task The_checkpoint_is_a_signed_note_that_verifies_with_the_published_vkey_and_commits_to_the_entries()
    {
        var client = LedgerTesting.Anonymous(server);
        await LedgerTesting.AppendAsync(server, 40);
        var size = await LedgerTesting.TreeSizeAsync(server);

        var (checkpoint, note) = await LedgerTesting.WaitForCheckpointAsync(client, size);
        var response = await client.GetAsync("/ledger/checkpoint");
        var vkey = await client.GetAsync("/ledger/vkey");

        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("text/plain; charset=utf-8", vkey.Content.Headers.ContentType?.ToString());
        var key = VerifierKey.Parse((await vkey.Content.ReadAsStringAsync()).TrimEnd('\n'));
        Assert.Equal(NoteSignatureType.Ed25519, key.Algorithm);
        Assert.Equal(key.Name, checkpoint.Origin);
        Assert.Equal(key.Name, Assert.Single(note.Signatures).KeyName);
        var entries = await LedgerTesting.EntriesAsync(server, checkpoint.Size);
        Assert.Equal(
            Convert.ToHexString(MerkleHash.RootOf(entries.Select(e => MerkleHash.Leaf(e.Entry.Span)).ToList())),
            Convert.ToHexString(checkpoint.RootHash));
    }

    [Fact]
    public async Task Tiles_and_entry_bundles_are_byte_identical_to_a_naive_computation_with_the_right_cache_headers()
    {
        var client = LedgerTesting.Anonymous(server);
        // Past two full level-0 tiles, so there is a partial level-0 tile and a partial level-1 tile of width 2.
        var have = await LedgerTesting.TreeSizeAsync(server);
        await LedgerTesting.AppendAsync(server, (int)Math.Max(1, 2 * 256 + 37 - have));
        var size = await LedgerTesting.TreeSizeAsync(server);
        if (size % 256 == 0)
        {
            await LedgerTesting.AppendAsync(server, 1); // keep a partial level-0 tile
            size++;
        }

        var (checkpoint, _) = await LedgerTesting.WaitForCheckpointAsync(client, size);
        size = checkpoint.Size;
        var entries = await LedgerTesting.EntriesAsync(server, size);
        var leaves = entries.Select(e => MerkleHash.Leaf(e.Entry.Span)).ToList();

        var full = await client.GetAsync("/ledger/tile/0/001");
        var partialWidth = (int)(size % 256);
        var partial = await client.GetAsync($"/ledger/tile/0/{size / 256:D3}.p/{partialWidth}");
        var level1 = await client.GetAsync($"/ledger/tile/1/000.p/{size / 256}");
        var bundle = await client.GetAsync("/ledger/tile/entries/000");

        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("application/octet-stream", full.Content.Headers.ContentType?.ToString());
        Assert.Equal("public, max-age=31536000, immutable", full.Headers.CacheControl?.ToString());
        Assert.Equal(leaves.Skip(256).Take(256).SelectMany(h => h).ToArray(), await full.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal("public, max-age=60", partial.Headers.CacheControl?.ToString());
        Assert.Equal(leaves.Skip((int)(size / 256 * 256)).SelectMany(h => h).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, level1.StatusCode);
        var expectedLevel1 = Enumerable.Range(0, (int)(size / 256)).SelectMany(t => MerkleHash.RootOf(leaves, t * 256, (t + 1) * 256)).ToArray();
        Assert.Equal(expectedLevel1, await level1.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True(TlogTiles.TryDecodeBundle(await bundle.Content.ReadAsByteArrayAsync(), out var bundled));
        Assert.Equal(entries.Take(256).Select(e => e.Entry.ToArray()), bundled);
    }

    [Fact]
    public async Task Tiles_beyond_the_tree_or_with_a_non_canonical_path_are_not_found()
    {
        var client = LedgerTesting.Anonymous(server);
        await LedgerTesting.AppendAsync(server, 3);
        var size = await LedgerTesting.TreeSizeAsync(server);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/ledger/tile/0/{size / 256 + 1:D3}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/ledger/tile/0/{size / 256:D3}.p/{size % 256 + 1}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ledger/tile/entries/x001/000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ledger/tile/0/0")).StatusCode);     // not 3 digits
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ledger/tile/0/000.p/0")).StatusCode); // empty tiles are never served
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ledger/tile/64/000")).StatusCode);
    }

    [Fact]
    public async Task Entry_bundles_are_gzip_compressed_for_clients_that_accept_it()
    {
        var client = LedgerTesting.Anonymous(server);
        await LedgerTesting.AppendAsync(server, 5);
        var size = await LedgerTesting.TreeSizeAsync(server);
        var path = size >= 256 ? "/ledger/tile/entries/000" : $"/ledger/tile/entries/000.p/{size}";

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await client.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gunzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gunzip.CopyToAsync(plain);
        Assert.True(TlogTiles.TryDecodeBundle(plain.ToArray(), out var bundled));
        Assert.Equal(Math.Min(size, 256), bundled.Count);
    }

    [Fact]
    public async Task The_public_ledger_resources_need_no_credential_but_the_api_does()
    {
        var client = LedgerTesting.Anonymous(server);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ledger/vkey")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/ledger")).StatusCode);
        var witnessed = await client.PostAsync("/ledger/witness/add-checkpoint", new StringContent("old 0\n\nnot a checkpoint\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, witnessed.StatusCode); // reached the witness, which refused the body
    }
}
