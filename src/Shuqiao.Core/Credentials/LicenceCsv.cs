using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Credentials;

/// <summary>A bulk issuance file read against a licence type: the checked licences, or every issue of every row.</summary>
public sealed record LicenceCsvParse(IReadOnlyList<LicenceContent> Licences, IReadOnlyList<RowIssue> Issues)
{
    public bool IsValid => Issues.Count == 0 && Licences.Count > 0;
}

/// <summary>
/// Bulk issuance files (CSV, RFC 4180): one licence per row. Columns, in any order, by English or Chinese name:
/// holderName/持证主体, holderCode/持证主体代码, licenceNumber/证照编号 (optional), validFrom/有效期起始 and
/// validUntil/有效期截止 (optional), then one column per field of the type, named by the field's name or label.
/// Rows are numbered as a spreadsheet shows them (the header is row 1).
/// </summary>
public static class LicenceCsv
{
    private static readonly (string Name, string Chinese)[] Metadata =
    [
        ("holderName", "持证主体"), ("holderCode", "持证主体代码"), ("licenceNumber", "证照编号"), ("validFrom", "有效期起始"), ("validUntil", "有效期截止"),
    ];

    public static LicenceCsvParse Parse(LicenceType type, string text, DateOnly today, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(type);
        var records = CsvRecords.Read(text).Where(r => !r.IsBlank).ToList();
        if (records.Count == 0)
        {
            return new([], [new RowIssue(0, Issue.Plain("file", "is empty; the first row must be the header"))]);
        }

        var header = records[0];
        var columns = new Dictionary<int, string>();
        var issues = new List<RowIssue>();
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().TrimStart('\uFEFF');
            var key = Metadata.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || m.Chinese == name).Name
                ?? type.Fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || f.Label == name)?.Name;
            if (key is null)
            {
                issues.Add(new RowIssue(1, Issue.Plain("header", $"'{name}' is neither a licence column nor a field of {type.Name}")));
            }
            else if (columns.ContainsValue(key))
            {
                issues.Add(new RowIssue(1, Issue.Plain("header", $"names '{name}' twice")));
            }
            else
            {
                columns[i] = key;
            }
        }

        foreach (var required in new[] { "holderName", "holderCode" })
        {
            if (!columns.ContainsValue(required))
            {
                issues.Add(new RowIssue(1, Issue.Plain("header", $"lacks the column '{required}' ({Metadata.First(m => m.Name == required).Chinese})")));
            }
        }

        if (issues.Count > 0)
        {
            return new([], issues);
        }

        if (records.Count - 1 > maxRows)
        {
            return new([], [new RowIssue(0, Issue.Plain("file", $"has more than {maxRows} rows; split it into several files"))]);
        }

        var licences = new List<LicenceContent>();
        foreach (var record in records.Skip(1))
        {
            if (record.Error != CsvSyntaxError.None || record.Fields.Count != header.Fields.Count)
            {
                issues.Add(new RowIssue(record.Row, Issue.Plain("row", record.Error != CsvSyntaxError.None
                    ? $"is not valid CSV ({record.Error})"
                    : $"has {record.Fields.Count} fields but the header has {header.Fields.Count}")));
                continue;
            }

            string? Value(string key) => columns.FirstOrDefault(c => c.Value == key) is { Value: not null } c ? record.Fields[c.Key] : null;
            var claims = type.Fields.ToDictionary(f => f.Name, f => Value(f.Name), StringComparer.Ordinal);
            var (content, rowIssues) = LicenceRules.CheckContent(type, Value("holderName"), Value("holderCode"), claims, Value("licenceNumber"), Value("validFrom"), Value("validUntil"), today);
            if (content is null)
            {
                issues.AddRange(rowIssues.Select(i => new RowIssue(record.Row, i)));
            }
            else
            {
                licences.Add(content);
            }
        }

        if (licences.Count == 0 && issues.Count == 0)
        {
            issues.Add(new RowIssue(0, Issue.Plain("file", "has a header but no licence rows")));
        }

        return new(issues.Count == 0 ? licences : [], issues);
    }

    /// <summary>An empty file with the type's columns, Chinese header, as a template for the console.</summary>
    public static string Template(LicenceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return string.Join(',', Metadata.Select(m => m.Chinese).Concat(type.Fields.Select(f => f.Label)).Select(CsvRecords.Quote)) + "\r\n";
    }
}
