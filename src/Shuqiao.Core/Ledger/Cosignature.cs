using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// c2sp.org/tlog-cosignature, Ed25519 type (signature type 0x04): a witness's timestamped statement that the
/// checkpoint is the largest consistent tree it has seen for the origin. The signature bytes are
/// <c>u64 timestamp (big-endian) ‖ Ed25519 signature[64]</c>, and the signed message is
/// <c>"cosignature/v1\n" ‖ "time &lt;timestamp&gt;\n" ‖ checkpoint note text</c>.
/// </summary>
public static class Cosignature
{
    public const int Ed25519SignatureSize = 64;
    public const int SignatureSize = 8 + Ed25519SignatureSize;

    public static byte[] Message(long timestamp, ReadOnlySpan<byte> checkpointText)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        var header = Encoding.ASCII.GetBytes($"cosignature/v1\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n");
        var message = new byte[header.Length + checkpointText.Length];
        header.CopyTo(message, 0);
        checkpointText.CopyTo(message.AsSpan(header.Length));
        return message;
    }

    public static byte[] Encode(long timestamp, ReadOnlySpan<byte> ed25519Signature)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        if (ed25519Signature.Length != Ed25519SignatureSize)
        {
            throw new ArgumentException("An Ed25519 signature has 64 bytes.", nameof(ed25519Signature));
        }

        var bytes = new byte[SignatureSize];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)timestamp);
        ed25519Signature.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    /// <summary>Splits a cosignature into its timestamp and Ed25519 signature; false if it is not one (or the time exceeds 2^63−1).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> signature, out long timestamp, out ReadOnlySpan<byte> ed25519Signature)
    {
        timestamp = 0;
        ed25519Signature = default;
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        var raw = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (raw > long.MaxValue)
        {
            return false;
        }

        timestamp = (long)raw;
        ed25519Signature = signature[8..];
        return true;
    }

    /// <summary>The timestamp of a cosignature line already verified, for display and freshness policies.</summary>
    public static long? TimestampOf(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return TryDecode(signature.Signature, out var timestamp, out _) ? timestamp : null;
    }
}
