using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Ingestion;

/// <summary>
/// Reads and checks CSV rows with no allocation per accepted row: records are split into one reused character buffer
/// (RFC 4180 exactly as <see cref="CsvRecords"/> reads them, errors included), each cell is checked in place, and the
/// payload JSON is written with a reused <see cref="Utf8JsonWriter"/>. The common spellings of a field without
/// validators — plain text, ASCII integers and decimals, <c>true/false</c>, <c>yyyy-MM-dd</c>,
/// <c>yyyy-MM-ddTHH:mm:ss</c> with <c>Z</c> or <c>±hh:mm</c> — are read here; every other value (full-width digits,
/// <c>是/否</c>, <c>2024年3月1日</c>, validators, a missing required value, anything wrong) goes through the catalog's
/// <see cref="CompiledSchema.CheckText"/>, so both paths store the same record (BatchReaderTests compares them).
/// </summary>
internal sealed class CsvRowReader : RowReader
{
    // Relaxed escaping: jsonb stores characters, not escapes, so \uXXXX for every Chinese character would only make
    // the COPY twice as large for those characters and PostgreSQL decode them again.
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n\"");

    private readonly TextReader _reader;
    private readonly string _charset;
    private readonly CompiledSchema _schema;
    private readonly int _maxRecordChars;
    private readonly char[] _buffer = new char[32 * 1024];
    private int _position;
    private int _length;
    private bool _stopped;

    // The current record: its fields are ranges of _chars.
    private char[] _chars = new char[4096];
    private int _charCount;
    private int[] _starts = new int[32];
    private int[] _lengths = new int[32];
    private int _fieldCount;
    private CsvSyntaxError _error;

    // Per field of the schema (schema order): its column, its JSON name, whether the fast path may read it.
    private bool _headerRead;
    private int[] _columnOf = [];
    private JsonEncodedText[] _names = [];
    private bool[] _fast = [];
    private int _columns;
    private int _operationColumn = -1;
    private int _keyFields;

    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly Utf8JsonWriter _json;
    private char[] _key = new char[256];
    private int _keyLength;
    private bool _hasPayload;
    private string? _raw;
    private string? _keyText;
    private bool _endsAfterThis;

    public CsvRowReader(TextReader reader, Encoding encoding, CompiledSchema schema, int maxRecordChars)
    {
        _reader = reader;
        _charset = Charsets.Canonical(encoding);
        _schema = schema;
        _maxRecordChars = maxRecordChars;
        _json = new Utf8JsonWriter(_payload, JsonOptions);
    }

    public override ReadOnlySpan<char> Key => _keyText is { } text ? text.AsSpan() : _key.AsSpan(0, _keyLength);

    public override ReadOnlySpan<byte> Payload => _hasPayload ? _payload.WrittenSpan : default;

    public override string Raw => _raw ??= string.Join(',', Enumerable.Range(0, _fieldCount).Select(i => CsvRecords.Quote(Field(i).ToString())));

    public override bool Read()
    {
        if (!_headerRead)
        {
            ReadHeader();
        }

        while (true)
        {
            if (_endsAfterThis || !NextRecord())
            {
                return false;
            }

            if (_error == CsvSyntaxError.None && IsBlank())
            {
                continue;
            }

            Row++;
            Operation = RowOperation.Upsert;
            Rejections = [];
            Warnings = [];
            _hasPayload = false;
            _keyLength = 0;
            _keyText = null;
            _raw = null;
            if (_error != CsvSyntaxError.None)
            {
                Rejections = [IngestIssues.CsvSyntax(_error)];
                _endsAfterThis = IngestIssues.EndsReading(_error);
                return true;
            }

            if (_fieldCount != _columns)
            {
                Rejections = [IngestIssues.ColumnCount(_columns, _fieldCount)];
                return true;
            }

            if (_operationColumn >= 0 && !Field(_operationColumn).IsWhiteSpace())
            {
                var text = Field(_operationColumn).ToString();
                if (RowOperations.Parse(text) is not { } operation)
                {
                    Rejections = [IngestIssues.Operation(text.Trim())];
                    return true;
                }

                Operation = operation;
            }

            if (Operation == RowOperation.Delete)
            {
                ReadDelete();
            }
            else
            {
                ReadUpsert();
            }

            return true;
        }
    }

    private void ReadHeader()
    {
        _headerRead = true;
        CsvRecord? header = null;
        var rows = 0;
        while (header is null && NextRecord())
        {
            rows++;
            header = IsBlank() ? null : new CsvRecord(rows, Enumerable.Range(0, _fieldCount).Select(i => Field(i).ToString()).ToList(), _error);
        }

        if (header is null)
        {
            throw new IngestAbortedException([IngestIssues.HeaderMissing()]);
        }

        var (columns, operation) = BatchReader.MapHeader(header, _schema);
        var fields = _schema.Fields;
        _columns = columns.Length;
        _operationColumn = operation;
        _columnOf = [.. fields.Select(f => Array.IndexOf(columns, f.Name))];
        _names = [.. fields.Select(f => JsonEncodedText.Encode(f.Name, JsonOptions.Encoder))];
        _keyFields = fields.Count(f => f.Key);

        // Key fields that are not plain strings take the catalog's path, which gives their canonical text.
        _fast = [.. fields.Select(f => f.Validators.Count == 0 && (f.Type == FieldType.String || !f.Key) &&
            (f.Type != FieldType.Decimal || (f.Precision is null && f.Scale is null)))];
    }

    private void ReadUpsert()
    {
        _payload.ResetWrittenCount();
        _json.Reset(_payload);
        _json.WriteStartObject();
        List<Issue>? rejections = null;
        List<Issue>? warnings = null;
        var keyPart = 0;
        var fields = _schema.Fields;
        for (var f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            var column = _columnOf[f];
            var cell = column < 0 ? default : Field(column);
            if (_fast[f] && TryFast(f, field, cell, ref keyPart))
            {
                continue;
            }

            var check = _schema.CheckText(field.Name, column < 0 ? null : cell.ToString());
            foreach (var finding in check.Findings)
            {
                if (finding.Action == InvalidValueAction.Reject)
                {
                    (rejections ??= []).Add(finding.Issue);
                }
                else
                {
                    (warnings ??= []).Add(finding.Issue);
                }
            }

            if (check.Value is { } value)
            {
                _json.WritePropertyName(_names[f]);
                value.WriteTo(_json);
            }

            if (field.Key)
            {
                AppendKey(check.Value?.Text ?? "", keyPart++);
            }
        }

        _json.WriteEndObject();
        _json.Flush();
        Warnings = warnings ?? (IReadOnlyList<Issue>)[];
        if (rejections is not null)
        {
            Rejections = rejections;
            _keyLength = 0;
            return;
        }

        _hasPayload = true;
    }

    private void ReadDelete()
    {
        var cells = new string?[_schema.Fields.Count];
        for (var f = 0; f < cells.Length; f++)
        {
            cells[f] = _columnOf[f] < 0 ? null : Field(_columnOf[f]).ToString();
        }

        var fields = _schema.Fields;
        var row = BatchReader.Delete(Row, "", _schema, name => _schema.CheckText(name, cells[IndexOf(fields, name)]));
        Rejections = row.Rejections;
        _keyText = row.Key;
    }

    private static int IndexOf(IReadOnlyList<ResourceField> fields, string name)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    // The value of a field without validators, read as FieldValueParser reads it; false sends it the catalog's way.
    private bool TryFast(int f, ResourceField field, ReadOnlySpan<char> cell, ref int keyPart)
    {
        var text = cell.Trim().Trim('\u3000').Trim();
        if (text.IsEmpty)
        {
            // Missing: an optional field is left out; a required one needs the catalog's finding.
            return !field.Required;
        }

        if (field.Type != FieldType.String && !Ascii.IsValid(text))
        {
            return false; // NFKC folding (full-width digits) is the catalog's
        }

        switch (field.Type)
        {
            case FieldType.String:
                if (text.Contains('\0'))
                {
                    return false; // refused by the catalog's check
                }

                _json.WriteString(_names[f], text);
                if (field.Key)
                {
                    AppendKey(text, keyPart++);
                }

                return true;
            case FieldType.Integer:
                if (!IsInteger(text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return false;
                }

                _json.WriteNumber(_names[f], integer);
                return true;
            case FieldType.Decimal:
                if (!TryDecimal(text, out var number))
                {
                    return false;
                }

                _json.WriteNumber(_names[f], number);
                return true;
            case FieldType.Boolean:
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    _json.WriteBoolean(_names[f], text[0] is 't' or 'T');
                    return true;
                }

                return false;
            case FieldType.Date:
                if (!TryDate(text, out _))
                {
                    return false;
                }

                _json.WriteString(_names[f], text); // yyyy-MM-dd is already the canonical text
                return true;
            case FieldType.DateTime:
                if (!TryDateTime(text, _schema.Options.DefaultOffset, out var utc))
                {
                    return false;
                }

                Span<char> formatted = stackalloc char[40];
                if (!utc.TryFormat(formatted, out var written, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture))
                {
                    return false;
                }

                _json.WriteString(_names[f], formatted[..written]);
                return true;
            default:
                return false;
        }
    }

    private static bool IsInteger(ReadOnlySpan<char> text)
    {
        var digits = text[0] is '-' or '+' ? text[1..] : text;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    // Plain [sign]digits[.digits]: the value with the trailing zeros of its fraction dropped, as TypedValue keeps it.
    private static bool TryDecimal(ReadOnlySpan<char> text, out decimal value)
    {
        value = 0;
        var body = text[0] is '-' or '+' ? text[1..] : text;
        if (body.Length is 0 or > 20)
        {
            return false;
        }

        var point = body.IndexOf('.');
        var whole = point < 0 ? body : body[..point];
        var fraction = point < 0 ? default : body[(point + 1)..];
        if ((whole.IsEmpty && fraction.IsEmpty) || whole.ContainsAnyExceptInRange('0', '9') || fraction.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var trimmed = point < 0 ? text : text[..(text.Length - body.Length + point + 1 + fraction.TrimEnd('0').Length)].TrimEnd('.');
        if (trimmed.IsEmpty || trimmed is "-" or "+" ||
            !decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        return value != 0 || text[0] != '-'; // a negative zero is the catalog's to spell
    }

    private static bool TryDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-' ||
            !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    // yyyy-MM-ddTHH:mm:ss then Z, ±hh:mm (hours up to 14) or nothing (the default offset).
    private static bool TryDateTime(ReadOnlySpan<char> text, TimeSpan defaultOffset, out DateTime utc)
    {
        utc = default;
        if (text.Length < 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || !TryDate(text[..10], out var date) ||
            !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second) ||
            hour > 23 || minute > 59 || second > 59 || date.Year is < 2 or > 9998)
        {
            return false;
        }

        var offset = defaultOffset;
        var suffix = text[19..];
        if (suffix is "Z" or "z")
        {
            offset = TimeSpan.Zero;
        }
        else if (suffix.Length == 6 && suffix[0] is '+' or '-' && suffix[3] == ':' &&
            TryDigits(suffix.Slice(1, 2), out var hours) && TryDigits(suffix.Slice(4, 2), out var minutes) && hours <= 14 && minutes <= 59)
        {
            offset = new TimeSpan(hours, minutes, 0) * (suffix[0] == '-' ? -1 : 1);
        }
        else if (!suffix.IsEmpty)
        {
            return false;
        }

        utc = date.ToDateTime(new TimeOnly(hour, minute, second)) - offset;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    // BatchReader.Key, written into the reused key buffer.
    private void AppendKey(ReadOnlySpan<char> part, int index)
    {
        if (_keyFields == 1)
        {
            EnsureKey(part.Length);
            part.CopyTo(_key.AsSpan(_keyLength));
            _keyLength += part.Length;
            return;
        }

        EnsureKey((part.Length * 2) + 1);
        if (index > 0)
        {
            _key[_keyLength++] = '|';
        }

        foreach (var c in part)
        {
            if (c is '\\' or '|')
            {
                _key[_keyLength++] = '\\';
            }

            _key[_keyLength++] = c;
        }
    }

    private void EnsureKey(int more)
    {
        if (_keyLength + more > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, _keyLength + more));
        }
    }

    private ReadOnlySpan<char> Field(int index) => _chars.AsSpan(_starts[index], _lengths[index]);

    private bool IsBlank()
    {
        for (var i = 0; i < _fieldCount; i++)
        {
            if (!Field(i).IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    // One record, exactly as CsvRecords.Read splits it (quotes, CRLF/LF/CR, errors, the length limit).
    private bool NextRecord()
    {
        try
        {
            return SplitRecord();
        }
        catch (DecoderFallbackException)
        {
            throw new IngestAbortedException([IngestIssues.Encoding(_charset, Row + 1)]);
        }
    }

    private bool SplitRecord()
    {
        if (_stopped || Peek() < 0)
        {
            return false;
        }

        _fieldCount = 0;
        _charCount = 0;
        _error = CsvSyntaxError.None;
        var length = 0;
        while (true)
        {
            var start = _charCount;
            if (Peek() == '"')
            {
                _position++;
                var closed = false;
                while (Peek() >= 0)
                {
                    var available = _buffer.AsSpan(_position, _length - _position);
                    var quote = available.IndexOf('"');
                    var take = quote < 0 ? available.Length : quote;
                    if (length + take > _maxRecordChars)
                    {
                        Append(available[..(_maxRecordChars - length)]);
                        return Stop(start, CsvSyntaxError.RecordTooLong);
                    }

                    Append(available[..take]);
                    length += take;
                    _position += take;
                    if (quote < 0)
                    {
                        continue;
                    }

                    if (++length > _maxRecordChars)
                    {
                        return Stop(start, CsvSyntaxError.RecordTooLong);
                    }

                    _position++;
                    if (Peek() == '"')
                    {
                        Append("\"");
                        _position++;
                        continue;
                    }

                    closed = true;
                    break;
                }

                if (!closed)
                {
                    return Stop(start, CsvSyntaxError.QuoteNotClosed);
                }

                if (Peek() >= 0 && !IsFieldEnd(Peek()))
                {
                    _error = _error == CsvSyntaxError.None ? CsvSyntaxError.TextAfterQuote : _error;
                    while (Peek() is >= 0 and var c && !IsFieldEnd(c))
                    {
                        Append([(char)c]);
                        _position++;
                        length++;
                    }
                }
            }
            else
            {
                while (Peek() >= 0)
                {
                    var available = _buffer.AsSpan(_position, _length - _position);
                    var stop = available.IndexOfAny(UnquotedStops);
                    var take = stop < 0 ? available.Length : stop;
                    if (length + take > _maxRecordChars)
                    {
                        Append(available[..(_maxRecordChars - length + 1)]);
                        return Stop(start, CsvSyntaxError.RecordTooLong);
                    }

                    Append(available[..take]);
                    length += take;
                    _position += take;
                    if (stop < 0)
                    {
                        continue;
                    }

                    if (available[stop] != '"')
                    {
                        break;
                    }

                    _error = _error == CsvSyntaxError.None ? CsvSyntaxError.QuoteInField : _error;
                    Append("\"");
                    _position++;
                    if (++length > _maxRecordChars)
                    {
                        return Stop(start, CsvSyntaxError.RecordTooLong);
                    }
                }
            }

            EndField(start);
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            if (Peek() == '\r')
            {
                _position++;
            }

            if (Peek() == '\n')
            {
                _position++;
            }

            return true;
        }
    }

    private bool Stop(int start, CsvSyntaxError error)
    {
        EndField(start);
        _error = error;
        _stopped = true;
        return true;
    }

    private static bool IsFieldEnd(int c) => c is ',' or '\r' or '\n';

    private int Peek()
    {
        if (_position < _length)
        {
            return _buffer[_position];
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0 ? _buffer[0] : -1;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        if (_charCount + chars.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + chars.Length));
        }

        chars.CopyTo(_chars.AsSpan(_charCount));
        _charCount += chars.Length;
    }

    private void EndField(int start)
    {
        if (_fieldCount == _starts.Length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
        }

        _starts[_fieldCount] = start;
        _lengths[_fieldCount] = _charCount - start;
        _fieldCount++;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json.Dispose();
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
