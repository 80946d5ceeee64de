using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// An offline-verifiable receipt for one ledger entry, per c2sp.org/tlog-proof (v1): the entry's index, its inclusion
/// proof, and the signed (optionally cosigned) checkpoint the proof is for, optionally with opaque extra data.
/// <code>
/// c2sp.org/tlog-proof@v1
/// [extra &lt;base64&gt;]
/// index &lt;n&gt;
/// &lt;base64 proof hash&gt;…
///
/// &lt;checkpoint, verbatim, with its signatures&gt;
/// </code>
/// </summary>
public sealed class TlogProof
{
    public const string Header = "c2sp.org/tlog-proof@v1";

    private readonly byte[][] _inclusionProof;
    private readonly byte[]? _extra;

    public TlogProof(long index, IReadOnlyList<byte[]> inclusionProof, SignedNote checkpoint, ReadOnlyMemory<byte>? extra = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(inclusionProof);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (inclusionProof.Any(h => h is null || h.Length != MerkleHash.Size))
        {
            throw new ArgumentException("Each proof hash has 32 bytes.", nameof(inclusionProof));
        }

        if (inclusionProof.Count > 63)
        {
            throw new ArgumentException("An inclusion proof has at most 63 hashes.", nameof(inclusionProof));
        }

        Index = index;
        _inclusionProof = [.. inclusionProof];
        Checkpoint = checkpoint;
        _extra = extra?.ToArray();
    }

    public long Index { get; }

    public IReadOnlyList<byte[]> InclusionProof => _inclusionProof;

    public SignedNote Checkpoint { get; }

    /// <summary>Unauthenticated application data (null if absent); never trust it without checking it another way.</summary>
    public ReadOnlyMemory<byte>? Extra => _extra is null ? (ReadOnlyMemory<byte>?)null : _extra;

    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        if (_extra is not null)
        {
            builder.Append("extra ").Append(Convert.ToBase64String(_extra)).Append('\n');
        }

        builder.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in _inclusionProof)
        {
            builder.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        builder.Append('\n').Append(Checkpoint.ToString());
        return builder.ToString();
    }

    public static bool TryParse(string? text, out TlogProof proof, out string error)
    {
        proof = null!;
        if (text is null || !text.StartsWith(Header + "\n", StringComparison.Ordinal))
        {
            error = $"a proof starts with the line {Header}";
            return false;
        }

        var position = Header.Length + 1;
        string? NextLine()
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                return null;
            }

            var line = text[position..end];
            position = end + 1;
            return line;
        }

        var current = NextLine();
        byte[]? extra = null;
        if (current is not null && current.StartsWith("extra ", StringComparison.Ordinal))
        {
            if (!StrictBase64.TryDecode(current["extra ".Length..], out extra))
            {
                error = "the extra data is not base64";
                return false;
            }

            current = NextLine();
        }

        if (current is null || !current.StartsWith("index ", StringComparison.Ordinal) || !TryParseDecimal(current["index ".Length..], out var index))
        {
            error = "the index line is missing or not a decimal number without leading zeros";
            return false;
        }

        var hashes = new List<byte[]>();
        while (true)
        {
            current = NextLine();
            if (current is null)
            {
                error = "no empty line before the checkpoint";
                return false;
            }

            if (current.Length == 0)
            {
                break;
            }

            if (!StrictBase64.TryDecode(current, out var hash) || hash.Length != MerkleHash.Size || hashes.Count == 63)
            {
                error = "a proof line is not the base64 of a 32-byte hash (at most 63)";
                return false;
            }

            hashes.Add(hash);
        }

        if (!SignedNote.TryParse(Encoding.UTF8.GetBytes(text[position..]), out var checkpoint, out var noteError))
        {
            error = "the checkpoint is not a signed note: " + noteError;
            return false;
        }

        // A null array would otherwise convert to an empty (present) ReadOnlyMemory.
        proof = new TlogProof(index, hashes, checkpoint, extra is null ? (ReadOnlyMemory<byte>?)null : extra);
        error = "";
        return true;
    }

    public static TlogProof Parse(string text) => TryParse(text, out var proof, out var error) ? proof : throw new FormatException(error);

    /// <summary>
    /// Verifies the receipt for an entry offline: the checkpoint verifies with <paramref name="logKey"/> and has the
    /// expected <paramref name="origin"/>; at least <paramref name="minCosignatures"/> of <paramref name="witnessKeys"/>
    /// cosigned it; and the proof includes <paramref name="leafHash"/> at <see cref="Index"/> in that tree.
    /// </summary>
    public TlogProofCheck Verify(ReadOnlySpan<byte> leafHash, string origin, INoteVerifier logKey, IReadOnlyCollection<INoteVerifier>? witnessKeys = null, int minCosignatures = 0)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        witnessKeys ??= [];
        var opening = Ledger.Checkpoint.Open(Checkpoint.ToBytes(), origin, [logKey, .. witnessKeys]);
        if (!opening.IsVerified)
        {
            return new TlogProofCheck(false, null, 0, "checkpoint: " + opening.Reason);
        }

        if (!opening.Note.Verified.Any(s => s.KeyName == logKey.KeyName && s.KeyId == logKey.KeyId))
        {
            return new TlogProofCheck(false, null, 0, "the checkpoint is not signed by the log");
        }

        var cosignatures = opening.Note.Verified.Count(s => witnessKeys.Any(w => w.KeyName == s.KeyName && w.KeyId == s.KeyId));
        if (cosignatures < minCosignatures)
        {
            return new TlogProofCheck(false, opening.Checkpoint, cosignatures, $"{cosignatures} witness cosignatures, {minCosignatures} required");
        }

        var checkpoint = opening.Checkpoint!;
        var inclusion = MerkleProof.VerifyInclusion(Index, checkpoint.Size, leafHash, _inclusionProof, checkpoint.RootHash);
        return inclusion.IsValid
            ? new TlogProofCheck(true, checkpoint, cosignatures, null)
            : new TlogProofCheck(false, checkpoint, cosignatures, "inclusion: " + inclusion.Reason);
    }

    private static bool TryParseDecimal(string text, out long value)
    {
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0') &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

public sealed record TlogProofCheck(bool IsValid, Checkpoint? Checkpoint, int Cosignatures, string? Reason);
