using System.Text;

namespace Shuqiao.Core.Organizations;

/// <summary>A syntax error in one CSV record.</summary>
public enum CsvSyntaxError
{
    None,
    QuoteNotClosed,   // a quoted field runs to the end of the file
    QuoteInField,     // a '"' inside a field that does not start with one
    TextAfterQuote,   // "abc"def — the closing quote is not followed by a comma or the end of the record
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
/// on with the next record, so one pass reports every bad row.
/// </summary>
public static class CsvRecords
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = 0;
        var row = 0;
        var field = new StringBuilder();
        while (position < text.Length)
        {
            row++;
            var fields = new List<string>();
            var error = CsvSyntaxError.None;
            while (true)
            {
                field.Clear();
                if (position < text.Length && text[position] == '"')
                {
                    position++;
                    var closed = false;
                    while (position < text.Length)
                    {
                        var c = text[position];
                        if (c == '"')
                        {
                            if (position + 1 < text.Length && text[position + 1] == '"')
                            {
                                field.Append('"');
                                position += 2;
                                continue;
                            }

                            position++;
                            closed = true;
                            break;
                        }

                        field.Append(c);
                        position++;
                    }

                    if (!closed)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(row, fields, CsvSyntaxError.QuoteNotClosed);
                        yield break;
                    }

                    if (position < text.Length && !IsFieldEnd(text[position]))
                    {
                        error = error == CsvSyntaxError.None ? CsvSyntaxError.TextAfterQuote : error;
                        while (position < text.Length && !IsFieldEnd(text[position]))
                        {
                            field.Append(text[position]);
                            position++;
                        }
                    }
                }
                else
                {
                    while (position < text.Length && !IsFieldEnd(text[position]))
                    {
                        if (text[position] == '"' && error == CsvSyntaxError.None)
                        {
                            error = CsvSyntaxError.QuoteInField;
                        }

                        field.Append(text[position]);
                        position++;
                    }
                }

                fields.Add(field.ToString());
                if (position < text.Length && text[position] == ',')
                {
                    position++;
                    continue;
                }

                // End of the record: consume CRLF, LF or CR (nothing at the end of the text).
                if (position < text.Length && text[position] == '\r')
                {
                    position++;
                }

                if (position < text.Length && text[position] == '\n')
                {
                    position++;
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

    private static bool IsFieldEnd(char c) => c is ',' or '\r' or '\n';
}
