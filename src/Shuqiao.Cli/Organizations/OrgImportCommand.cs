using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Shuqiao.Cli.Organizations;

/// <summary>
/// <c>shuqiao org import file.csv</c>: sends an organization list (机构清单) to POST /api/v1/organizations/import.
/// The import is all-or-nothing; a refusal lists every bad row with its field and reason.
/// </summary>
internal static class OrgImportCommand
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV file with a header row (see docs/organizations.md for the columns)" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "Character encoding of the file, e.g. gb18030 for a file saved by Excel or WPS on Chinese Windows (default: utf-8)",
            DefaultValueFactory = _ => "utf-8",
        };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("import", "Import organizations from a CSV file (all rows or none)") { file, encoding });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, parse.GetRequiredValue(file), parse.GetRequiredValue(encoding), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, FileInfo file, string encodingName, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            return cli.Fail(ExitCodes.Usage, $"{file.FullName} does not exist");
        }

        if (!TryDecode(cli, await File.ReadAllBytesAsync(file.FullName, cancellationToken), encodingName, out var csv))
        {
            return ExitCodes.Failed;
        }

        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        // Always sent as UTF-8, whatever the file's encoding was.
        using var content = new StringContent(csv, new UTF8Encoding(false), "text/csv");
        var response = await http.SendAsync(HttpMethod.Post, "api/v1/organizations/import", content, cancellationToken);
        if (response is null)
        {
            return ExitCodes.Unavailable;
        }

        if (http.PrintJson)
        {
            http.WriteJson(response);
            return response.IsSuccess ? ExitCodes.Ok : response.Status == System.Net.HttpStatusCode.Conflict ? ExitCodes.Conflict : ExitCodes.Failed;
        }

        if (!response.IsSuccess)
        {
            var code = http.Refused(response);
            WriteRowErrors(cli, response.Json);
            return code;
        }

        var counts = response.Json is { ValueKind: JsonValueKind.Object } json
            ? json.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Select(p => $"{p.Name} {p.Value}")
            : [];
        cli.Out.WriteLine($"Imported {file.Name}: {string.Join(", ", counts).NullIfEmpty() ?? "done"}.");
        return ExitCodes.Ok;
    }

    private static bool TryDecode(CliContext cli, byte[] bytes, string encodingName, out string text)
    {
        text = "";
        Encoding encoding;
        try
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            var named = Encoding.GetEncoding(encodingName);
            // Strict: a wrong guess is an error, not a file full of replacement characters sent to the server.
            encoding = named is UTF8Encoding ? new UTF8Encoding(false, throwOnInvalidBytes: true) : Encoding.GetEncoding(named.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            cli.Fail(ExitCodes.Usage, $"unknown encoding '{encodingName}' (try utf-8 or gb18030)");
            return false;
        }

        try
        {
            var preamble = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) && encoding is UTF8Encoding ? 3 : 0;
            text = encoding.GetString(bytes, preamble, bytes.Length - preamble);
            return true;
        }
        catch (DecoderFallbackException)
        {
            cli.Fail(ExitCodes.Failed, encoding is UTF8Encoding
                ? "the file is not valid UTF-8; a CSV saved by Excel or WPS on Chinese Windows is usually GB18030: add --encoding gb18030"
                : $"the file is not valid {encodingName}");
            return false;
        }
    }

    private static void WriteRowErrors(CliContext cli, JsonElement? problem)
    {
        if (problem is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("rowErrors", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var table = new TextTable("row", "field", "reason");
        foreach (var row in rows.EnumerateArray())
        {
            table.Add(row.String("row"), row.String("field"), row.String("reason"));
        }

        cli.Error.WriteLine();
        table.WriteTo(cli.Error);
        cli.Error.WriteLine($"{table.Count} row error(s); nothing was imported.");
    }
}

internal static class StringExtensions
{
    public static string? NullIfEmpty(this string text) => text.Length == 0 ? null : text;
}
