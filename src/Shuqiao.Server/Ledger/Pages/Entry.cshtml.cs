using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Ledger.Pages;

/// <summary>
/// One ledger entry: its JSON and exact bytes, leaf hash, and its inclusion proof in the latest checkpoint — checked
/// here against the checkpoint's signed root — with the receipt (tlog-proof) to download.
/// </summary>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class EntryModel(LedgerService ledger, LedgerKeyring keys, ConsoleTime time) : PageModel
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public EntryView Entry { get; private set; } = null!;

    public InclusionProofView? Proof { get; private set; }

    /// <summary>Whether the proof leads from the entry's leaf hash to the signed root of the latest checkpoint.</summary>
    public bool ProofVerifies { get; private set; }

    /// <summary>Whether the entry's bytes hash to its stored leaf hash.</summary>
    public bool LeafMatches { get; private set; }

    public CheckpointView? Checkpoint { get; private set; }

    public string PrettyJson => Entry.Entry is { } json ? JsonSerializer.Serialize(json, Indented) : Encoding.UTF8.GetString(Convert.FromBase64String(Entry.EntryBase64));

    public string AppendedAt => time.Format(Entry.AppendedAt);

    public async Task<IActionResult> OnGetAsync(long index, CancellationToken cancellationToken)
    {
        var entry = await ledger.EntryAsync(index, cancellationToken);
        if (entry.Value is null)
        {
            return NotFound();
        }

        Entry = entry.Value;
        LeafMatches = Convert.ToBase64String(MerkleHash.Leaf(Convert.FromBase64String(Entry.EntryBase64))) == Entry.LeafHash;
        var overview = await ledger.OverviewAsync(cancellationToken);
        Checkpoint = overview.Checkpoint;
        if (Checkpoint is not null && index < Checkpoint.Size)
        {
            var proof = await ledger.InclusionAsync(index, Checkpoint.Size, cancellationToken);
            Proof = proof.Value;
            if (Proof is not null)
            {
                // Check against the root as signed, not as recomputed: that is what an outside verifier would do.
                var signed = Core.Ledger.Checkpoint.Open(Encoding.UTF8.GetBytes(Checkpoint.Note), keys.Origin, [keys.LogVerifier]).Checkpoint;
                ProofVerifies = signed is not null && MerkleProof.VerifyInclusion(
                    index, signed.Size, Convert.FromBase64String(Entry.LeafHash), Proof.Proof.Select(Convert.FromBase64String).ToList(), signed.RootHash).IsValid;
            }
        }

        return Page();
    }

    /// <summary>The entry's receipt as a .tlog-proof file.</summary>
    public async Task<IActionResult> OnGetReceiptAsync(long index, CancellationToken cancellationToken)
    {
        var receipt = await ledger.ReceiptAsync(index, cancellationToken);
        return receipt.Value is { } text
            ? File(Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8", $"ledger-{index}.tlog-proof")
            : NotFound();
    }
}
