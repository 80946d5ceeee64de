using System.Text;

namespace Shuqiao.Core.Common;

/// <summary>A syntax error in one CSV record.</summary>
public enum CsvSyntaxError
{
    None,
    QuoteNotClosed,   // a quoted field runs to the end of the file
    QuoteInField,     // a '"' inside a field that does not start with one
    TextAfterQuote,   // "abc"def — the closing quote is not followed by a comma or the end of the record
    RecordTooLong,    // more characters than the reader allows in one record; reading stops there
}

/// <summary>One record; <see cref="Row"/> counts records from 1 as a spreadsheet numbers rows (blank records included).</summary>
public sealed record CsvRecord(int Row, IReadOnlyList<string> Fields, CsvSyntaxError Error)
{
    public bool IsBlank => Fields.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Reads comma-separated records as RFC 4180 defines them: fields may be enclosed in double quotes, and a quoted field
/// may hold commas, line breaks and doubled quotes (<c>""</c>). Records end with CRLF, LF or a lone CR, since files
/// arrive from Windows, Linux and old Mac tools alike. A malformed record is returned with its error and reading goes
/// on with the next record, so one pass reports every bad row. Reading streams: only the current record is held, so
/// files of any size are read in bounded memory (a record longer than the limit ends the reading with
/// <see cref="CsvSyntaxError.RecordTooLong"/>: an unclosed quote would otherwise swallow the rest of the file).
/// </summary>
public static class CsvRecords
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Read(new StringReader(text));
    }

    public static IEnumerable<CsvRecord> Read(TextReader reader, int maxRecordChars = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var input = new CharSource(reader);
        var row = 0;
        var field = new StringBuilder();
        while (input.Peek() >= 0)
        {
            row++;
            var fields = new List<string>();
            var error = CsvSyntaxError.None;
            var length = 0;
            while (true)
            {
                field.Clear();
                if (input.Peek() == '"')
                {
                    input.Next();
                    var closed = false;
                    int c;
                    while ((c = input.Peek()) >= 0)
                    {
                        if (++length > maxRecordChars)
                        {
                            fields.Add(field.ToString());
                            yield return new CsvRecord(row, fields, CsvSyntaxError.RecordTooLong);
                            yield break;
                        }

                        input.Next();
                        if (c == '"')
                        {
                            if (input.Peek() == '"')
                            {
                                field.Append('"');
                                input.Next();
                                continue;
                            }

                            closed = true;
                            break;
                        }

                        field.Append((char)c);
                    }

                    if (!closed)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(row, fields, CsvSyntaxError.QuoteNotClosed);
                        yield break;
                    }

                    if (input.Peek() >= 0 && !IsFieldEnd(input.Peek()))
                    {
                        error = error == CsvSyntaxError.None ? CsvSyntaxError.TextAfterQuote : error;
                        while (input.Peek() >= 0 && !IsFieldEnd(input.Peek()))
                        {
                            field.Append((char)input.Next());
                            length++;
                        }
                    }
                }
                else
                {
                    while (input.Peek() >= 0 && !IsFieldEnd(input.Peek()))
                    {
                        var c = input.Next();
                        if (c == '"' && error == CsvSyntaxError.None)
                        {
                            error = CsvSyntaxError.QuoteInField;
                        }

                        field.Append((char)c);
                        if (++length > maxRecordChars)
                        {
                            fields.Add(field.ToString());
                            yield return new CsvRecord(row, fields, CsvSyntaxError.RecordTooLong);
                            yield break;
                        }
                    }
                }

                fields.Add(field.ToString());
                if (input.Peek() == ',')
                {
                    input.Next();
                    continue;
                }

                // End of the record: consume CRLF, LF or CR (nothing at the end of the text).
                if (input.Peek() == '\r')
                {
                    input.Next();
                }

                if (input.Peek() == '\n')
                {
                    input.Next();
                }

                break;
            }

            yield return new CsvRecord(row, fields, error);
        }
    }

    /// <summary>Quotes a field when it needs it (comma, quote, line break, or leading/trailing space), RFC 4180 style.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var needs = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        return needs ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One record as CSV text (no line break).</summary>
    public static string Join(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote));

    private static bool IsFieldEnd(int c) => c is ',' or '\r' or '\n';

    // A buffered reader with one character of look-ahead: TextReader.Peek is unreliable on network streams.
    private sealed class CharSource(TextReader reader)
    {
        private readonly char[] _buffer = new char[16 * 1024];
        private int _position;
        private int _length;

        public int Peek()
        {
            if (_position < _length)
            {
                return _buffer[_position];
            }

            _length = reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            return _length > 0 ? _buffer[0] : -1;
        }

        public int Next()
        {
            var c = Peek();
            if (c >= 0)
            {
                _position++;
            }

            return c;
        }
    }
}
