using System.Text;
using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Ingestion;

/// <summary>
/// A row read and checked: its operation, key, the payload to store (upserts), and its issues. A row with
/// <see cref="Rejections"/> is never stored; <see cref="Warnings"/> are findings on a stored record.
/// </summary>
public sealed record CheckedRow(long Row, RowOperation Operation, string Key, string? Payload, IReadOnlyList<Issue> Rejections, IReadOnlyList<Issue> Warnings, string Raw)
{
    public bool Rejected => Rejections.Count > 0;
}

/// <summary>The upload cannot be read on (bad header, broken encoding, malformed JSON): the batch is refused whole.</summary>
public sealed class IngestAbortedException : Exception
{
    public IngestAbortedException()
    {
        Issues = [];
    }

    public IngestAbortedException(string message)
        : base(message)
    {
        Issues = [];
    }

    public IngestAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Issues = [];
    }

    public IngestAbortedException(IReadOnlyList<Issue> issues)
        : base(string.Join("; ", issues?.Select(i => i.Reason) ?? []))
    {
        Issues = issues ?? [];
    }

    public IReadOnlyList<Issue> Issues { get; }
}

/// <summary>The character sets an upload may use: UTF-8 (the default) and GB18030 (GBK and GB2312 are its subsets).</summary>
public static class Charsets
{
    static Charsets() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A strict decoder for the charset parameter (invalid bytes throw), or null when it is not supported.</summary>
    public static Encoding? Strict(string? charset) => (charset ?? "utf-8").Trim().Trim('"').ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, true),
        "gb18030" or "gbk" or "gb2312" => System.Text.Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        _ => null,
    };

    /// <summary>The name a batch records: utf-8 or gb18030.</summary>
    public static string Canonical(Encoding encoding) => encoding is UTF8Encoding ? "utf-8" : "gb18030";
}

/// <summary>
/// Reads the rows of an upload one at a time (never the whole body) and checks each against the resource's compiled
/// schema (<see cref="CompiledSchema"/>, the catalog's record validation). Rows are numbered from 1 (the CSV header is
/// not a data row; blank lines are skipped and not counted).
/// </summary>
public static class BatchReader
{
    /// <summary>Longest CSV row, in characters: an unclosed quote otherwise runs to the end of the file.</summary>
    public const int MaxRowChars = 1 << 20;

    /// <summary>The rows as immutable values (tests and small uploads; the store reads through <see cref="Open"/>).</summary>
    public static IEnumerable<CheckedRow> Read(Stream body, BatchFormat format, Encoding encoding, CompiledSchema schema)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(schema);
        return format == BatchFormat.Csv ? ReadAll(Open(body, format, encoding, schema)) : Enumerate(body, format, encoding, schema);
    }

    /// <summary>
    /// The rows one at a time with reused buffers (<see cref="RowReader"/>): CSV is read and checked without an
    /// allocation per accepted row; JSON and NDJSON go through <see cref="JsonDocument"/>.
    /// </summary>
    public static RowReader Open(Stream body, BatchFormat format, Encoding encoding, CompiledSchema schema)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(schema);
        return format == BatchFormat.Csv
            ? new CsvRowReader(new StreamReader(body, encoding, encoding is UTF8Encoding, 64 * 1024, leaveOpen: true), encoding, schema, MaxRowChars)
            : new CheckedRowReader(Enumerate(body, format, encoding, schema));
    }

    private static IEnumerable<CheckedRow> ReadAll(RowReader reader)
    {
        using (reader)
        {
            while (reader.Read())
            {
                yield return reader.ToCheckedRow();
            }
        }
    }

    private static IEnumerable<CheckedRow> Enumerate(Stream body, BatchFormat format, Encoding encoding, CompiledSchema schema)
    {
        return format switch
        {
            BatchFormat.Ndjson => ReadNdjson(new StreamReader(body, encoding, encoding is UTF8Encoding, 64 * 1024), encoding, schema),
            BatchFormat.Json => ReadJson(encoding is UTF8Encoding ? body : Encoding.CreateTranscodingStream(body, encoding, Encoding.UTF8, leaveOpen: true), schema),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>
    /// The key of a record: the canonical text of its key field (<see cref="TypedValue.Text"/>); with several key
    /// fields their texts joined by <c>|</c>, with <c>\</c> and <c>|</c> inside a part escaped by a backslash.
    /// </summary>
    public static string Key(IReadOnlyList<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Count == 1 ? parts[0] : string.Join('|', parts.Select(EscapeKeyPart));
    }

    /// <summary>One part of a composite key as <see cref="Key"/> writes it: <c>\</c> and <c>|</c> escaped by a backslash.</summary>
    public static string EscapeKeyPart(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return part.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
    }

    /// <summary>The parts of a composite key: the inverse of <see cref="Key"/>, splitting on <c>|</c> not escaped by <c>\</c>.</summary>
    public static IReadOnlyList<string> SplitKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '\\' && i + 1 < key.Length)
            {
                current.Append(key[++i]);
            }
            else if (key[i] == '|')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(key[i]);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    // Columns are matched by field name, then by Chinese label (信息项名称); "_op" is the operation column.
    internal static (string?[] Columns, int Operation) MapHeader(CsvRecord header, CompiledSchema schema)
    {
        var byName = schema.Fields.ToDictionary(f => f.Name, f => f.Name, StringComparer.Ordinal);
        var byLabel = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            byLabel.TryAdd(field.Label.Trim(), field.Name);
        }

        var issues = new List<Issue>();
        var columns = new string?[header.Fields.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var operation = -1;
        for (var i = 0; i < columns.Length; i++)
        {
            var text = header.Fields[i].Trim().TrimStart('\uFEFF');
            if (text == RowOperations.Column && operation < 0)
            {
                operation = i;
                continue;
            }

            if (!byName.TryGetValue(text, out var name) && !byLabel.TryGetValue(text, out name))
            {
                issues.Add(IngestIssues.HeaderUnknown(text));
                continue;
            }

            if (!seen.Add(name))
            {
                issues.Add(IngestIssues.HeaderRepeated(text, name));
                continue;
            }

            columns[i] = name;
        }

        issues.AddRange(schema.Fields.Where(f => f.Key && !seen.Contains(f.Name)).Select(f => IngestIssues.HeaderKeyMissing(f.Name)));
        if (header.Error != CsvSyntaxError.None)
        {
            issues.Insert(0, IngestIssues.CsvSyntax(header.Error) with { Field = "header" });
        }

        return issues.Count > 0 ? throw new IngestAbortedException(issues) : (columns, operation);
    }

    private static IEnumerable<CheckedRow> ReadNdjson(TextReader reader, Encoding encoding, CompiledSchema schema)
    {
        var charset = Charsets.Canonical(encoding);
        long row = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException)
            {
                throw new IngestAbortedException([IngestIssues.Encoding(charset, row + 1)]);
            }

            if (line is null)
            {
                yield break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            row++;
            yield return NdjsonRow(row, line, schema);
        }
    }

    private static CheckedRow NdjsonRow(long row, string line, CompiledSchema schema)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return JsonRow(row, document.RootElement, line, schema);
        }
        catch (JsonException e)
        {
            return Refused(row, line, IngestIssues.JsonSyntax(row, Detail(e)) with { Field = "row" });
        }
    }

    private static IEnumerable<CheckedRow> ReadJson(Stream body, CompiledSchema schema)
    {
        using var elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body).ToBlockingEnumerable().GetEnumerator();
        long row = 0;
        while (true)
        {
            try
            {
                if (!elements.MoveNext())
                {
                    yield break;
                }
            }
            catch (JsonException e)
            {
                throw new IngestAbortedException([IngestIssues.JsonSyntax(row + 1, Detail(e))]);
            }

            row++;
            var element = elements.Current;
            yield return JsonRow(row, element, element.GetRawText(), schema);
        }
    }

    private static CheckedRow JsonRow(long row, JsonElement element, string raw, CompiledSchema schema)
    {
        var operation = RowOperation.Upsert;
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(RowOperations.Column, out var op))
        {
            if (op.ValueKind != JsonValueKind.String || RowOperations.Parse(op.GetString()) is not { } parsed)
            {
                return Refused(row, raw, IngestIssues.Operation(op.ValueKind == JsonValueKind.String ? op.GetString()! : op.GetRawText()));
            }

            operation = parsed;
            if (operation == RowOperation.Upsert)
            {
                // The record is checked without the operation property, which is not a field.
                var copy = System.Text.Json.Nodes.JsonNode.Parse(raw)!.AsObject();
                copy.Remove(RowOperations.Column);
                using var stripped = JsonDocument.Parse(copy.ToJsonString());
                return Upsert(row, raw, schema, schema.CheckJsonRecord(stripped.RootElement));
            }
        }

        if (operation == RowOperation.Delete)
        {
            return Delete(row, raw, schema, name => element.TryGetProperty(name, out var value) ? schema.CheckJson(name, value) : schema.CheckText(name, null));
        }

        return Upsert(row, raw, schema, schema.CheckJsonRecord(element));
    }

    private static CheckedRow Upsert(long row, string raw, CompiledSchema schema, RecordCheck check)
    {
        var rejections = check.Findings.Where(f => f.Action == InvalidValueAction.Reject).Select(f => f.Issue).ToList();
        var warnings = check.Findings.Where(f => f.Action == InvalidValueAction.Warn).Select(f => f.Issue).ToList();
        return rejections.Count > 0
            ? new CheckedRow(row, RowOperation.Upsert, "", null, rejections, warnings, raw)
            : new CheckedRow(row, RowOperation.Upsert, Key(check.KeyParts), check.ToJson(schema.Fields), [], warnings, raw);
    }

    // A delete reads the key fields only; the other columns may be empty.
    internal static CheckedRow Delete(long row, string raw, CompiledSchema schema, Func<string, ValueCheck> check)
    {
        var rejections = new List<Issue>();
        var parts = new List<string>();
        foreach (var field in schema.Fields.Where(f => f.Key))
        {
            var result = check(field.Name);
            if (result.Value is null)
            {
                rejections.AddRange(result.Findings.Count > 0 ? result.Findings.Select(f => f.Issue) : [CatalogIssues.ValueRequired(field.Name)]);
            }
            else
            {
                parts.Add(result.Value.Text);
            }
        }

        return new CheckedRow(row, RowOperation.Delete, rejections.Count > 0 ? "" : Key(parts), null, rejections, [], raw);
    }

    private static CheckedRow Refused(long row, string raw, Issue issue) => new(row, RowOperation.Upsert, "", null, [issue], [], raw);

    // The parser's own position, without the text around it (which may hold personal data).
    private static string Detail(JsonException e) =>
        $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}";
}
