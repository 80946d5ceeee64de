using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// The body of c2sp.org/tlog-witness <c>POST &lt;prefix&gt;/add-checkpoint</c>: <c>old &lt;size&gt;</c>, up to 63 base64
/// consistency-proof lines, a blank line, then the signed checkpoint.
/// </summary>
public sealed class AddCheckpointRequest
{
    public const int MaxProofLines = 63;

    private readonly byte[][] _proof;
    private readonly byte[] _checkpoint;

    public AddCheckpointRequest(long oldSize, IReadOnlyList<byte[]> consistencyProof, ReadOnlySpan<byte> signedCheckpoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentNullException.ThrowIfNull(consistencyProof);
        if (consistencyProof.Count > MaxProofLines || consistencyProof.Any(h => h is null || h.Length != MerkleHash.Size))
        {
            throw new ArgumentException("At most 63 proof hashes of 32 bytes.", nameof(consistencyProof));
        }

        OldSize = oldSize;
        _proof = [.. consistencyProof];
        _checkpoint = signedCheckpoint.ToArray();
    }

    public long OldSize { get; }

    public IReadOnlyList<byte[]> ConsistencyProof => _proof;

    /// <summary>The signed checkpoint as sent (note text, blank line, signature lines).</summary>
    public ReadOnlySpan<byte> SignedCheckpoint => _checkpoint;

    public byte[] ToBody()
    {
        var head = new StringBuilder();
        head.Append("old ").Append(OldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in _proof)
        {
            head.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        head.Append('\n');
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. _checkpoint];
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out AddCheckpointRequest request, out string error)
    {
        request = null!;
        var position = 0;
        string? NextLine(ReadOnlySpan<byte> text)
        {
            var end = text[position..].IndexOf((byte)'\n');
            if (end < 0)
            {
                return null;
            }

            var line = Encoding.UTF8.GetString(text.Slice(position, end));
            position += end + 1;
            return line;
        }

        var first = NextLine(body);
        if (first is null || !first.StartsWith("old ", StringComparison.Ordinal) || !TryParseSize(first[4..], out var oldSize))
        {
            error = "the first line is not 'old <size>'";
            return false;
        }

        var proof = new List<byte[]>();
        while (true)
        {
            var line = NextLine(body);
            if (line is null)
            {
                error = "no blank line before the checkpoint";
                return false;
            }

            if (line.Length == 0)
            {
                break;
            }

            if (proof.Count == MaxProofLines || !StrictBase64.TryDecode(line, out var hash) || hash.Length != MerkleHash.Size)
            {
                error = "a proof line is not the base64 of a 32-byte hash (at most 63 lines)";
                return false;
            }

            proof.Add(hash);
        }

        request = new AddCheckpointRequest(oldSize, proof, body[position..]);
        error = "";
        return true;
    }

    public static bool TryParseSize(string text, out long size)
    {
        size = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0') &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}

/// <summary>What a witness answers to add-checkpoint (c2sp.org/tlog-witness), with its HTTP status.</summary>
public enum WitnessVerdict
{
    /// <summary>200: cosign, and remember this checkpoint as the latest for its origin.</summary>
    Cosign,

    /// <summary>400: malformed, or the old size is larger than the checkpoint's.</summary>
    BadRequest,

    /// <summary>403: no signature from a trusted key of the origin verifies.</summary>
    Forbidden,

    /// <summary>404: the origin is not a log this witness follows.</summary>
    UnknownLog,

    /// <summary>409: the old size is not the latest cosigned size (answer it as <c>text/x.tlog.size</c>), or same size, other root.</summary>
    Conflict,

    /// <summary>422: the consistency proof does not verify.</summary>
    InconsistentProof,
}

/// <param name="LatestSize">For a size conflict: the size of the latest cosigned checkpoint, the 409 response body.</param>
public sealed record WitnessDecision(WitnessVerdict Verdict, Checkpoint? Checkpoint, long? LatestSize, string? Reason)
{
    public int HttpStatus => Verdict switch
    {
        WitnessVerdict.Cosign => 200,
        WitnessVerdict.BadRequest => 400,
        WitnessVerdict.Forbidden => 403,
        WitnessVerdict.UnknownLog => 404,
        WitnessVerdict.Conflict => 409,
        _ => 422,
    };
}

/// <summary>The latest checkpoint a witness cosigned for one origin.</summary>
public sealed record WitnessedTree(long Size, ReadOnlyMemory<byte> Root);

/// <summary>
/// The witness side of c2sp.org/tlog-witness: the checks before cosigning, in the order the spec gives them. The
/// caller must run them and persist the new latest checkpoint atomically per origin (see the spec's race).
/// </summary>
public static class TlogWitness
{
    /// <param name="logKeys">The trusted keys of an origin, or null if the witness does not follow it.</param>
    /// <param name="latest">The latest checkpoint cosigned for the origin, or null if none.</param>
    public static WitnessDecision Evaluate(AddCheckpointRequest request, Func<string, IReadOnlyList<INoteVerifier>?> logKeys, WitnessedTree? latest)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(logKeys);
        if (!SignedNote.TryParse(request.SignedCheckpoint, out var note, out var noteError))
        {
            return new WitnessDecision(WitnessVerdict.BadRequest, null, null, "the checkpoint is not a signed note: " + noteError);
        }

        if (!Checkpoint.TryParse(note.Text, out var checkpoint, out var checkpointError))
        {
            return new WitnessDecision(WitnessVerdict.BadRequest, null, null, checkpointError);
        }

        var keys = logKeys(checkpoint.Origin);
        if (keys is null)
        {
            return new WitnessDecision(WitnessVerdict.UnknownLog, null, null, $"unknown origin '{checkpoint.Origin}'");
        }

        if (!note.Verify(keys).IsVerified)
        {
            return new WitnessDecision(WitnessVerdict.Forbidden, null, null, "no signature from a trusted key of the log verifies");
        }

        if (request.OldSize > checkpoint.Size)
        {
            return new WitnessDecision(WitnessVerdict.BadRequest, checkpoint, null, "the old size is larger than the checkpoint's");
        }

        var latestSize = latest?.Size ?? 0;
        if (request.OldSize != latestSize)
        {
            return new WitnessDecision(WitnessVerdict.Conflict, checkpoint, latestSize, $"the latest cosigned size is {latestSize}");
        }

        if (request.OldSize == checkpoint.Size)
        {
            if (request.ConsistencyProof.Count != 0)
            {
                return new WitnessDecision(WitnessVerdict.BadRequest, checkpoint, null, "equal sizes need an empty proof");
            }

            return latest is null || latest.Root.Span.SequenceEqual(checkpoint.RootHash)
                ? new WitnessDecision(WitnessVerdict.Cosign, checkpoint, null, null)
                : new WitnessDecision(WitnessVerdict.Conflict, checkpoint, latestSize, "same size as the latest cosigned checkpoint, different root");
        }

        if (request.OldSize == 0)
        {
            // Every tree extends the empty one; the spec requires the proof to be empty.
            return request.ConsistencyProof.Count == 0
                ? new WitnessDecision(WitnessVerdict.Cosign, checkpoint, null, null)
                : new WitnessDecision(WitnessVerdict.BadRequest, checkpoint, null, "the proof must be empty for old size 0");
        }

        var consistency = MerkleProof.VerifyConsistency(request.OldSize, checkpoint.Size, request.ConsistencyProof, latest!.Root.Span, checkpoint.RootHash);
        return consistency.IsValid
            ? new WitnessDecision(WitnessVerdict.Cosign, checkpoint, null, null)
            : new WitnessDecision(WitnessVerdict.InconsistentProof, checkpoint, null, consistency.Reason);
    }

    /// <summary>The 200 response body: one note signature line per cosignature.</summary>
    public static string FormatResponse(IEnumerable<NoteSignature> cosignatures) => string.Concat(cosignatures.Select(c => c.Line));

    /// <summary>
    /// Adds a witness's response lines to the checkpoint and keeps only the cosignatures that verify with
    /// <paramref name="witnessKeys"/> (the log side of add-checkpoint; unknown lines are ignored).
    /// </summary>
    public static IReadOnlyList<NoteSignature> AcceptResponse(SignedNote checkpoint, string responseBody, IEnumerable<INoteVerifier> witnessKeys)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(responseBody);
        var keys = witnessKeys.ToList();
        var combined = checkpoint.Text + "\n" + responseBody;
        var opening = SignedNote.Open(combined, keys);
        return opening.IsVerified ? opening.Verified : [];
    }
}
