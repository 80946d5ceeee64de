using System.IO.Compression;
using System.Text;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// The ledger as public, static-looking resources (c2sp.org/tlog-tiles) under the log's prefix <c>/ledger</c>, and
/// this node's witness endpoint (c2sp.org/tlog-witness). Anonymous by design: anyone may verify the log, and a
/// witness request authenticates itself by the log's signature.
/// </summary>
public static class LedgerTileEndpoints
{
    public const string Prefix = "/ledger";

    // tlog-tiles: full tiles and bundles never change. Partial ones do not either, but a log may drop them once the
    // full tile exists, so they are cached briefly; the checkpoint changes every second.
    private const string Immutable = "public, max-age=31536000, immutable";
    private const string Partial = "public, max-age=60";
    private const string Mutable = "no-cache";
    private const string NoteType = "text/plain; charset=utf-8";
    private const string TileType = "application/octet-stream";

    public static IEndpointRouteBuilder MapLedgerTiles(this IEndpointRouteBuilder routes)
    {
        var ledger = routes.MapGroup(Prefix).WithTags("Ledger (C2SP)").AllowAnonymous();
        ledger.MapGet("/checkpoint", Checkpoint).WithName("GetLedgerCheckpoint")
            .WithSummary("The latest signed checkpoint (c2sp.org/tlog-checkpoint), with witness cosignatures")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        ledger.MapGet("/vkey", VerifierKeyText).WithName("GetLedgerVerifierKey")
            .WithSummary("The node's Ed25519 verifier key in signed-note form (name+id+base64)")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        ledger.MapGet("/tile/{**path}", Tile).WithName("GetLedgerTile")
            .WithSummary("A hash tile tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (c2sp.org/tlog-tiles)")
            .Produces(StatusCodes.Status200OK, contentType: TileType)
            .Produces(StatusCodes.Status404NotFound);
        ledger.MapPost("/witness/add-checkpoint", AddCheckpoint).WithName("WitnessAddCheckpoint")
            .WithSummary("This node as a witness of other nodes' logs (c2sp.org/tlog-witness): cosign a checkpoint consistent with the last one")
            .Accepts<string>("text/plain")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return routes;
    }

    private static async Task<IResult> Checkpoint(HttpContext context, LedgerReader reader, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = Mutable;
        var checkpoint = await reader.LatestCheckpointAsync(cancellationToken);
        return checkpoint is null
            ? Results.Text("no checkpoint has been published yet\n", NoteType, statusCode: StatusCodes.Status404NotFound)
            : Results.Text(checkpoint.Note, NoteType, Encoding.UTF8);
    }

    private static IResult VerifierKeyText(HttpContext context, LedgerKeyring keys)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(keys.LogKey + "\n", NoteType, Encoding.UTF8);
    }

    private static async Task<IResult> Tile(string path, HttpContext context, LedgerReader reader, CancellationToken cancellationToken)
    {
        if (!TlogTiles.TryParsePath(path, out var tile))
        {
            return Results.NotFound();
        }

        var bytes = tile.IsEntries ? await reader.EntryBundleAsync(tile, cancellationToken) : await reader.TileAsync(tile, cancellationToken);
        if (bytes.Value is not { } body)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = tile.IsPartial ? Partial : Immutable;
        if (tile.IsEntries)
        {
            // tlog-tiles: entry bundles SHOULD be compressed at the HTTP layer.
            context.Response.Headers.Vary = "Accept-Encoding";
            if (context.Request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.Headers.ContentEncoding = "gzip";
                body = Gzip(body);
            }
        }

        return Results.Bytes(body, TileType);
    }

    private static async Task<IResult> AddCheckpoint(HttpContext context, LedgerWitnessStore store, WitnessedLogs logs, LedgerKeyring keys, CancellationToken cancellationToken)
    {
        // A checkpoint note (at most 1 MiB) plus the old size and 63 proof lines.
        var limit = SignedNote.MaxSize + 64 * 64;
        if (context.Request.ContentLength > limit)
        {
            return Results.Text("request too large\n", NoteType, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (body.Length <= limit && (read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            body.Write(chunk, 0, read);
        }

        if (body.Length > limit)
        {
            return Results.Text("request too large\n", NoteType, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!AddCheckpointRequest.TryParse(body.GetBuffer().AsSpan(0, (int)body.Length), out var request, out var error))
        {
            return Results.Text(error + "\n", NoteType, statusCode: StatusCodes.Status400BadRequest);
        }

        var response = await store.AddCheckpointAsync(request, logs.KeysOf, [keys.Witness], cancellationToken);
        var decision = response.Decision;
        return decision.Verdict switch
        {
            WitnessVerdict.Cosign => Results.Text(response.Body, NoteType, Encoding.UTF8),
            // tlog-witness: the latest cosigned size, as text/x.tlog.size.
            WitnessVerdict.Conflict when decision.LatestSize is not null => Results.Text(response.Body, "text/x.tlog.size", Encoding.UTF8, StatusCodes.Status409Conflict),
            _ => Results.Text((decision.Reason ?? decision.Verdict.ToString()) + "\n", NoteType, Encoding.UTF8, decision.HttpStatus),
        };
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }
}

/// <summary>The logs this node witnesses (<c>Shuqiao:Ledger:WitnessedLogs</c>): trusted verifier keys per origin.</summary>
public sealed class WitnessedLogs
{
    private readonly Dictionary<string, IReadOnlyList<INoteVerifier>> _keys;

    public WitnessedLogs(Microsoft.Extensions.Options.IOptions<LedgerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = options.Value.WitnessedLogs
            .GroupBy(l => l.Origin, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<INoteVerifier>)g.Select(l => NoteKeys.Verifier(l.VerifierKey)).ToList(), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Origins => _keys.Keys;

    public IReadOnlyList<INoteVerifier>? KeysOf(string origin) => _keys.GetValueOrDefault(origin);
}
