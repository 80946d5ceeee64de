using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// A transparency-log checkpoint per c2sp.org/tlog-checkpoint v1.0.0: origin line, tree size (decimal, no leading
/// zeros), base64 root hash, then optional non-empty extension lines. Signed, it is a <see cref="SignedNote"/>.
/// </summary>
public sealed record Checkpoint
{
    private readonly byte[] _rootHash;

    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, IReadOnlyList<string>? extensions = null)
    {
        if (string.IsNullOrEmpty(origin) || origin.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("The origin is one non-empty line.", nameof(origin));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A root hash has {MerkleHash.Size} bytes.", nameof(rootHash));
        }

        extensions ??= [];
        if (extensions.Any(e => string.IsNullOrEmpty(e) || e.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Extension lines are non-empty single lines.", nameof(extensions));
        }

        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Extensions = extensions.ToArray();
    }

    public string Origin { get; }

    public long Size { get; }

    public ReadOnlySpan<byte> RootHash => _rootHash;

    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text: each line followed by a newline.</summary>
    public string ToNoteText()
    {
        var builder = new StringBuilder();
        builder.Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var extension in Extensions)
        {
            builder.Append(extension).Append('\n');
        }

        return builder.ToString();
    }

    public SignedNote Sign(params IReadOnlyList<INoteSigner> signers) => SignedNote.Sign(ToNoteText(), signers);

    public static bool TryParse(string? text, out Checkpoint checkpoint, out string error)
    {
        checkpoint = null!;
        if (text is null || SignedNote.CheckText(text) is not null)
        {
            error = "the checkpoint is not a note text ending in a newline";
            return false;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            error = "a checkpoint has at least three lines";
            return false;
        }

        if (lines.Any(l => l.Length == 0))
        {
            error = "checkpoint lines are non-empty";
            return false;
        }

        var sizeText = lines[1];
        if (!sizeText.All(char.IsAsciiDigit) || (sizeText.Length > 1 && sizeText[0] == '0') ||
            !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            error = "the tree size is not a decimal number without leading zeros (up to 2^63−1)";
            return false;
        }

        if (!StrictBase64.TryDecode(lines[2], out var root) || root.Length != MerkleHash.Size)
        {
            error = "the root hash is not the base64 of 32 bytes";
            return false;
        }

        checkpoint = new Checkpoint(lines[0], size, root, lines[3..]);
        error = "";
        return true;
    }

    public static Checkpoint Parse(string text) => TryParse(text, out var checkpoint, out var error) ? checkpoint : throw new FormatException(error);

    /// <summary>
    /// Opens a signed checkpoint: the note must verify with <paramref name="verifiers"/> (the log's key, and any witness
    /// keys the caller also wants counted), and its origin must be <paramref name="origin"/>.
    /// </summary>
    public static CheckpointOpening Open(ReadOnlySpan<byte> signedNote, string origin, IEnumerable<INoteVerifier> verifiers)
    {
        var opening = SignedNote.Open(signedNote, verifiers);
        if (!opening.IsVerified)
        {
            return new CheckpointOpening(opening, null, opening.Reason);
        }

        if (!TryParse(opening.Note!.Text, out var checkpoint, out var error))
        {
            return new CheckpointOpening(opening with { Verdict = NoteVerdict.Malformed }, null, error);
        }

        return checkpoint.Origin != origin
            ? new CheckpointOpening(opening with { Verdict = NoteVerdict.Malformed }, null, $"the origin is '{checkpoint.Origin}', not '{origin}'")
            : new CheckpointOpening(opening, checkpoint, null);
    }

    public bool Equals(Checkpoint? other) =>
        other is not null && Origin == other.Origin && Size == other.Size && _rootHash.AsSpan().SequenceEqual(other._rootHash) &&
        Extensions.SequenceEqual(other.Extensions);

    public override int GetHashCode() => HashCode.Combine(Origin, Size);

    public override string ToString() => ToNoteText();
}

public sealed record CheckpointOpening(NoteOpening Note, Checkpoint? Checkpoint, string? Reason)
{
    public bool IsVerified => Checkpoint is not null;
}
