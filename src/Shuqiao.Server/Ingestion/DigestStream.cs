using System.Security.Cryptography;
using Shuqiao.Core.Ingestion;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>
/// Reads an upload through: counts its bytes against the batch limit and hashes it (SHA-256 over the parameters
/// that shape the batch, then the body), so an Idempotency-Key retry can be told from a different upload without
/// keeping the body.
/// </summary>
internal sealed class DigestStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _bytes;

    public DigestStream(Stream inner, long limit, string parameters)
    {
        _inner = inner;
        _limit = limit;
        _hash.AppendData(System.Text.Encoding.UTF8.GetBytes(parameters + "\n"));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _bytes; set => throw new NotSupportedException(); }

    public BodyDigest Digest() => new(_hash.GetCurrentHash(), _bytes);

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, _inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Count(buffer[.._inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads the rest of the body (a replayed upload is hashed, not parsed).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(ReadOnlySpan<byte> read)
    {
        _bytes += read.Length;
        if (_bytes > _limit)
        {
            throw new IngestAbortedException([IngestIssues.TooLarge(_limit)]);
        }

        _hash.AppendData(read);
        return read.Length;
    }
}
