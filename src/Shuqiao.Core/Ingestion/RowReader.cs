using System.Text;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Ingestion;

/// <summary>
/// The rows of an upload one at a time, read and checked, in the form the store writes them: like a data reader, the
/// current row's key and payload are views into buffers the reader reuses, valid until the next <see cref="Read"/>.
/// A million-row upload therefore costs no allocation per accepted row; only rejected rows and findings become objects.
/// </summary>
public abstract class RowReader : IDisposable
{
    /// <summary>The data row number, from 1.</summary>
    public long Row { get; protected set; }

    public RowOperation Operation { get; protected set; }

    /// <summary>Why the row is refused (empty when it is stored).</summary>
    public IReadOnlyList<Issue> Rejections { get; protected set; } = [];

    /// <summary>Findings of fields with onInvalid = Warn on a stored row.</summary>
    public IReadOnlyList<Issue> Warnings { get; protected set; } = [];

    public bool Rejected => Rejections.Count > 0;

    /// <summary>The record key (<see cref="BatchReader.Key"/>); empty for a rejected row.</summary>
    public abstract ReadOnlySpan<char> Key { get; }

    /// <summary>The record as stored, UTF-8 JSON; empty for deletes and rejected rows.</summary>
    public abstract ReadOnlySpan<byte> Payload { get; }

    /// <summary>The row as sent (CSV text or the JSON of the row), built only when asked for (rejected rows).</summary>
    public abstract string Raw { get; }

    /// <summary>
    /// Moves to the next row; false at the end. An upload that cannot be read on throws
    /// <see cref="IngestAbortedException"/>.
    /// </summary>
    public abstract bool Read();

    /// <summary>The current row as an immutable value (tests, small uploads).</summary>
    public CheckedRow ToCheckedRow() => new(
        Row, Operation, Key.ToString(), Payload.IsEmpty ? null : Encoding.UTF8.GetString(Payload), Rejections, Warnings, Raw);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>JSON and NDJSON rows (their reading allocates per row anyway) served as a <see cref="RowReader"/>.</summary>
internal sealed class CheckedRowReader(IEnumerable<CheckedRow> rows) : RowReader
{
    private readonly IEnumerator<CheckedRow> _rows = rows.GetEnumerator();
    private CheckedRow? _current;
    private byte[] _payload = [];

    public override ReadOnlySpan<char> Key => _current is null ? default : _current.Key.AsSpan();

    public override ReadOnlySpan<byte> Payload => _payload;

    public override string Raw => _current?.Raw ?? "";

    public override bool Read()
    {
        if (!_rows.MoveNext())
        {
            _current = null;
            return false;
        }

        _current = _rows.Current;
        Row = _current.Row;
        Operation = _current.Operation;
        Rejections = _current.Rejections;
        Warnings = _current.Warnings;
        _payload = _current.Payload is null ? [] : Encoding.UTF8.GetBytes(_current.Payload);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rows.Dispose();
        }

        base.Dispose(disposing);
    }
}
