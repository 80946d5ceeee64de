using System.Text.Json;
using System.Text.Json.Serialization;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// The stored form of a schema version: its fields exactly as the API writes them (<see cref="FieldDraft"/>), and
/// its change reasons. Reading goes through <see cref="SchemaRules"/>, so a stored schema obeys the same rules as a
/// written one.
/// </summary>
public static class SchemaJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Stored range bounds are already canonical (UTC instants), so the offset does not matter; no birth dates are checked.
    private static readonly ValueParsingOptions Stored = new(TimeSpan.Zero, DateOnly.MaxValue);

    public static string WriteFields(IReadOnlyList<ResourceField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return JsonSerializer.Serialize(fields.Select(FieldDraft.From).ToList(), Json);
    }

    public static IReadOnlyList<ResourceField> ReadFields(string json)
    {
        var drafts = JsonSerializer.Deserialize<List<FieldDraft>>(json, Json);
        var issues = new List<Issue>();
        return SchemaRules.ReadFields(drafts, Stored, issues)
            ?? throw new InvalidOperationException("A stored schema does not satisfy the schema rules: " + string.Join("; ", issues));
    }

    public static string WriteChanges(IReadOnlyList<SchemaDifference> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return JsonSerializer.Serialize(
            changes.Select(c => new StoredChange(c.Change.Field, c.Change.Code, c.Change.Reason, c.Breaking, c.Change.Arguments.Select(a => a.ToString() ?? "").ToList())).ToList(),
            Json);
    }

    public static IReadOnlyList<SchemaDifference> ReadChanges(string json) =>
        (JsonSerializer.Deserialize<List<StoredChange>>(json, Json) ?? [])
            .Select(c => new SchemaDifference(new Issue(c.Field, c.Code, c.Reason, c.Arguments.Cast<object>().ToList()), c.Breaking))
            .ToList();

    private sealed record StoredChange(string Field, string Code, string Reason, bool Breaking, IReadOnlyList<string> Arguments);
}
