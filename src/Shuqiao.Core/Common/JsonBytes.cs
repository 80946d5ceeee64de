using System.Buffers;
using System.Text.Json;

namespace Shuqiao.Core.Common;

/// <summary>
/// Writes a JSON document into a byte array through a buffer kept per thread. <see cref="Utf8JsonWriter"/> asks its
/// output for at least 4 KB at a time, so a fresh <see cref="ArrayBufferWriter{T}"/> per document allocates and copies
/// 4 KB or more even for a 300-byte ledger entry — on the exchange gateway's path, twice per call.
/// </summary>
public static class JsonBytes
{
    private const int InitialCapacity = 8 * 1024;

    // A buffer that grew past this for a large answer is dropped rather than held by the thread for good.
    private const int KeepAtMost = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The bytes that <paramref name="write"/> writes. <paramref name="write"/> runs synchronously on this thread.</summary>
    public static byte[] Write<TState>(TState state, JsonWriterOptions options, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        // Taken out while in use: a Write nested inside write gets a buffer of its own.
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(InitialCapacity);
        t_buffer = null;
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                write(writer, state);
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity <= KeepAtMost)
            {
                buffer.ResetWrittenCount();
                t_buffer = buffer;
            }
        }
    }
}
