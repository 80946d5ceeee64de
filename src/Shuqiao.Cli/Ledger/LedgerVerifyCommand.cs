using System.CommandLine;
using System.Globalization;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Cli.Ledger;

/// <summary>
/// <c>shuqiao ledger verify --from URL</c>: downloads a node's ledger as anyone can (checkpoint, vkey, tiles, entry
/// bundles — no credential), checks the checkpoint's signature, recomputes the tree, checks it contains the
/// checkpoint this machine verified last time, and prints a verdict. Exit 0: intact; 1: broken (the first bad index
/// is named); 3: the log could not be read.
/// </summary>
internal static class LedgerVerifyCommand
{
    public static Command Create(CliContext cli)
    {
        var from = new Option<string>("--from")
        {
            Description = "The node's URL (https://data.example.gov.cn) or the log prefix (…/ledger)",
            HelpName = "url",
            Required = true,
        };
        var vkey = new Option<string>("--vkey") { Description = "The log's verifier key (name+id+base64) to trust instead of the one the node serves at /ledger/vkey" };
        var stateDir = new Option<string>("--state-dir") { Description = "Where the last verified checkpoint is kept (default: ~/.config/shuqiao/ledger)", HelpName = "dir" };
        var sinceLast = new Option<bool>("--since-last")
        {
            Description = "Check only the entries added since the last verified checkpoint (its consistency is still proven from the tiles)",
        };
        var command = new Command("verify", "Download a node's ledger, check its signature, recompute the tree and its consistency with the last check") { from, vkey, stateDir, sinceLast };
        command.SetAction((parse, ct) => RunAsync(cli, parse.GetRequiredValue(from), parse.GetValue(vkey), parse.GetValue(stateDir), parse.GetValue(sinceLast), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string fromText, string? pinned, string? stateDir, bool sinceLast, CancellationToken cancellationToken)
    {
        if (TileClient.PrefixOf(fromText) is not { } prefix)
        {
            return cli.Fail(ExitCodes.Usage, $"'{fromText}' is not an http:// or https:// URL");
        }

        if (pinned is not null && !VerifierKey.TryParse(pinned.Trim(), out _))
        {
            return cli.Fail(ExitCodes.Usage, "--vkey is not a verifier key (<name>+<8 hex digits>+<base64>)");
        }

        using var client = new TileClient(cli, prefix);
        try
        {
            var served = await client.VerifierKeyAsync(cancellationToken);
            var keyText = pinned?.Trim() ?? served;
            if (!VerifierKey.TryParse(keyText, out var key) || key.Algorithm != NoteSignatureType.Ed25519)
            {
                return Broken(cli, $"{prefix}vkey is not an Ed25519 verifier key", null, null);
            }

            var state = new LedgerState(stateDir ?? LedgerState.DefaultDirectory(cli), key.Name);
            if (pinned is null && state.VerifierKey is { } remembered && remembered != keyText)
            {
                return Broken(cli, $"the log's key changed: it was {remembered} when this machine last verified it, now the node serves {keyText}", null, null);
            }

            var verifier = NoteKeys.Verifier(key);
            var signed = await client.CheckpointAsync(cancellationToken);
            var opened = Checkpoint.Open(signed, key.Name, [verifier]);
            if (!opened.IsVerified)
            {
                return Broken(cli, $"the checkpoint does not verify with {key}: {opened.Reason}", null, null);
            }

            var checkpoint = opened.Checkpoint!;
            cli.Out.WriteLine($"log         {key.Name} ({prefix})");
            cli.Out.WriteLine($"key         {key}{(pinned is null ? "" : " (pinned)")}");
            cli.Out.WriteLine($"checkpoint  size {checkpoint.Size.ToString("N0", CultureInfo.InvariantCulture)}, root {Convert.ToBase64String(checkpoint.RootHash)}, signature valid");
            foreach (var signature in opened.Note.Note!.Signatures.Where(s => s.KeyName != key.Name))
            {
                cli.Out.WriteLine($"            cosigned by {signature.KeyName} (not checked: pass witness keys to check-receipt to require them)");
            }

            var previous = state.OpenLast(verifier, out var stateProblem);
            if (stateProblem is not null)
            {
                cli.Error.WriteLine($"warning: {stateProblem}; ignoring it");
            }

            if (previous is not null)
            {
                cli.Out.WriteLine($"last seen   size {previous.Size.ToString("N0", CultureInfo.InvariantCulture)} (verified {state.LastCheckpoint!.Value.SavedAtUtc:yyyy-MM-dd HH:mm:ss} UTC)");
                if (checkpoint.Size < previous.Size)
                {
                    return Broken(cli, $"the log shrank: its checkpoint has {checkpoint.Size} entries, but it had {previous.Size} when last verified (a rollback)", checkpoint.Size, previous.Size);
                }
            }

            var from = sinceLast && previous is not null ? previous.Size : 0;
            var verdict = await new TileLogVerifier(client, checkpoint).VerifyAsync(from, previous, cancellationToken);
            if (!verdict.Intact)
            {
                return Broken(cli, verdict.Reason, verdict.FirstBadIndex, verdict.BadRangeEnd);
            }

            state.Save(key.ToString(), signed);
            var range = from == 0 ? "the whole tree" : $"entries {from}–{checkpoint.Size - 1}";
            var consistency = previous is null ? "first verification of this log on this machine" : $"consistent with the checkpoint of size {previous.Size} verified before";
            cli.Out.WriteLine($"recomputed  {range} ({verdict.EntriesChecked.ToString("N0", CultureInfo.InvariantCulture)} entries)");
            cli.Out.WriteLine($"VERDICT: OK — the ledger is intact: {verdict.Reason}; {consistency}.");
            return ExitCodes.Ok;
        }
        catch (LogUnavailableException e)
        {
            return cli.Fail(ExitCodes.Unavailable, $"cannot verify the ledger: {e.Message}");
        }
    }

    private static int Broken(CliContext cli, string reason, long? firstBadIndex, long? badRangeEnd)
    {
        cli.Out.WriteLine($"VERDICT: BROKEN — {reason}");
        if (firstBadIndex is { } first)
        {
            cli.Out.WriteLine(badRangeEnd is { } end && end > first + 1
                ? $"first bad index: {first} (somewhere in {first}–{end - 1})"
                : $"first bad index: {first}");
        }
        else if (badRangeEnd is { } end)
        {
            cli.Out.WriteLine($"first bad index: below {end}");
        }

        return ExitCodes.Failed;
    }
}
