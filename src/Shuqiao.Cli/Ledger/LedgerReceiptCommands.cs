using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Cli.Ledger;

/// <summary>The <c>shuqiao ledger</c> commands (docs/ledger.md §Verifying).</summary>
internal static class LedgerCommands
{
    public static Command Create(CliContext cli) => new("ledger", "The verifiable ledger (可验证账本): verify a node's ledger, fetch and check receipts")
    {
        LedgerVerifyCommand.Create(cli),
        LedgerReceiptCommand.Create(cli),
        LedgerCheckReceiptCommand.Create(cli),
    };
}

/// <summary>
/// <c>shuqiao ledger receipt EVENT-ID --out FILE</c>: fetches the receipt (c2sp.org/tlog-proof) of the ledger entry
/// that records an audit event — or of an entry by its index — and saves it; it verifies offline afterwards.
/// </summary>
internal static class LedgerReceiptCommand
{
    public static Command Create(CliContext cli)
    {
        var target = new Argument<string>("event-id") { Description = "The audit event's id (a UUID), or an entry index" };
        var output = new Option<string>("--out", "-o") { Description = "File to write (default: ledger-<index>.tlog-proof)", HelpName = "file" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("receipt", "Save the receipt (.tlog-proof) of an audit event's ledger entry") { target, output });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, parse.GetRequiredValue(target), parse.GetValue(output), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, string target, string? output, CancellationToken cancellationToken)
    {
        string path;
        if (Guid.TryParse(target, out var eventId))
        {
            path = $"api/v1/ledger/receipts/by-event/{eventId}";
        }
        else if (long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            path = $"api/v1/ledger/receipts/{index}";
        }
        else
        {
            return cli.Fail(ExitCodes.Usage, $"'{target}' is neither an audit event id (UUID) nor an entry index");
        }

        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var response = await http.GetAsync(path, cancellationToken);
        if (response is null)
        {
            return ExitCodes.Unavailable;
        }

        if (!response.IsSuccess)
        {
            return http.Refused(response);
        }

        if (!TlogProof.TryParse(response.Body, out var receipt, out var error))
        {
            return cli.Fail(ExitCodes.Failed, $"the server's answer is not a tlog-proof receipt: {error}");
        }

        output ??= $"ledger-{receipt.Index.ToString(CultureInfo.InvariantCulture)}.tlog-proof";
        await File.WriteAllTextAsync(output, response.Body, new UTF8Encoding(false), cancellationToken);
        cli.Out.WriteLine($"Saved the receipt of ledger entry {receipt.Index} to {output}.");
        cli.Out.WriteLine($"Check it offline: shuqiao ledger check-receipt {output} --vkey <the log's key from {ShuqiaoHttp.Key(http.Server)}/ledger/vkey>");
        return ExitCodes.Ok;
    }
}

/// <summary>
/// <c>shuqiao ledger check-receipt FILE</c>: verifies a receipt offline — the checkpoint's signature by the log's key,
/// optionally k witness cosignatures, and the inclusion of the entry (its bytes from the receipt's extra data or
/// from --entry) — and prints the entry.
/// </summary>
internal static class LedgerCheckReceiptCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("file") { Description = "The receipt (.tlog-proof)" };
        var vkey = new Option<string>("--vkey") { Description = "The log's verifier key (default: the one 'ledger verify' saved for the receipt's log)" };
        var witnesses = new Option<string[]>("--witness-vkey") { Description = "A witness's cosignature verifier key (repeat for several)", AllowMultipleArgumentsPerToken = false };
        var quorum = new Option<int>("--min-cosignatures") { Description = "How many of the given witnesses must have cosigned (default 0)" };
        var entryFile = new Option<string>("--entry") { Description = "The entry's exact bytes, when the receipt carries none", HelpName = "file" };
        var stateDir = new Option<string>("--state-dir") { Description = "Where 'ledger verify' keeps what it trusts (default: ~/.config/shuqiao/ledger)", HelpName = "dir" };
        var command = new Command("check-receipt", "Verify a ledger receipt offline and show the entry it proves") { file, vkey, witnesses, quorum, entryFile, stateDir };
        command.SetAction((parse, ct) => RunAsync(
            cli, parse.GetRequiredValue(file), parse.GetValue(vkey), parse.GetValue(witnesses) ?? [], parse.GetValue(quorum), parse.GetValue(entryFile), parse.GetValue(stateDir), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext cli, string file, string? vkey, string[] witnessKeys, int quorum, string? entryFile, string? stateDir, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return cli.Fail(ExitCodes.Usage, $"cannot read {file}: {e.Message}");
        }

        if (!TlogProof.TryParse(text, out var receipt, out var error))
        {
            return Invalid(cli, $"{file} is not a tlog-proof receipt: {error}");
        }

        if (!Checkpoint.TryParse(receipt.Checkpoint.Text, out var claimed, out var checkpointError))
        {
            return Invalid(cli, $"the receipt's checkpoint is malformed: {checkpointError}");
        }

        var keyText = vkey?.Trim() ?? new LedgerState(stateDir ?? LedgerState.DefaultDirectory(cli), claimed.Origin).VerifierKey;
        if (keyText is null)
        {
            return cli.Fail(ExitCodes.Usage, $"no key for the log {claimed.Origin}: pass --vkey (its /ledger/vkey), or run 'shuqiao ledger verify' on it once");
        }

        INoteVerifier logKey;
        List<INoteVerifier> witnesses;
        try
        {
            logKey = NoteKeys.Verifier(keyText);
            witnesses = witnessKeys.Select(w => NoteKeys.Verifier(w.Trim())).ToList();
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return cli.Fail(ExitCodes.Usage, $"a verifier key is not usable: {e.Message}");
        }

        byte[] entry;
        if (entryFile is not null)
        {
            entry = await File.ReadAllBytesAsync(entryFile, cancellationToken);
        }
        else if (receipt.Extra is { } extra)
        {
            entry = extra.ToArray();
        }
        else
        {
            return cli.Fail(ExitCodes.Usage, "the receipt carries no entry: pass the entry's bytes with --entry FILE");
        }

        var check = receipt.Verify(MerkleHash.Leaf(entry), claimed.Origin, logKey, witnesses, quorum);
        if (!check.IsValid)
        {
            return Invalid(cli, check.Reason ?? "the receipt does not verify");
        }

        cli.Out.WriteLine($"log         {claimed.Origin}");
        cli.Out.WriteLine($"entry       {receipt.Index} of a tree of {check.Checkpoint!.Size} entries, signed by the log");
        cli.Out.WriteLine($"witnesses   {check.Cosignatures} of {witnesses.Count} given cosigned it (required: {quorum})");
        cli.Out.WriteLine("content:");
        cli.Out.WriteLine(Describe(entry));
        cli.Out.WriteLine("VERDICT: OK — the entry is in the ledger as signed.");
        return ExitCodes.Ok;
    }

    private static int Invalid(CliContext cli, string reason)
    {
        cli.Out.WriteLine($"VERDICT: INVALID — {reason}");
        return ExitCodes.Failed;
    }

    private static string Describe(byte[] entry)
    {
        try
        {
            using var document = JsonDocument.Parse(entry);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return Convert.ToBase64String(entry) + " (not JSON; base64)";
        }
    }
}
