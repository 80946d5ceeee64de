using System.Buffers.Binary;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>One signature line of a note: <c>— &lt;key name&gt; base64(key ID ‖ signature)</c>.</summary>
public sealed record NoteSignature
{
    private readonly byte[] _signature;

    public NoteSignature(string keyName, uint keyId, ReadOnlySpan<byte> signature)
    {
        if (!NoteKeyId.IsValidName(keyName))
        {
            throw new ArgumentException("A key name is non-empty and has no spaces or '+'.", nameof(keyName));
        }

        if (signature.IsEmpty)
        {
            throw new ArgumentException("A signature is not empty.", nameof(signature));
        }

        KeyName = keyName;
        KeyId = keyId;
        _signature = signature.ToArray();
    }

    public string KeyName { get; }

    public uint KeyId { get; }

    /// <summary>The signature bytes after the 4-byte key ID.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>The line as it appears in a note, with its final newline.</summary>
    public string Line
    {
        get
        {
            var bytes = new byte[4 + _signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
            _signature.CopyTo(bytes, 4);
            return $"— {KeyName} {Convert.ToBase64String(bytes)}\n";
        }
    }

    public bool Equals(NoteSignature? other) =>
        other is not null && KeyName == other.KeyName && KeyId == other.KeyId && _signature.AsSpan().SequenceEqual(other._signature);

    public override int GetHashCode() => HashCode.Combine(KeyName, KeyId);

    public override string ToString() => Line.TrimEnd('\n');
}

/// <summary>How opening a note went (c2sp.org/signed-note §Signatures).</summary>
public enum NoteVerdict
{
    /// <summary>At least one known key signed it and every signature by a known key verifies.</summary>
    Verified,

    /// <summary>Not a well-formed signed note.</summary>
    Malformed,

    /// <summary>Well-formed, but no signature is from a known key.</summary>
    NoKnownSignature,

    /// <summary>A signature from a known key does not verify: the whole note is rejected.</summary>
    InvalidSignature,
}

public sealed record NoteOpening(NoteVerdict Verdict, SignedNote? Note, IReadOnlyList<NoteSignature> Verified, string? Reason)
{
    public bool IsVerified => Verdict == NoteVerdict.Verified;
}

/// <summary>
/// A note per c2sp.org/signed-note v1.0.0: UTF-8 text ending in a newline, a blank line, then one or more signature
/// lines. Parsing is strict (the spec's rules plus canonical base64); verification ignores signatures of unknown keys,
/// requires every known key's signature to verify, and at least one to exist.
/// </summary>
public sealed class SignedNote
{
    /// <summary>The spec asks verifiers to accept at least 16 signatures; the Go reference stops at 100.</summary>
    public const int MaxSignatures = 100;

    /// <summary>Generous for checkpoints with post-quantum cosignatures (~5 kB each), small enough to refuse abuse.</summary>
    public const int MaxSize = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, including its final newline (not the blank separator line).</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public byte[] TextBytes => StrictUtf8.GetBytes(Text);

    /// <summary>Signs <paramref name="text"/> (which must end in a newline) with each signer in turn.</summary>
    public static SignedNote Sign(string text, params IReadOnlyList<INoteSigner> signers)
    {
        ArgumentNullException.ThrowIfNull(signers);
        if (signers.Count == 0)
        {
            throw new ArgumentException("A note needs at least one signature.", nameof(signers));
        }

        var error = CheckText(text);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(text));
        }

        return new SignedNote(text, []).AddSignatures(signers);
    }

    /// <summary>
    /// This note with more signatures (e.g. witness cosignatures); an existing signature of the same key name and ID
    /// is replaced, as the Go note package does when re-signing.
    /// </summary>
    public SignedNote AddSignatures(IReadOnlyList<INoteSigner> signers)
    {
        ArgumentNullException.ThrowIfNull(signers);
        var text = TextBytes;
        var added = signers.Select(s => new NoteSignature(s.KeyName, s.KeyId, s.Sign(text))).ToList();
        return WithSignatures(added);
    }

    public SignedNote WithSignatures(IEnumerable<NoteSignature> added)
    {
        var list = added.ToList();
        var kept = Signatures.Where(s => !list.Any(a => a.KeyName == s.KeyName && a.KeyId == s.KeyId));
        var all = kept.Concat(list).ToList();
        if (all.Count > MaxSignatures)
        {
            throw new InvalidOperationException($"A note carries at most {MaxSignatures} signatures.");
        }

        return new SignedNote(Text, all);
    }

    public override string ToString()
    {
        var builder = new StringBuilder(Text.Length + 1 + Signatures.Count * 100);
        builder.Append(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            builder.Append(signature.Line);
        }

        return builder.ToString();
    }

    public byte[] ToBytes() => StrictUtf8.GetBytes(ToString());

    public static SignedNote Parse(string message) =>
        TryParse(Encoding.UTF8.GetBytes(message), out var note, out var error) ? note : throw new FormatException(error);

    public static bool TryParse(ReadOnlySpan<byte> message, out SignedNote note, out string error)
    {
        note = null!;
        if (message.Length > MaxSize)
        {
            error = $"the note is longer than {MaxSize} bytes";
            return false;
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(message);
        }
        catch (DecoderFallbackException)
        {
            error = "the note is not valid UTF-8";
            return false;
        }

        foreach (var c in decoded)
        {
            if (c < 0x20 && c != '\n')
            {
                error = "the note contains a control character other than newline";
                return false;
            }
        }

        // The text ends at the last blank line; the text itself may contain blank lines.
        var split = decoded.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            error = "no blank line separates the text from the signatures";
            return false;
        }

        var text = decoded[..(split + 1)];
        var block = decoded[(split + 2)..];
        if (block.Length == 0 || block[^1] != '\n')
        {
            error = "the signature block is empty or does not end in a newline";
            return false;
        }

        var signatures = new List<NoteSignature>();
        foreach (var line in block[..^1].Split('\n'))
        {
            if (signatures.Count == MaxSignatures)
            {
                error = $"more than {MaxSignatures} signatures";
                return false;
            }

            if (!line.StartsWith("— ", StringComparison.Ordinal))
            {
                error = "a signature line does not start with an em dash and a space";
                return false;
            }

            var rest = line[2..];
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                error = "a signature line has no signature";
                return false;
            }

            var name = rest[..space];
            if (!NoteKeyId.IsValidName(name))
            {
                error = "a signature line has an invalid key name";
                return false;
            }

            if (!StrictBase64.TryDecode(rest[(space + 1)..], out var bytes) || bytes.Length < 5)
            {
                error = "a signature is not canonical base64 of a key ID and signature";
                return false;
            }

            signatures.Add(new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes.AsSpan(4)));
        }

        note = new SignedNote(text, signatures);
        error = "";
        return true;
    }

    /// <summary>Parses and verifies a note against the keys the caller trusts.</summary>
    public static NoteOpening Open(ReadOnlySpan<byte> message, IEnumerable<INoteVerifier> known)
    {
        if (!TryParse(message, out var note, out var error))
        {
            return new NoteOpening(NoteVerdict.Malformed, null, [], error);
        }

        return note.Verify(known);
    }

    public static NoteOpening Open(string message, IEnumerable<INoteVerifier> known) => Open(Encoding.UTF8.GetBytes(message), known);

    public NoteOpening Verify(IEnumerable<INoteVerifier> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var verifiers = new Dictionary<(string, uint), INoteVerifier>();
        foreach (var verifier in known)
        {
            // Two trusted keys with the same name and ID make every signature ambiguous: a configuration error.
            if (!verifiers.TryAdd((verifier.KeyName, verifier.KeyId), verifier))
            {
                throw new ArgumentException($"Two verifiers share the key name {verifier.KeyName} and ID {verifier.KeyId:x8}.", nameof(known));
            }
        }

        var text = TextBytes;
        var verified = new List<NoteSignature>();
        foreach (var signature in Signatures)
        {
            if (!verifiers.TryGetValue((signature.KeyName, signature.KeyId), out var verifier))
            {
                continue; // unknown keys are ignored, even if they share a name or an ID (not both) with a known one
            }

            if (!verifier.Verify(text, signature.Signature))
            {
                return new NoteOpening(NoteVerdict.InvalidSignature, this, [], $"the signature of {signature.KeyName}+{signature.KeyId:x8} does not verify");
            }

            if (!verified.Any(v => v.KeyName == signature.KeyName && v.KeyId == signature.KeyId))
            {
                verified.Add(signature);
            }
        }

        return verified.Count == 0
            ? new NoteOpening(NoteVerdict.NoKnownSignature, this, [], "no signature from a known key")
            : new NoteOpening(NoteVerdict.Verified, this, verified, null);
    }

    /// <summary>Why <paramref name="text"/> cannot be a note text, or null.</summary>
    internal static string? CheckText(string? text)
    {
        if (string.IsNullOrEmpty(text) || text[^1] != '\n')
        {
            return "the note text must end in a newline";
        }

        foreach (var c in text)
        {
            if (c < 0x20 && c != '\n')
            {
                return "the note text contains a control character other than newline";
            }
        }

        try
        {
            _ = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return "the note text is not valid Unicode";
        }

        return null;
    }
}
