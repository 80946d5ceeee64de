using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Shuqiao.Storage.Ingestion;

/// <summary>A pooled buffer of whole rows in PostgreSQL's binary COPY format, handed from the reading thread to the COPY.</summary>
internal sealed class StagingChunk(byte[] buffer, int length, int rows)
{
    public ReadOnlyMemory<byte> Bytes => buffer.AsMemory(0, length);

    /// <summary>How many rows the chunk holds (the split staging starts a new table every so many rows).</summary>
    public int Rows => rows;

    public void Return() => ArrayPool<byte>.Shared.Return(buffer);
}

/// <summary>
/// Encodes staged rows <c>(row_number bigint, deleted boolean, key text, payload jsonb)</c> in the binary COPY format
/// (PostgreSQL docs, "COPY", Binary Format) straight into pooled chunks: the payload's UTF-8 JSON is copied as it came
/// from the reader, with no string in between. A chunk holds whole rows, so the COPY writer only copies bytes; each
/// COPY starts with <see cref="Header"/> and ends with <see cref="Trailer"/>, so the rows may go to several tables.
/// </summary>
internal sealed class StagingChunks
{
    public const int ChunkBytes = 64 * 1024;

    // "PGCOPY\n\377\r\n\0", flags 0, header extension length 0.
    public static ReadOnlyMemory<byte> Header { get; } = new byte[] { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>The file trailer: a field count of -1.</summary>
    public static ReadOnlyMemory<byte> Trailer { get; } = new byte[] { 0xFF, 0xFF };

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _length;
    private int _rows;

    /// <summary>Adds a row; answers the chunk it filled (to be sent) or null while the current one has room.</summary>
    public StagingChunk? Add(long row, bool deleted, ReadOnlySpan<char> key, ReadOnlySpan<byte> payload)
    {
        var most = 2 + 12 + 5 + 4 + Encoding.UTF8.GetMaxByteCount(key.Length) + 5 + payload.Length;
        StagingChunk? full = null;
        if (_length + most > _buffer.Length)
        {
            full = Take();
            if (most > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(most);
            }
        }

        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt16BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[2..], 8);
        BinaryPrimitives.WriteInt64BigEndian(span[6..], row);
        BinaryPrimitives.WriteInt32BigEndian(span[14..], 1);
        span[18] = deleted ? (byte)1 : (byte)0;
        var keyBytes = Encoding.UTF8.GetBytes(key, span[23..]);
        BinaryPrimitives.WriteInt32BigEndian(span[19..], keyBytes);
        var at = 23 + keyBytes;
        if (payload.IsEmpty)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], -1);
            at += 4;
        }
        else
        {
            // jsonb's binary form: a version byte (1), then the JSON text.
            BinaryPrimitives.WriteInt32BigEndian(span[at..], payload.Length + 1);
            span[at + 4] = 1;
            payload.CopyTo(span[(at + 5)..]);
            at += 5 + payload.Length;
        }

        _length += at;
        _rows++;
        return full;
    }

    /// <summary>The rows added since the last chunk (null when none).</summary>
    public StagingChunk? Flush() => _length == 0 ? null : Take();

    private StagingChunk Take()
    {
        var chunk = new StagingChunk(_buffer, _length, _rows);
        _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        _length = 0;
        _rows = 0;
        return chunk;
    }
}
