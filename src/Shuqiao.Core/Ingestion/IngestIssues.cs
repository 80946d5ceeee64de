using Shuqiao.Core.Common;

namespace Shuqiao.Core.Ingestion;

/// <summary>
/// Every issue the Ingestion capability reports about an upload or a row, with stable codes (the console translates
/// <c>ingest.issue.&lt;code&gt;</c>); value issues come from the catalog (<c>catalog.issue.value.*</c>).
/// </summary>
public static class IngestIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    // The upload as a whole
    public static Issue ContentType(string? found) =>
        Issue("contentType", "contentType", $"must be text/csv, application/json or application/x-ndjson but is '{found ?? "(none)"}'", found ?? "");

    public static Issue Charset(string found) =>
        Issue("charset", "charset", $"'{found}' is not supported; use utf-8 or gb18030", found);

    public static Issue Encoding(string charset, long row) =>
        Issue("charset", "encoding", $"the body is not valid {charset} (near data row {row}); send the charset parameter of the file's real encoding", charset, row);

    public static Issue Mode(string found) =>
        Issue("mode", "mode", $"'{found}' is not a mode; use all (the default) or partial", found);

    public static Issue TooLarge(long limit) =>
        Issue("body", "tooLarge", $"the upload is larger than the limit of {limit} bytes", limit);

    public static Issue Empty() => Issue("body", "empty", "the upload has no rows");

    public static Issue HeaderMissing() => Issue("header", "header.missing", "the CSV has no header row");

    public static Issue HeaderUnknown(string column) =>
        Issue("header", "header.unknown", $"column '{column}' is neither a field name nor a field label of this resource", column);

    public static Issue HeaderRepeated(string column, string field) =>
        Issue("header", "header.repeated", $"column '{column}' names the field '{field}' again", column, field);

    public static Issue HeaderKeyMissing(string field) =>
        Issue("header", "header.keyMissing", $"the key field '{field}' has no column", field);

    public static Issue JsonSyntax(long row, string detail) =>
        Issue("body", "json.syntax", $"the JSON is malformed near data row {row}: {detail}", row, detail);

    public static Issue CsvSyntax(CsvSyntaxError error) => error switch
    {
        CsvSyntaxError.QuoteNotClosed => Issue("row", "csv.quoteNotClosed", "a quoted field is not closed before the end of the file"),
        CsvSyntaxError.QuoteInField => Issue("row", "csv.quoteInField", "a field holds a '\"' but does not start with one; quote the field and double the quote"),
        CsvSyntaxError.TextAfterQuote => Issue("row", "csv.textAfterQuote", "text follows the closing quote of a field"),
        CsvSyntaxError.RecordTooLong => Issue("row", "csv.tooLong", "the row is longer than the limit of one row (an unclosed quote?)"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    public static bool EndsReading(CsvSyntaxError error) => error is CsvSyntaxError.QuoteNotClosed or CsvSyntaxError.RecordTooLong;

    // One row
    public static Issue ColumnCount(int expected, int found) =>
        Issue("row", "columns", $"has {found} columns but the header has {expected}", expected, found);

    public static Issue Operation(string found) =>
        Issue(RowOperations.Column, "operation", $"'{found}' is not an operation; use upsert (or leave it empty) or delete", found);

    public static Issue DuplicateKey(string key, long firstRow) =>
        Issue("key", "duplicateKey", $"the key '{key}' is also in data row {firstRow} of this upload", key, firstRow);

    public static Issue RowTooLarge(int limit) =>
        Issue("row", "rowTooLarge", $"the row is larger than {limit} bytes", limit);
}
