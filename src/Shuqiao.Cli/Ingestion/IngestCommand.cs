using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Shuqiao.Cli.Ingestion;

/// <summary>
/// <c>shuqiao ingest &lt;resource&gt; &lt;file&gt; [--partial]</c>: streams a CSV, JSON or NDJSON file to
/// POST /api/v1/resources/{code}/batches with a progress bar; the file is never read into memory.
/// </summary>
internal static class IngestCommand
{
    public static Command Create(CliContext cli)
    {
        var resource = new Argument<string>("resource") { Description = "The resource's code, e.g. 101001001/000001 (or 101001001-000001)" };
        var file = new Argument<FileInfo>("file") { Description = "The records: .csv (header row of field names or Chinese labels), .json (an array) or .ndjson/.jsonl" };
        var partial = new Option<bool>("--partial") { Description = "Store the valid rows and report the rejected ones (default: all rows or none)" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "Character encoding of a CSV file: utf-8 (default) or gb18030 (Excel/WPS on Chinese Windows); sent as the charset, the file is not converted",
            DefaultValueFactory = _ => "utf-8",
        };
        var key = new Option<string?>("--idempotency-key") { Description = "Makes a retried upload answer the stored batch instead of loading again (e.g. the file's name and date)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("ingest", "Load records into a resource from a file (数据归集)") { resource, file, partial, encoding, key });
        command.SetAction((parse, ct) => RunAsync(
            cli, parse, api, parse.GetRequiredValue(resource), parse.GetRequiredValue(file), parse.GetValue(partial), parse.GetRequiredValue(encoding), parse.GetValue(key), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext cli, ParseResult parse, ApiOptions api, string resource, FileInfo file, bool partial, string encoding, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            return cli.Fail(ExitCodes.Usage, $"{file.FullName} does not exist");
        }

        var mediaType = Path.GetExtension(file.Name).ToLowerInvariant() switch
        {
            ".csv" or ".txt" => $"text/csv; charset={encoding}",
            ".json" => "application/json",
            ".ndjson" or ".jsonl" => "application/x-ndjson",
            _ => null,
        };
        if (mediaType is null)
        {
            return cli.Fail(ExitCodes.Usage, $"{file.Name}: the file name must end in .csv, .json, .ndjson or .jsonl");
        }

        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        var bar = new ProgressBar(cli.Error, file.Length);
        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var content = new ProgressContent(stream, mediaType, bar.Report);
        var path = $"api/v1/resources/{Uri.EscapeDataString(resource.Replace('/', '-'))}/batches" + (partial ? "?mode=partial" : "");
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        var response = await http.SendAsync(HttpMethod.Post, path, content, cancellationToken, headers);
        bar.Done();
        if (response is null)
        {
            return ExitCodes.Unavailable;
        }

        if (http.PrintJson)
        {
            http.WriteJson(response);
            return response.IsSuccess ? ExitCodes.Ok : response.Status == HttpStatusCode.Conflict ? ExitCodes.Conflict : ExitCodes.Failed;
        }

        if (!response.IsSuccess)
        {
            var code = http.Refused(response);
            if (response.Status == HttpStatusCode.UnprocessableEntity)
            {
                cli.Error.WriteLine("Nothing was stored. Fix the rows and upload again, or add --partial to store the valid rows.");
            }

            return code;
        }

        if (response.Json is not { ValueKind: JsonValueKind.Object } batch)
        {
            return cli.Fail(ExitCodes.Failed, "the server's answer is not a batch");
        }

        var counts = batch.GetProperty("counts");
        long Count(string name) => counts.GetProperty(name).GetInt64();
        cli.Out.WriteLine($"Loaded {file.Name} into {batch.String("resource")}: batch {batch.String("id")}");
        cli.Out.WriteLine($"  {Count("received")} rows read, {Count("inserted")} inserted, {Count("updated")} updated, {Count("unchanged")} unchanged, {Count("deleted")} deleted, {Count("rejected")} rejected, {Count("warnings")} warnings");
        if (Count("rejected") > 0 && batch.TryGetProperty("rejections", out var rejections) && rejections.ValueKind == JsonValueKind.Array)
        {
            var table = new TextTable("row", "field", "reason");
            foreach (var row in rejections.EnumerateArray())
            {
                table.Add(row.GetProperty("row").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), row.String("field"), row.String("reason"));
            }

            table.WriteTo(cli.Out);
            cli.Out.WriteLine($"  The rejected rows as sent: {http.Server.AbsoluteUri.TrimEnd('/')}{batch.String("rejectionsCsv")}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Sends a stream as it is read, reporting the bytes sent.</summary>
    private sealed class ProgressContent : HttpContent
    {
        private readonly Stream _source;
        private readonly Action<long> _progress;

        public ProgressContent(Stream source, string mediaType, Action<long> progress)
        {
            _source = source;
            _progress = progress;
            Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[1 << 16];
            long sent = 0;
            int read;
            while ((read = await _source.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
                sent += read;
                _progress(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _source.Length;
            return true;
        }
    }

    /// <summary><c>[#########...........]  45%  12.3/27.1 MiB</c> on standard error, redrawn in place at most every 1%.</summary>
    private sealed class ProgressBar(TextWriter writer, long total)
    {
        private const int Width = 30;
        private int _shown = -1;

        public void Report(long sent)
        {
            var percent = total == 0 ? 100 : (int)(sent * 100 / total);
            if (percent == _shown)
            {
                return;
            }

            _shown = percent;
            var filled = percent * Width / 100;
            writer.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%  {sent / 1048576.0:0.0}/{total / 1048576.0:0.0} MiB"));
            if (percent == 100)
            {
                writer.Write("  (the server is storing the rows)");
            }
        }

        public void Done()
        {
            if (_shown >= 0)
            {
                writer.WriteLine();
            }
        }
    }
}
