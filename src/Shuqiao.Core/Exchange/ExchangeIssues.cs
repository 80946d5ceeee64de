using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Exchange;

/// <summary>
/// Issues of the Exchange capability (filters, queries, verifications), with stable codes the console translates
/// as <c>exchange.issue.&lt;code&gt;</c>. Fields are JSON paths of the request, e.g. <c>filter.all[1].gte</c>.
/// </summary>
public static class ExchangeIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    public static Issue NotObject(string path, string kind) =>
        Issue(path, "filter.notObject", $"must be a JSON object, not {kind}", kind);

    public static Issue Empty(string path) =>
        Issue(path, "filter.empty", "must be a condition (field with eq, in, prefix, gte/gt/lte/lt) or all/any");

    public static Issue UnknownProperty(string path, string name) =>
        Issue(path, "filter.unknownProperty", $"has the unknown property '{name}'; a condition has field and one of eq, in, prefix, gte/gt/lte/lt, or is all/any", name);

    public static Issue RepeatedProperty(string path, string name) =>
        Issue(path, "filter.repeatedProperty", $"repeats the property '{name}'", name);

    public static Issue Combinator(string path) =>
        Issue(path, "filter.combinator", "must have all or any alone, as a non-empty array of conditions");

    public static Issue FieldRequired(string path) => Issue(path, "filter.fieldRequired", "is required: the name of the field the condition is on");

    public static Issue UnknownField(string path, string name) =>
        Issue(path, "field.unknown", $"'{name}' is not a field of this resource", name);

    public static Issue Operators(string path) =>
        Issue(path, "filter.operators", "must have exactly one of eq, in, prefix, or a range (at most one of gte/gt and one of lte/lt)");

    public static Issue ValueRequired(string path) => Issue(path, "filter.valueRequired", "must be a value, not null");

    public static Issue InList(string path, int max) =>
        Issue(path, "filter.inList", $"must be a non-empty array of at most {max} values", max);

    public static Issue PrefixType(string path, string field, FieldType type) =>
        Issue(path, "filter.prefixType", $"prefix applies to string fields; '{field}' is {type}", field, type);

    public static Issue PrefixValue(string path) => Issue(path, "filter.prefixValue", "must be a non-empty string");

    public static Issue RangeType(string path, string field) =>
        Issue(path, "filter.rangeType", $"a range does not apply to the boolean field '{field}'", field);

    public static Issue TooDeep(string path, int max) =>
        Issue(path, "filter.tooDeep", $"nests all/any more than {max} levels", max);

    public static Issue TooLarge(string path, int max) =>
        Issue(path, "filter.tooLarge", $"has more than {max} conditions", max);

    // Queries
    public static Issue QueryNotObject(string kind) => Issue("", "query.notObject", $"must be a JSON object, not {kind}", kind);

    public static Issue QueryUnknownProperty(string name) =>
        Issue(name, "query.unknownProperty", $"is not a query property; use fields, filter, sort, pageSize, cursor", name);

    public static Issue FieldsList(string path) => Issue(path, "query.fields", "must be a non-empty array of field names (leave fields out for every granted field)");

    public static Issue FieldRepeated(string path, string name) => Issue(path, "query.fieldRepeated", $"names '{name}' twice", name);

    public static Issue SortItem(string path) =>
        Issue(path, "query.sort", "must be an array of {\"field\": name, \"direction\": \"asc\" | \"desc\"}");

    public static Issue PageSize(string path, int max) =>
        Issue(path, "query.pageSize", $"must be a whole number from 1 to {max}", max);

    public static Issue Cursor(string path) => Issue(path, "query.cursor", "must be a string (the nextCursor of the previous page)");

    // Verification
    public static Issue VerifyNotObject(string kind) => Issue("values", "verify.notObject", $"must be a JSON object of field → value, not {kind}", kind);

    public static Issue VerifyKeyMissing(string field) =>
        Issue("values." + field, "verify.keyMissing", $"is required: '{field}' is part of the record key, which finds the record to check against", field);

    public static Issue VerifyNothingToCheck() =>
        Issue("values", "verify.nothing", "must give at least one field besides the key to check");
}
