using System.Text.Json;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Common;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>A witness cosignature line on a checkpoint; <see cref="Verified"/> when it verifies with a configured witness key.</summary>
public sealed record CosignatureView(string Witness, string KeyId, DateTimeOffset? Time, bool Verified);

public sealed record CheckpointView(long Size, string RootHash, DateTimeOffset PublishedAt, string Note, IReadOnlyList<CosignatureView> Cosignatures);

/// <summary>
/// One integrity check as the API and console show it. <see cref="FromEntry"/> is 0 for a check of the whole tree;
/// an incremental check recomputed <see cref="CheckedEntries"/> entries from there, after a prefix verified earlier.
/// </summary>
public sealed record IntegrityView(
    DateTimeOffset CheckedAt, string Trigger, bool Intact, string Problem, long? FirstBadIndex, long? BadRangeEnd, string? Detail,
    long CheckedEntries, int CheckedCheckpoints, long DurationMs, long FromEntry, long TreeSize)
{
    public static IntegrityView Of(LedgerIntegrityResult r) => new(
        r.CheckedAt, r.Trigger.ToString().ToLowerInvariant(), r.IsIntact, r.Report.Problem.ToString(), r.Report.FirstBadIndex, r.Report.BadRangeEnd,
        r.Report.Detail, r.Report.CheckedEntries, r.Report.CheckedCheckpoints, (long)r.Duration.TotalMilliseconds, r.Report.FromSize, r.Report.TreeSize);
}

public sealed record WitnessedLogView(string Origin, long Size, string RootHash, DateTimeOffset UpdatedAt);

/// <summary>The ledger at a glance (<c>GET /api/v1/ledger</c>, <c>/console/ledger</c>).</summary>
public sealed record LedgerOverview(
    string Origin,
    long TreeSize,
    string RootHash,
    CheckpointView? Checkpoint,
    IReadOnlyList<string> VerifierKeys,
    string WitnessKey,
    IReadOnlyList<WitnessState> Witnesses,
    IReadOnlyList<WitnessedLogView> WitnessedLogs,
    IntegrityView? Integrity);

/// <param name="Entry">The entry as JSON (entries are canonical JSON); <see cref="EntryBase64"/> holds the exact bytes that were hashed.</param>
public sealed record EntryView(long Index, JsonElement? Entry, string EntryBase64, string LeafHash, DateTimeOffset AppendedAt, Guid? EventId);

public sealed record InclusionProofView(long Index, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Proof);

public sealed record ConsistencyProofView(long From, long To, string FromRoot, string ToRoot, IReadOnlyList<string> Proof);

/// <summary>
/// The ledger's read side and the verify action, shared by <c>/api/v1/ledger</c> and the console pages. Proofs
/// default to the latest signed checkpoint, the tree a verifier can check them against.
/// </summary>
public sealed class LedgerService(
    LedgerReader reader,
    LedgerKeyring keys,
    LedgerWitnessStore witnessStore,
    WitnessBoard witnesses,
    LedgerIntegrityService integrity,
    IOptions<LedgerOptions> options)
{
    public async Task<LedgerOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        var head = await reader.HeadAsync(cancellationToken);
        var checkpoint = await reader.LatestCheckpointAsync(cancellationToken);
        var witnessed = await witnessStore.ListAsync(cancellationToken);
        var latest = await integrity.LatestAsync(cancellationToken);
        var verifierKeys = new List<string> { keys.LogKey.ToString() };
        if (keys.Sm2Key is { } sm2)
        {
            verifierKeys.Add(sm2.ToString());
        }

        return new LedgerOverview(
            keys.Origin,
            head.Size,
            Convert.ToBase64String(head.Root.Span),
            checkpoint is null ? null : View(checkpoint),
            verifierKeys,
            keys.Witness.VerifierKey.ToString(),
            witnesses.States,
            witnessed.Select(w => new WitnessedLogView(w.Origin, w.Size, Convert.ToBase64String(w.Root.Span), w.UpdatedAt)).ToList(),
            latest is null ? null : IntegrityView.Of(latest));
    }

    public async Task<IReadOnlyList<CheckpointView>> RecentCheckpointsAsync(int count, CancellationToken cancellationToken) =>
        (await reader.RecentCheckpointsAsync(count, cancellationToken)).Select(View).ToList();

    public async Task<Outcome<EntryView>> EntryAsync(long index, CancellationToken cancellationToken)
    {
        var entry = await reader.EntryAsync(index, cancellationToken);
        return entry is null ? Failure.NotFound($"Ledger entry {index}") : View(entry);
    }

    public Task<long?> IndexOfEventAsync(Guid eventId, CancellationToken cancellationToken) => reader.IndexOfEventAsync(eventId, cancellationToken);

    /// <summary>The inclusion proof of entry <paramref name="index"/> in the tree of <paramref name="treeSize"/> (default: the latest checkpoint).</summary>
    public async Task<Outcome<InclusionProofView>> InclusionAsync(long index, long? treeSize, CancellationToken cancellationToken)
    {
        var size = treeSize ?? (await reader.LatestCheckpointAsync(cancellationToken))?.Size ?? 0;
        if (treeSize is null && index >= size)
        {
            return Failure.NotFound($"A signed checkpoint containing entry {index} (retry in a second)");
        }

        var entry = await reader.EntryAsync(index, cancellationToken);
        if (entry is null)
        {
            return Failure.NotFound($"Ledger entry {index}");
        }

        var proof = await reader.InclusionProofAsync(index, size, cancellationToken);
        if (proof.Value is null)
        {
            return proof.Failure!;
        }

        var root = await reader.RootAsync(size, cancellationToken);
        return new InclusionProofView(index, size, Convert.ToBase64String(entry.LeafHash.Span), Convert.ToBase64String(root.Value!), proof.Value.Select(Convert.ToBase64String).ToList());
    }

    /// <summary>The consistency proof between two tree sizes (<paramref name="to"/> default: the latest checkpoint).</summary>
    public async Task<Outcome<ConsistencyProofView>> ConsistencyAsync(long from, long? to, CancellationToken cancellationToken)
    {
        var size2 = to ?? (await reader.LatestCheckpointAsync(cancellationToken))?.Size ?? 0;
        var proof = await reader.ConsistencyProofAsync(from, size2, cancellationToken);
        if (proof.Value is null)
        {
            return proof.Failure!;
        }

        var root1 = await reader.RootAsync(from, cancellationToken);
        var root2 = await reader.RootAsync(size2, cancellationToken);
        return new ConsistencyProofView(from, size2, Convert.ToBase64String(root1.Value!), Convert.ToBase64String(root2.Value!), proof.Value.Select(Convert.ToBase64String).ToList());
    }

    /// <summary>The tlog-proof receipt of an entry, with the entry's bytes as its extra data so it verifies offline alone.</summary>
    public async Task<Outcome<string>> ReceiptAsync(long index, CancellationToken cancellationToken)
    {
        if (await reader.EntryAsync(index, cancellationToken) is null)
        {
            return Failure.NotFound($"Ledger entry {index}");
        }

        var receipt = await reader.ReceiptAsync(index, await ReceiptCheckpointAsync(index, cancellationToken), cancellationToken, includeEntry: true);
        return receipt.Value is { } proof
            ? proof.ToString()
            : Failure.NotFound($"A signed checkpoint containing entry {index} (retry in a second)");
    }

    /// <summary>
    /// Which checkpoint a receipt uses. Without witnesses, the smallest that contains the entry (null: the reader's
    /// default). With witnesses, the newest recent one with the most witness cosignatures, since a client that demands
    /// cosignatures cannot use the others; witnesses cosign within a second or so of publication.
    /// </summary>
    private async Task<long?> ReceiptCheckpointAsync(long index, CancellationToken cancellationToken)
    {
        if (options.Value.Witnesses.Count == 0)
        {
            return null;
        }

        var wanted = options.Value.Witnesses.Count;
        (long Size, int Cosigned)? best = null;
        foreach (var candidate in await reader.RecentCheckpointsAsync(50, cancellationToken))
        {
            if (candidate.Size <= index)
            {
                break; // newest first: the rest are older and smaller
            }

            var cosigned = View(candidate).Cosignatures.Count(c => c.Verified);
            if (best is null || cosigned > best.Value.Cosigned)
            {
                best = (candidate.Size, cosigned);
            }

            if (cosigned >= wanted)
            {
                break; // every witness cosigned it: no older checkpoint can do better
            }
        }

        return best?.Size;
    }

    public async Task<Outcome<(long Index, string Receipt)>> ReceiptByEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        if (await reader.IndexOfEventAsync(eventId, cancellationToken) is not { } index)
        {
            return Failure.NotFound($"The ledger entry of audit event {eventId}");
        }

        var receipt = await ReceiptAsync(index, cancellationToken);
        return receipt.Value is { } text ? (index, text) : receipt.Failure!;
    }

    public async Task<IntegrityView> VerifyAsync(Guid? actorId, CancellationToken cancellationToken) =>
        IntegrityView.Of(await integrity.CheckAsync(LedgerCheckTrigger.Manual, actorId, cancellationToken));

    public Task<LedgerIntegrityResult?> LatestIntegrityAsync(CancellationToken cancellationToken) => integrity.LatestAsync(cancellationToken);

    private CheckpointView View(StoredCheckpoint checkpoint)
    {
        var note = SignedNote.Parse(checkpoint.Note);
        var configured = options.Value.Witnesses
            .Select(w => VerifierKey.TryParse(w.VerifierKey, out var k) ? NoteKeys.Verifier(k) : null)
            .OfType<INoteVerifier>()
            .ToList();
        var verified = configured.Count == 0 ? [] : note.Verify([keys.LogVerifier, .. configured]).Verified;
        var cosignatures = note.Signatures
            .Where(s => s.KeyName != keys.Origin)
            .Select(s => new CosignatureView(
                s.KeyName,
                s.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                Cosignature.TimestampOf(s) is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null,
                verified.Contains(s)))
            .ToList();
        return new CheckpointView(checkpoint.Size, Convert.ToBase64String(checkpoint.Root.Span), checkpoint.PublishedAt, checkpoint.Note, cosignatures);
    }

    private static EntryView View(LedgerEntry entry)
    {
        JsonElement? json = null;
        try
        {
            using var document = JsonDocument.Parse(entry.Entry);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (written by another tool, or damaged): the bytes are still shown.
        }

        return new EntryView(entry.Index, json, Convert.ToBase64String(entry.Entry.Span), Convert.ToBase64String(entry.LeafHash.Span), entry.AppendedAt, entry.EventId);
    }
}
