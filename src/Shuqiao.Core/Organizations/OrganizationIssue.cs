using Shuqiao.Core.Common;

namespace Shuqiao.Core.Organizations;

/// <summary>
/// One reason an organization change or an import row is not accepted: the field (camelCase, as the API spells it),
/// a stable code the console translates (<c>org.issue.&lt;code&gt;</c> with <see cref="Arguments"/> as {0}, {1}, …;
/// an <see cref="OrganizationLevel"/> argument is shown by its localized name) and the English reason the API returns.
/// </summary>
public sealed record OrganizationIssue(string Field, string Code, string Reason, IReadOnlyList<object> Arguments)
{
    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>An import row's issue; rows are numbered as a spreadsheet shows them (the header is row 1).</summary>
public sealed record RowIssue(int Row, OrganizationIssue Issue)
{
    public override string ToString() => $"row {Row}, {Issue}";
}

/// <summary>Why an organization operation failed, with the issues behind it.</summary>
public sealed record OrganizationFailure(FailureKind Kind, string Title, IReadOnlyList<OrganizationIssue> Issues)
{
    public static OrganizationFailure Invalid(IReadOnlyList<OrganizationIssue> issues) => new(FailureKind.Validation, "The request is invalid.", issues);

    public static OrganizationFailure Invalid(OrganizationIssue issue) => Invalid([issue]);

    public static OrganizationFailure Conflict(string title, OrganizationIssue issue) => new(FailureKind.Conflict, title, [issue]);

    public static OrganizationFailure NotFound() => new(FailureKind.NotFound, "The organization was not found.", []);

    /// <summary>The house failure the API turns into a problem response (reasons per field).</summary>
    public Failure ToFailure() => new(
        Kind,
        Title,
        Issues.Count == 0
            ? null
            : Issues.GroupBy(i => i.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Reason).ToArray(), StringComparer.Ordinal));
}

/// <summary>
/// Like <see cref="Outcome{T}"/>, but a failure keeps its coded issues so the console can show them in Chinese while
/// the API answers with the English reasons.
/// </summary>
public readonly struct OrganizationOutcome<T>
{
    private OrganizationOutcome(T? value, OrganizationFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public OrganizationFailure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static implicit operator OrganizationOutcome<T>(T value) => new(value, null);

    public static implicit operator OrganizationOutcome<T>(OrganizationFailure failure) => new(default, failure);
}

/// <summary>Every issue this capability reports. Keep the codes stable: the console's translations are keyed by them.</summary>
public static class OrganizationIssues
{
    private static OrganizationIssue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    // Names
    public static OrganizationIssue NameRequired(string field = "name") => Issue(field, "name.required", "is required");

    public static OrganizationIssue NameTooLong(int length, string field = "name") =>
        Issue(field, "name.tooLong", $"must be at most {OrganizationRules.MaxNameLength} characters but has {length}", OrganizationRules.MaxNameLength, length);

    public static OrganizationIssue NameControlCharacters(string field = "name") =>
        Issue(field, "name.control", "must not contain line breaks or other control characters");

    // Credit codes
    public static OrganizationIssue Code(CreditCodeCheck check, string field = "code") => check.Error switch
    {
        CreditCodeError.Required => Issue(field, "code.required", CreditCode.Describe(check)!),
        CreditCodeError.Length => Issue(field, "code.length", CreditCode.Describe(check)!, check.Length),
        CreditCodeError.Character => Issue(field, "code.character", CreditCode.Describe(check)!, check.Found.ToString(), check.Position),
        CreditCodeError.Region => Issue(field, "code.region", CreditCode.Describe(check)!, check.Found.ToString(), check.Position),
        CreditCodeError.Checksum => Issue(field, "code.checksum", CreditCode.Describe(check)!, check.Found.ToString(), check.Expected.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(check), "The code is valid."),
    };

    public static OrganizationIssue CodeTaken(string holderName, string field = "code") =>
        Issue(field, "code.taken", $"is already used by the organization '{holderName}'", holderName);

    public static OrganizationIssue CodeRepeated(int firstRow) =>
        Issue("code", "code.repeated", $"appears again in this file (first on row {firstRow})", firstRow);

    // Levels
    public static OrganizationIssue LevelRequired(string field = "level") => Issue(field, "level.required", "is required");

    public static OrganizationIssue LevelUnknown(string text, string field = "level") =>
        Issue(field, "level.unknown", $"'{text}' is not a level; use Province, City, County, Town or Village (省级, 市级, 县级, 乡镇级, 村级)", text);

    public static OrganizationIssue LevelBelowChild(OrganizationLevel level, string childName, OrganizationLevel childLevel) =>
        Issue("level", "level.belowChild", $"must stay above every child organization, but '{childName}' is at level {childLevel}, not below {level}", level, childName, childLevel);

    // Parents
    public static OrganizationIssue ParentNotFound(string field = "parentId") =>
        Issue(field, "parent.notFound", "does not name an existing organization");

    public static OrganizationIssue ParentCodeNotFound(string parentCode) =>
        Issue("parentCode", "parent.codeNotFound", $"'{parentCode}' is neither an existing organization nor a row of this file", parentCode);

    public static OrganizationIssue ParentCodeLater(string parentCode, int parentRow) =>
        Issue("parentCode", "parent.later", $"'{parentCode}' is defined on row {parentRow}, below this row; list parents before their children", parentCode, parentRow);

    public static OrganizationIssue ParentCodeInvalid(string parentCode, CreditCodeCheck check) =>
        Issue("parentCode", "parent.codeInvalid", $"'{parentCode}' is not a valid 统一社会信用代码: {CreditCode.Describe(check)}", parentCode);

    public static OrganizationIssue ParentLevel(OrganizationLevel level, string parentName, OrganizationLevel parentLevel, string field = "parentId") =>
        Issue(field, "parent.level", $"must be at a higher level than {level}, but '{parentName}' is at level {parentLevel}", level, parentName, parentLevel);

    public static OrganizationIssue ParentDisabled(string parentName, string field = "parentId") =>
        Issue(field, "parent.disabled", $"'{parentName}' is disabled; choose an active organization", parentName);

    public static OrganizationIssue ParentSelf(string field = "parentId") =>
        Issue(field, "parent.self", "cannot be the organization itself");

    public static OrganizationIssue ParentCycle(string parentName) =>
        Issue("parentId", "parent.cycle", $"'{parentName}' is below this organization in the tree; making it the parent would create a cycle", parentName);

    public static OrganizationIssue ParentRequired(OrganizationLevel nodeTop, string field = "parentId") =>
        Issue(field, "parent.required", $"is required: only a Province-level organization or one at this node's top level ({nodeTop}) may have no parent", nodeTop);

    // Flags
    public static OrganizationIssue FlagUnknown(string text) =>
        Issue("isDataAuthority", "flag.unknown", $"'{text}' is not a yes/no value; use true or false (是/否, 1/0)", text);

    // Optimistic concurrency
    public static OrganizationIssue VersionRequired() => Issue("version", "version.required", "is required (the version you read)");

    public static OrganizationIssue VersionStale() => Issue("version", "version.stale", "is not the current version; reload the organization and try again");

    // Status changes
    public static OrganizationIssue ActiveChildren(int count, string examples) =>
        Issue("status", "status.activeChildren", $"cannot be disabled while {count} child organization(s) are active ({examples}); disable them first", count, examples);

    public static OrganizationIssue ActiveUsers(int count) =>
        Issue("status", "status.activeUsers", $"cannot be disabled while {count} of its user(s) are active; disable them or move them to another organization first", count);

    public static OrganizationIssue ActiveClients(int count) =>
        Issue("status", "status.activeClients", $"cannot be disabled while {count} of its API client(s) are active; suspend them first", count);

    public static OrganizationIssue ParentOfDisabled(string parentName) =>
        Issue("status", "status.parentDisabled", $"cannot be enabled while its parent '{parentName}' is disabled; enable the parent first", parentName);

    // Import files
    public static OrganizationIssue CharsetUnknown(string charset) =>
        Issue("charset", "file.charsetUnknown", $"'{charset}' is not supported; use utf-8 or gb18030", charset);

    public static OrganizationIssue NotUtf8() =>
        Issue("file", "file.notUtf8", "is not valid UTF-8; if Excel saved it as CSV (GBK/GB18030), send it with charset=gb18030");

    public static OrganizationIssue NotGb18030() =>
        Issue("file", "file.notGb18030", "is not valid GB18030 text; check the file's encoding (UTF-8 files are read with charset=utf-8)");

    public static OrganizationIssue LooksUtf8() =>
        Issue("charset", "file.looksUtf8", "was given as gb18030, but the file is valid UTF-8 text and almost certainly UTF-8; send it with charset=utf-8");

    public static OrganizationIssue FileIsWorkbook() =>
        Issue("file", "file.workbook", "is an Excel workbook, not CSV; in Excel choose Save As → CSV UTF-8 (Comma delimited)");

    public static OrganizationIssue FileEmpty() => Issue("file", "file.empty", "is empty; the first row must be the header");

    public static OrganizationIssue FileNoRows() => Issue("file", "file.noRows", "has a header but no organization rows");

    public static OrganizationIssue FileTooManyRows(int limit) =>
        Issue("file", "file.tooManyRows", $"has more than {limit} organization rows; split it into several files", limit);

    public static OrganizationIssue ColumnUnknown(string name) =>
        Issue("header", "header.unknown", $"'{name}' is not a known column; the columns are code, name, level, parentCode, isDataAuthority (统一社会信用代码, 名称, 层级, 上级机构代码, 是否数据主管部门)", name);

    public static OrganizationIssue ColumnUnnamed(int position) =>
        Issue("header", "header.unnamed", $"column {position} has no name", position);

    public static OrganizationIssue ColumnRepeated(string name) =>
        Issue("header", "header.repeated", $"names the column '{name}' twice", name);

    public static OrganizationIssue ColumnMissing(string name)
    {
        var index = OrganizationCsv.Columns.ToList().IndexOf(name);
        return Issue("header", "header.missing", $"lacks the required column '{name}'", name, index < 0 ? name : OrganizationCsv.ChineseColumns[index]);
    }

    public static OrganizationIssue QuoteNotClosed() =>
        Issue("row", "csv.quoteNotClosed", "has a quoted field that is never closed (a '\"' is missing)");

    public static OrganizationIssue QuoteInField() =>
        Issue("row", "csv.quoteInField", "has a '\"' inside an unquoted field; enclose the field in quotes and double the quote (\"\")");

    public static OrganizationIssue TextAfterQuote() =>
        Issue("row", "csv.textAfterQuote", "has text after a closing quote; a quoted field must end at a comma or the end of the row");

    public static OrganizationIssue FieldCount(int found, int expected) =>
        Issue("row", "csv.fieldCount", $"has {found} fields but the header has {expected}", found, expected);
}
