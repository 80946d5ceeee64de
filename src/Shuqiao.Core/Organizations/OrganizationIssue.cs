using Shuqiao.Core.Common;

namespace Shuqiao.Core.Organizations;

/// <summary>An import row's issue; rows are numbered as a spreadsheet shows them (the header is row 1).</summary>
public sealed record RowIssue(int Row, Issue Issue)
{
    public override string ToString() => $"row {Row}, {Issue}";
}

/// <summary>Every issue this capability reports. Keep the codes stable: the console's translations are keyed by them.</summary>
public static class OrganizationIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    // Names
    public static Issue NameRequired(string field = "name") => Issue(field, "name.required", "is required");

    public static Issue NameTooLong(int length, string field = "name") =>
        Issue(field, "name.tooLong", $"must be at most {OrganizationRules.MaxNameLength} characters but has {length}", OrganizationRules.MaxNameLength, length);

    public static Issue NameControlCharacters(string field = "name") =>
        Issue(field, "name.control", "must not contain line breaks or other control characters");

    // Credit codes
    public static Issue Code(CreditCodeCheck check, string field = "code") => check.Error switch
    {
        CreditCodeError.Required => Issue(field, "code.required", CreditCode.Describe(check)!),
        CreditCodeError.Length => Issue(field, "code.length", CreditCode.Describe(check)!, check.Length),
        CreditCodeError.Character => Issue(field, "code.character", CreditCode.Describe(check)!, check.Found.ToString(), check.Position),
        CreditCodeError.Region => Issue(field, "code.region", CreditCode.Describe(check)!, check.Found.ToString(), check.Position),
        CreditCodeError.Checksum => Issue(field, "code.checksum", CreditCode.Describe(check)!, check.Found.ToString(), check.Expected.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(check), "The code is valid."),
    };

    public static Issue CodeTaken(string holderName, string field = "code") =>
        Issue(field, "code.taken", $"is already used by the organization '{holderName}'", holderName);

    public static Issue CodeRepeated(int firstRow) =>
        Issue("code", "code.repeated", $"appears again in this file (first on row {firstRow})", firstRow);

    // Levels
    public static Issue LevelRequired(string field = "level") => Issue(field, "level.required", "is required");

    public static Issue LevelUnknown(string text, string field = "level") =>
        Issue(field, "level.unknown", $"'{text}' is not a level; use Province, City, County, Town or Village (省级, 市级, 县级, 乡镇级, 村级)", text);

    public static Issue LevelBelowChild(OrganizationLevel level, string childName, OrganizationLevel childLevel) =>
        Issue("level", "level.belowChild", $"must stay above every child organization, but '{childName}' is at level {childLevel}, not below {level}", level, childName, childLevel);

    // Parents
    public static Issue ParentNotFound(string field = "parentId") =>
        Issue(field, "parent.notFound", "does not name an existing organization");

    public static Issue ParentCodeNotFound(string parentCode) =>
        Issue("parentCode", "parent.codeNotFound", $"'{parentCode}' is neither an existing organization nor a row of this file", parentCode);

    public static Issue ParentCodeLater(string parentCode, int parentRow) =>
        Issue("parentCode", "parent.later", $"'{parentCode}' is defined on row {parentRow}, below this row; list parents before their children", parentCode, parentRow);

    public static Issue ParentCodeInvalid(string parentCode, CreditCodeCheck check) =>
        Issue("parentCode", "parent.codeInvalid", $"'{parentCode}' is not a valid 统一社会信用代码: {CreditCode.Describe(check)}", parentCode);

    public static Issue ParentLevel(OrganizationLevel level, string parentName, OrganizationLevel parentLevel, string field = "parentId") =>
        Issue(field, "parent.level", $"must be at a higher level than {level}, but '{parentName}' is at level {parentLevel}", level, parentName, parentLevel);

    public static Issue ParentDisabled(string parentName, string field = "parentId") =>
        Issue(field, "parent.disabled", $"'{parentName}' is disabled; choose an active organization", parentName);

    public static Issue ParentSelf(string field = "parentId") =>
        Issue(field, "parent.self", "cannot be the organization itself");

    public static Issue ParentCycle(string parentName) =>
        Issue("parentId", "parent.cycle", $"'{parentName}' is below this organization in the tree; making it the parent would create a cycle", parentName);

    public static Issue ParentRequired(OrganizationLevel nodeTop, string field = "parentId") =>
        Issue(field, "parent.required", $"is required: only a Province-level organization or one at this node's top level ({nodeTop}) may have no parent", nodeTop);

    // Flags
    public static Issue FlagUnknown(string text) =>
        Issue("isDataAuthority", "flag.unknown", $"'{text}' is not a yes/no value; use true or false (是/否, 1/0)", text);

    // Optimistic concurrency
    public static Issue VersionRequired() => Issue("version", "version.required", "is required (the version you read)");

    public static Issue VersionStale() => Issue("version", "version.stale", "is not the current version; reload the organization and try again");

    // Status changes
    public static Issue ActiveChildren(int count, string examples) =>
        Issue("status", "status.activeChildren", $"cannot be disabled while {count} child organization(s) are active ({examples}); disable them first", count, examples);

    public static Issue ActiveUsers(int count) =>
        Issue("status", "status.activeUsers", $"cannot be disabled while {count} of its user(s) are active; disable them or move them to another organization first", count);

    public static Issue ActiveClients(int count) =>
        Issue("status", "status.activeClients", $"cannot be disabled while {count} of its API client(s) are active; suspend them first", count);

    public static Issue ParentOfDisabled(string parentName) =>
        Issue("status", "status.parentDisabled", $"cannot be enabled while its parent '{parentName}' is disabled; enable the parent first", parentName);

    // Import files
    public static Issue CharsetUnknown(string charset) =>
        Issue("charset", "file.charsetUnknown", $"'{charset}' is not supported; use utf-8 or gb18030", charset);

    public static Issue NotUtf8() =>
        Issue("file", "file.notUtf8", "is not valid UTF-8; if Excel saved it as CSV (GBK/GB18030), send it with charset=gb18030");

    public static Issue NotGb18030() =>
        Issue("file", "file.notGb18030", "is not valid GB18030 text; check the file's encoding (UTF-8 files are read with charset=utf-8)");

    public static Issue LooksUtf8() =>
        Issue("charset", "file.looksUtf8", "was given as gb18030, but the file is valid UTF-8 text and almost certainly UTF-8; send it with charset=utf-8");

    public static Issue FileIsWorkbook() =>
        Issue("file", "file.workbook", "is an Excel workbook, not CSV; in Excel choose Save As → CSV UTF-8 (Comma delimited)");

    public static Issue FileEmpty() => Issue("file", "file.empty", "is empty; the first row must be the header");

    public static Issue FileNoRows() => Issue("file", "file.noRows", "has a header but no organization rows");

    public static Issue FileTooManyRows(int limit) =>
        Issue("file", "file.tooManyRows", $"has more than {limit} organization rows; split it into several files", limit);

    public static Issue ColumnUnknown(string name) =>
        Issue("header", "header.unknown", $"'{name}' is not a known column; the columns are code, name, level, parentCode, isDataAuthority (统一社会信用代码, 名称, 层级, 上级机构代码, 是否数据主管部门)", name);

    public static Issue ColumnUnnamed(int position) =>
        Issue("header", "header.unnamed", $"column {position} has no name", position);

    public static Issue ColumnRepeated(string name) =>
        Issue("header", "header.repeated", $"names the column '{name}' twice", name);

    public static Issue ColumnMissing(string name)
    {
        var index = OrganizationCsv.Columns.ToList().IndexOf(name);
        return Issue("header", "header.missing", $"lacks the required column '{name}'", name, index < 0 ? name : OrganizationCsv.ChineseColumns[index]);
    }

    public static Issue QuoteNotClosed() =>
        Issue("row", "csv.quoteNotClosed", "has a quoted field that is never closed (a '\"' is missing)");

    public static Issue QuoteInField() =>
        Issue("row", "csv.quoteInField", "has a '\"' inside an unquoted field; enclose the field in quotes and double the quote (\"\")");

    public static Issue TextAfterQuote() =>
        Issue("row", "csv.textAfterQuote", "has text after a closing quote; a quoted field must end at a comma or the end of the row");

    public static Issue FieldCount(int found, int expected) =>
        Issue("row", "csv.fieldCount", $"has {found} fields but the header has {expected}", found, expected);
}
