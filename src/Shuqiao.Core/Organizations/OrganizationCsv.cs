using Shuqiao.Core.Common;
using System.Text;

namespace Shuqiao.Core.Organizations;

/// <summary>One organization row of an import file, as read; <see cref="HasIssues"/> rows are never written.</summary>
public sealed record OrganizationCsvRow(
    int Row,
    string Code,           // normalized (see CreditCode.Normalize); valid unless HasIssues
    bool CodeIsValid,
    string Name,
    OrganizationLevel? Level,
    string ParentCode,     // normalized; empty when the row has no parent
    bool IsDataAuthority,
    bool HasIssues);

/// <summary>
/// An import file read into rows. <see cref="FileIssue"/> is set when the file as a whole cannot be used (empty, too
/// many rows); <see cref="RowIssues"/> holds every problem of the header (row 1) and of each row.
/// </summary>
public sealed record OrganizationCsvParse(IReadOnlyList<OrganizationCsvRow> Rows, IReadOnlyList<RowIssue> RowIssues, Issue? FileIssue);

/// <summary>
/// The organization import format: a header row naming the columns <c>code,name,level,parentCode,isDataAuthority</c>
/// (in any order; Chinese headers 统一社会信用代码, 名称, 层级, 上级机构代码, 是否数据主管部门 are accepted too), then
/// one organization per row. Parents are named by their code and may be existing organizations or earlier rows.
/// </summary>
public static class OrganizationCsv
{
    /// <summary>Largest number of organization rows in one file; a whole city node has a few thousand.</summary>
    public const int MaxRows = 20_000;

    /// <summary>The column names in the order a template lists them.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["code", "name", "level", "parentCode", "isDataAuthority"];

    public static IReadOnlyList<string> ChineseColumns { get; } = ["统一社会信用代码", "名称", "层级", "上级机构代码", "是否数据主管部门"];

    private static readonly string[] RequiredColumns = ["code", "name", "level"];

    // Header aliases, compared after NFKC folding and case-insensitively.
    private static readonly Dictionary<string, string> HeaderAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["code"] = "code",
        ["统一社会信用代码"] = "code",
        ["name"] = "name",
        ["名称"] = "name",
        ["机构名称"] = "name",
        ["level"] = "level",
        ["层级"] = "level",
        ["parentCode"] = "parentCode",
        ["上级机构代码"] = "parentCode",
        ["isDataAuthority"] = "isDataAuthority",
        ["是否数据主管部门"] = "isDataAuthority",
    };

    // .xlsx files are ZIP archives; .xls files are OLE compound documents.
    private static ReadOnlySpan<byte> ZipSignature => [0x50, 0x4B, 0x03, 0x04];

    private static ReadOnlySpan<byte> OleSignature => [0xD0, 0xCF, 0x11, 0xE0];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];

    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Turns the uploaded bytes into text. A byte-order mark decides the encoding whatever was declared (as the WHATWG
    /// Encoding standard does: a UTF-8 BOM read as GB18030 would become "锘"); otherwise <paramref name="charset"/>
    /// does, UTF-8 by default. Decoding is strict: bytes that are not valid in the encoding are refused, never replaced.
    /// </summary>
    public static Issue? Decode(ReadOnlySpan<byte> data, string? charset, out string text)
    {
        text = "";
        if (data.StartsWith(ZipSignature) || data.StartsWith(OleSignature))
        {
            return OrganizationIssues.FileIsWorkbook();
        }

        if (data.StartsWith(Utf8Bom))
        {
            return DecodeUtf8(data[3..], out text);
        }

        if (data.StartsWith(Utf16LeBom))
        {
            text = Encoding.Unicode.GetString(data[2..]);
            return null;
        }

        if (data.StartsWith(Utf16BeBom))
        {
            text = Encoding.BigEndianUnicode.GetString(data[2..]);
            return null;
        }

        switch (NormalizeCharset(charset))
        {
            case "utf-8":
                return DecodeUtf8(data, out text);
            case "gb18030":
                // A file that is valid UTF-8 and not plain ASCII is, for Chinese text, practically never GB18030;
                // reading it as GB18030 would store garbled names without any error, so it is refused instead.
                if (data.ContainsAnyExceptInRange((byte)0, (byte)0x7F) && DecodeUtf8(data, out _) is null)
                {
                    return OrganizationIssues.LooksUtf8();
                }

                try
                {
                    text = Gb18030().GetString(data);
                    return null;
                }
                catch (DecoderFallbackException)
                {
                    return OrganizationIssues.NotGb18030();
                }

            default:
                return OrganizationIssues.CharsetUnknown(charset!.Trim());
        }
    }

    /// <summary>
    /// The canonical name of a supported charset (<c>utf-8</c> or <c>gb18030</c>), or null when it is not supported.
    /// GBK and GB2312 files are read as GB18030, which contains both.
    /// </summary>
    public static string? NormalizeCharset(string? charset)
    {
        var name = charset?.Trim().Trim('"', '\'').ToUpperInvariant();
        return name switch
        {
            null or "" or "UTF-8" or "UTF8" => "utf-8",
            "GB18030" or "GBK" or "GB2312" or "CP936" or "WINDOWS-936" or "X-GBK" => "gb18030",
            _ => null,
        };
    }

    public static OrganizationCsvParse Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var issues = new List<RowIssue>();
        var rows = new List<OrganizationCsvRow>();
        using var records = CsvRecords.Read(text).GetEnumerator();

        // The header is the first record that is not blank (a leading empty line is harmless).
        CsvRecord? header = null;
        while (records.MoveNext())
        {
            if (!records.Current.IsBlank)
            {
                header = records.Current;
                break;
            }
        }

        if (header is null)
        {
            return new OrganizationCsvParse(rows, issues, OrganizationIssues.FileEmpty());
        }

        if (header.Error != CsvSyntaxError.None)
        {
            issues.Add(new RowIssue(header.Row, Syntax(header.Error)));
            return new OrganizationCsvParse(rows, issues, null);
        }

        var columns = ReadHeader(header, issues);
        if (RequiredColumns.Any(c => !columns.ContainsKey(c)))
        {
            return new OrganizationCsvParse(rows, issues, null);
        }

        var dataRows = 0;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.IsBlank && record.Error == CsvSyntaxError.None)
            {
                continue;
            }

            if (++dataRows > MaxRows)
            {
                return new OrganizationCsvParse([], [], OrganizationIssues.FileTooManyRows(MaxRows));
            }

            if (record.Error != CsvSyntaxError.None)
            {
                issues.Add(new RowIssue(record.Row, Syntax(record.Error)));
                continue;
            }

            if (record.Fields.Count != header.Fields.Count)
            {
                issues.Add(new RowIssue(record.Row, OrganizationIssues.FieldCount(record.Fields.Count, header.Fields.Count)));
                continue;
            }

            rows.Add(ReadRow(record, columns, issues));
        }

        if (dataRows == 0)
        {
            return new OrganizationCsvParse(rows, issues, issues.Count == 0 ? OrganizationIssues.FileNoRows() : null);
        }

        return new OrganizationCsvParse(rows, issues, null);
    }

    /// <summary>An empty file to fill in: the header row only, UTF-8 with a BOM so that Excel shows the Chinese correctly.</summary>
    public static byte[] Template(bool chineseHeader)
    {
        var header = string.Join(',', (chineseHeader ? ChineseColumns : Columns).Select(CsvRecords.Quote)) + "\r\n";
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(header)];
    }

    private static Issue? DecodeUtf8(ReadOnlySpan<byte> data, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(data);
            return null;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return OrganizationIssues.NotUtf8();
        }
    }

    // From the code pages provider directly, so nothing global has to be registered; exception fallbacks make
    // decoding strict (GB18030 has byte sequences that map to nothing, e.g. a lone 0x80 or 0xFF).
    private static Encoding Gb18030() =>
        CodePagesEncodingProvider.Instance.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
        ?? throw new InvalidOperationException("The GB18030 code page is not available.");

    private static Dictionary<string, int> ReadHeader(CsvRecord header, List<RowIssue> issues)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Normalize(NormalizationForm.FormKC).Trim();
            if (name.Length == 0 && header.Fields.Skip(i).All(string.IsNullOrWhiteSpace))
            {
                break; // trailing empty columns, as spreadsheets sometimes write them
            }

            if (name.Length == 0)
            {
                issues.Add(new RowIssue(header.Row, OrganizationIssues.ColumnUnnamed(i + 1)));
                continue;
            }

            if (!HeaderAliases.TryGetValue(name, out var column))
            {
                issues.Add(new RowIssue(header.Row, OrganizationIssues.ColumnUnknown(name)));
                continue;
            }

            if (!columns.TryAdd(column, i))
            {
                issues.Add(new RowIssue(header.Row, OrganizationIssues.ColumnRepeated(name)));
            }
        }

        foreach (var required in RequiredColumns.Where(c => !columns.ContainsKey(c)))
        {
            issues.Add(new RowIssue(header.Row, OrganizationIssues.ColumnMissing(required)));
        }

        return columns;
    }

    private static OrganizationCsvRow ReadRow(CsvRecord record, Dictionary<string, int> columns, List<RowIssue> issues)
    {
        var before = issues.Count;
        string Cell(string column) => columns.TryGetValue(column, out var index) ? record.Fields[index] : "";

        var code = CreditCode.Normalize(Cell("code"));
        var codeIssue = OrganizationRules.CheckCode(code);
        Add(codeIssue);

        var name = OrganizationRules.NormalizeName(Cell("name"));
        Add(OrganizationRules.CheckName(name));

        var levelIssue = OrganizationRules.CheckLevel(Cell("level"), out var level);
        Add(levelIssue);

        var parentText = Cell("parentCode");
        var parentCode = CreditCode.Normalize(parentText);
        if (parentCode.Length > 0 && CreditCode.Check(parentCode) is { IsValid: false } parentCheck)
        {
            Add(OrganizationIssues.ParentCodeInvalid(parentText.Trim(), parentCheck));
        }

        var flagText = Cell("isDataAuthority");
        if (!OrganizationRules.TryParseFlag(flagText, out var isDataAuthority))
        {
            Add(OrganizationIssues.FlagUnknown(flagText.Trim()));
        }

        return new OrganizationCsvRow(record.Row, code, codeIssue is null, name, levelIssue is null ? level : null, parentCode, isDataAuthority, issues.Count > before);

        void Add(Issue? issue)
        {
            if (issue is not null)
            {
                issues.Add(new RowIssue(record.Row, issue));
            }
        }
    }

    private static Issue Syntax(CsvSyntaxError error) => error switch
    {
        CsvSyntaxError.QuoteNotClosed => OrganizationIssues.QuoteNotClosed(),
        CsvSyntaxError.QuoteInField => OrganizationIssues.QuoteInField(),
        CsvSyntaxError.TextAfterQuote => OrganizationIssues.TextAfterQuote(),
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };
}
