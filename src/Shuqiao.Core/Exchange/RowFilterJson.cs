using System.Text;
using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Exchange;

/// <summary>
/// Reads and writes <see cref="RowPredicate"/>s as JSON. Strict: unknown or repeated properties, a condition with
/// two operators, a value not of the field's type (read with the catalog's <see cref="FieldValueParser"/>) are
/// each an issue at their JSON path; every issue is reported at once.
/// </summary>
/// <example>
/// <code>
/// {"all": [
///   {"field": "district", "in": ["350102", "350103"]},
///   {"field": "birthDate", "gte": "1960-01-01", "lt": "1970-01-01"},
///   {"any": [{"field": "gender", "eq": "1"}, {"field": "name", "prefix": "张"}]}
/// ]}
/// </code>
/// </example>
public static class RowFilterJson
{
    public const int MaxDepth = 8;

    public const int MaxConditions = 200;

    public const int MaxInValues = 1000;

    private static readonly string[] RangeOperators = ["gte", "gt", "lte", "lt"];

    private static readonly string[] SingleOperators = ["eq", "in", "prefix"];

    /// <summary>Reads a filter for a resource with <paramref name="fields"/>; issues name paths under <paramref name="path"/>.</summary>
    public static Outcome<RowPredicate> Read(JsonElement json, IReadOnlyList<ResourceField> fields, ValueParsingOptions options, string path = "filter")
    {
        var issues = new List<Issue>();
        var predicate = Read(json, fields, options, path, issues);
        return issues.Count > 0 || predicate is null ? Failure.Invalid(issues) : predicate;
    }

    /// <summary>Reads a filter, adding its issues to <paramref name="issues"/>; null when it has any.</summary>
    public static RowPredicate? Read(JsonElement json, IReadOnlyList<ResourceField> fields, ValueParsingOptions options, string path, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issues);
        var reader = new Reader(fields.ToDictionary(f => f.Name, StringComparer.Ordinal), options, issues);
        var before = issues.Count;
        var predicate = reader.Node(json, path, 1);
        return issues.Count > before ? null : predicate;
    }

    /// <summary>The filter as compact JSON (Chinese text unescaped), in the form <see cref="Read(JsonElement, IReadOnlyList{ResourceField}, ValueParsingOptions, string)"/> reads.</summary>
    public static string Write(RowPredicate predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, predicate);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, RowPredicate predicate)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(predicate);
        writer.WriteStartObject();
        switch (predicate)
        {
            case RowPredicate.AllOf or RowPredicate.AnyOf:
                writer.WriteStartArray(predicate is RowPredicate.AllOf ? "all" : "any");
                foreach (var term in predicate is RowPredicate.AllOf all ? all.Terms : ((RowPredicate.AnyOf)predicate).Terms)
                {
                    Write(writer, term);
                }

                writer.WriteEndArray();
                break;
            case RowPredicate.FieldPredicate condition:
                writer.WriteString("field", condition.Field);
                switch (condition)
                {
                    case RowPredicate.Eq eq:
                        writer.WritePropertyName("eq");
                        eq.Value.WriteTo(writer);
                        break;
                    case RowPredicate.OneOf oneOf:
                        writer.WriteStartArray("in");
                        foreach (var value in oneOf.Values)
                        {
                            value.WriteTo(writer);
                        }

                        writer.WriteEndArray();
                        break;
                    case RowPredicate.Prefix prefix:
                        writer.WriteString("prefix", prefix.Value);
                        break;
                    case RowPredicate.Range range:
                        if (range.Lower is not null)
                        {
                            writer.WritePropertyName(range.LowerInclusive ? "gte" : "gt");
                            range.Lower.WriteTo(writer);
                        }

                        if (range.Upper is not null)
                        {
                            writer.WritePropertyName(range.UpperInclusive ? "lte" : "lt");
                            range.Upper.WriteTo(writer);
                        }

                        break;
                }

                break;
        }

        writer.WriteEndObject();
    }

    private sealed class Reader(Dictionary<string, ResourceField> fields, ValueParsingOptions options, List<Issue> issues)
    {
        private int _conditions;

        public RowPredicate? Node(JsonElement json, string path, int depth)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                issues.Add(ExchangeIssues.NotObject(path, FieldValueParser.JsonKind(json.ValueKind)));
                return null;
            }

            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in json.EnumerateObject())
            {
                if (!properties.TryAdd(property.Name, property.Value))
                {
                    issues.Add(ExchangeIssues.RepeatedProperty(path, property.Name));
                    return null;
                }
            }

            if (properties.Count == 0)
            {
                issues.Add(ExchangeIssues.Empty(path));
                return null;
            }

            if (properties.ContainsKey("all") || properties.ContainsKey("any"))
            {
                return Combination(properties, path, depth);
            }

            if (++_conditions > MaxConditions)
            {
                if (_conditions == MaxConditions + 1)
                {
                    issues.Add(ExchangeIssues.TooLarge(path, MaxConditions));
                }

                return null;
            }

            return Condition(properties, path);
        }

        private RowPredicate? Combination(Dictionary<string, JsonElement> properties, string path, int depth)
        {
            var name = properties.ContainsKey("all") ? "all" : "any";
            var terms = properties[name];
            if (properties.Count != 1 || terms.ValueKind != JsonValueKind.Array || terms.GetArrayLength() == 0)
            {
                issues.Add(ExchangeIssues.Combinator(path));
                return null;
            }

            if (depth >= MaxDepth)
            {
                issues.Add(ExchangeIssues.TooDeep(path, MaxDepth));
                return null;
            }

            var read = new List<RowPredicate>();
            var index = 0;
            foreach (var term in terms.EnumerateArray())
            {
                if (Node(term, $"{path}.{name}[{index++}]", depth + 1) is { } predicate)
                {
                    read.Add(predicate);
                }
            }

            if (read.Count != index)
            {
                return null;
            }

            return name == "all" ? new RowPredicate.AllOf(read) : new RowPredicate.AnyOf(read);
        }

        private RowPredicate? Condition(Dictionary<string, JsonElement> properties, string path)
        {
            var ok = true;
            foreach (var name in properties.Keys.Where(n => n is not ("field" or "eq" or "in" or "prefix" or "gte" or "gt" or "lte" or "lt")))
            {
                issues.Add(ExchangeIssues.UnknownProperty(path, name));
                ok = false;
            }

            if (!properties.TryGetValue("field", out var nameElement) || nameElement.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(nameElement.GetString()))
            {
                issues.Add(ExchangeIssues.FieldRequired(path + ".field"));
                return null;
            }

            var fieldName = nameElement.GetString()!;
            if (!fields.TryGetValue(fieldName, out var field))
            {
                issues.Add(ExchangeIssues.UnknownField(path + ".field", fieldName));
                return null;
            }

            var single = SingleOperators.Count(properties.ContainsKey);
            var ranged = RangeOperators.Count(properties.ContainsKey);
            var lowers = (properties.ContainsKey("gte") ? 1 : 0) + (properties.ContainsKey("gt") ? 1 : 0);
            var uppers = (properties.ContainsKey("lte") ? 1 : 0) + (properties.ContainsKey("lt") ? 1 : 0);
            if ((single == 1) == (ranged > 0) || single > 1 || lowers > 1 || uppers > 1)
            {
                issues.Add(ExchangeIssues.Operators(path));
                return null;
            }

            if (!ok)
            {
                return null;
            }

            if (properties.TryGetValue("eq", out var eq))
            {
                return Value(field, eq, path + ".eq") is { } value ? new RowPredicate.Eq(field.Name, value) : null;
            }

            if (properties.TryGetValue("in", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxInValues)
                {
                    issues.Add(ExchangeIssues.InList(path + ".in", MaxInValues));
                    return null;
                }

                var values = new List<TypedValue>();
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    if (Value(field, item, $"{path}.in[{index++}]") is { } value)
                    {
                        values.Add(value);
                    }
                }

                return values.Count == index ? new RowPredicate.OneOf(field.Name, values) : null;
            }

            if (properties.TryGetValue("prefix", out var prefix))
            {
                if (field.Type != FieldType.String)
                {
                    issues.Add(ExchangeIssues.PrefixType(path + ".prefix", field.Name, field.Type));
                    return null;
                }

                if (prefix.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(prefix.GetString()))
                {
                    issues.Add(ExchangeIssues.PrefixValue(path + ".prefix"));
                    return null;
                }

                return new RowPredicate.Prefix(field.Name, prefix.GetString()!);
            }

            if (field.Type == FieldType.Boolean)
            {
                issues.Add(ExchangeIssues.RangeType(path, field.Name));
                return null;
            }

            var lowerName = properties.ContainsKey("gte") ? "gte" : properties.ContainsKey("gt") ? "gt" : null;
            var upperName = properties.ContainsKey("lte") ? "lte" : properties.ContainsKey("lt") ? "lt" : null;
            var lower = lowerName is null ? null : Value(field, properties[lowerName], path + "." + lowerName);
            var upper = upperName is null ? null : Value(field, properties[upperName], path + "." + upperName);
            if ((lowerName is not null && lower is null) || (upperName is not null && upper is null))
            {
                return null;
            }

            return new RowPredicate.Range(field.Name, lower, lowerName == "gte", upper, upperName == "lte");
        }

        private TypedValue? Value(ResourceField field, JsonElement json, string path)
        {
            if (json.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                issues.Add(CatalogIssues.ValueJsonType(path, field.Type, FieldValueParser.JsonKind(json.ValueKind)));
                return null;
            }

            var parsed = FieldValueParser.FromJson(path, field.Type, field.Precision, field.Scale, json, options);
            if (parsed.Issue is { } issue)
            {
                issues.Add(issue);
                return null;
            }

            if (parsed.Value is null)
            {
                issues.Add(ExchangeIssues.ValueRequired(path));
            }

            return parsed.Value;
        }
    }
}
