using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Exchange;

public enum SortDirection
{
    Ascending,
    Descending,
}

public sealed record SortKey(string Field, SortDirection Direction)
{
    /// <summary><c>age</c> or <c>-age</c> (descending), as the query shape writes it.</summary>
    public override string ToString() => Direction == SortDirection.Descending ? "-" + Field : Field;
}

/// <summary>
/// A consumer's query of one resource (<c>POST /api/v1/exchange/{code}/query</c>): the fields wanted (null: every
/// granted field), a filter, a sort, a page size (null: the gateway's default) and the cursor of the previous page.
/// </summary>
public sealed record ExchangeQuery(IReadOnlyList<string>? Fields, RowPredicate? Filter, IReadOnlyList<SortKey> Sort, int? PageSize, string? Cursor)
{
    public static ExchangeQuery All { get; } = new(null, null, [], null, null);

    /// <summary>
    /// Reads a query body, strictly: <c>{"fields": ["name"], "filter": {…}, "sort": [{"field": "age", "direction":
    /// "desc"}], "pageSize": 100, "cursor": "…"}</c>, every property optional. Field names must exist in the
    /// resource (whether they are granted is the gateway's question); filter values must have the field's type.
    /// </summary>
    public static Outcome<ExchangeQuery> Read(JsonElement body, IReadOnlyList<ResourceField> fields, ValueParsingOptions options)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var issues = new List<Issue>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Failure.Invalid(ExchangeIssues.QueryNotObject(FieldValueParser.JsonKind(body.ValueKind)));
        }

        var known = fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        List<string>? selected = null;
        RowPredicate? filter = null;
        var sort = new List<SortKey>();
        int? pageSize = null;
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                issues.Add(ExchangeIssues.RepeatedProperty("", property.Name));
                continue;
            }

            var value = property.Value;
            switch (property.Name)
            {
                case "fields" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "fields":
                    selected = Names(value, known, issues);
                    break;
                case "filter" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "filter":
                    filter = RowFilterJson.Read(value, fields, options, "filter", issues);
                    break;
                case "sort" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "sort":
                    ReadSort(value, known, sort, issues);
                    break;
                case "pageSize" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "pageSize":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var size) && size >= 1)
                    {
                        pageSize = size;
                    }
                    else
                    {
                        issues.Add(ExchangeIssues.PageSize("pageSize", ExchangeGateway.Limits.Default.MaxPageSize));
                    }

                    break;
                case "cursor" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "cursor":
                    if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                    {
                        cursor = text;
                    }
                    else
                    {
                        issues.Add(ExchangeIssues.Cursor("cursor"));
                    }

                    break;
                default:
                    issues.Add(ExchangeIssues.QueryUnknownProperty(property.Name));
                    break;
            }
        }

        return issues.Count > 0 ? Failure.Invalid(issues) : new ExchangeQuery(selected, filter, sort, pageSize, cursor);
    }

    // An empty list is refused rather than read as "every field": leave fields out for that.
    private static List<string>? Names(JsonElement value, HashSet<string> known, List<Issue> issues)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            issues.Add(ExchangeIssues.FieldsList("fields"));
            return null;
        }

        var names = new List<string>();
        if (value.GetArrayLength() == 0)
        {
            issues.Add(ExchangeIssues.FieldsList("fields"));
            return null;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"fields[{index++}]";
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } name)
            {
                issues.Add(ExchangeIssues.FieldsList(path));
            }
            else if (!known.Contains(name))
            {
                issues.Add(ExchangeIssues.UnknownField(path, name));
            }
            else if (names.Contains(name, StringComparer.Ordinal))
            {
                issues.Add(ExchangeIssues.FieldRepeated(path, name));
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static void ReadSort(JsonElement value, HashSet<string> known, List<SortKey> sort, List<Issue> issues)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            issues.Add(ExchangeIssues.SortItem("sort"));
            return;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"sort[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                issues.Add(ExchangeIssues.SortItem(path));
                continue;
            }

            string? field = null;
            var direction = SortDirection.Ascending;
            var ok = true;
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "field" when property.Value.ValueKind == JsonValueKind.String:
                        field = property.Value.GetString();
                        break;
                    case "direction" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is "asc" or "desc":
                        direction = property.Value.GetString() == "desc" ? SortDirection.Descending : SortDirection.Ascending;
                        break;
                    default:
                        ok = false;
                        break;
                }
            }

            if (!ok || string.IsNullOrEmpty(field))
            {
                issues.Add(ExchangeIssues.SortItem(path));
            }
            else if (!known.Contains(field))
            {
                issues.Add(ExchangeIssues.UnknownField(path + ".field", field));
            }
            else if (sort.Any(s => s.Field == field))
            {
                issues.Add(ExchangeIssues.FieldRepeated(path + ".field", field));
            }
            else
            {
                sort.Add(new SortKey(field, direction));
            }
        }
    }
}
