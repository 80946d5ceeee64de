using System.Text.Json;

namespace Shuqiao.Core.Audit;

public enum FieldChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One field that differs between the before and after snapshots of an admin change.</summary>
public sealed record FieldChange(string Field, string? Before, string? After, FieldChangeKind Kind);

/// <summary>
/// Compares the JSON snapshots of an admin audit event field by field, so a reviewer sees what changed
/// (e.g. <c>roles: DataSteward → DataSteward, Approver</c>) instead of two JSON documents.
/// </summary>
public static class SnapshotDiff
{
    /// <summary>Changed fields in the order of the after snapshot, then removed ones; nested objects as dotted paths.</summary>
    public static IReadOnlyList<FieldChange> Compare(string? beforeJson, string? afterJson)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        var changes = new List<FieldChange>();
        foreach (var (field, value) in after)
        {
            var old = before.Find(b => b.Field == field);
            if (old.Field is null)
            {
                changes.Add(new FieldChange(field, null, value, FieldChangeKind.Added));
            }
            else if (old.Value != value)
            {
                changes.Add(new FieldChange(field, old.Value, value, FieldChangeKind.Changed));
            }
        }

        foreach (var (field, value) in before)
        {
            if (!after.Exists(a => a.Field == field))
            {
                changes.Add(new FieldChange(field, value, null, FieldChangeKind.Removed));
            }
        }

        return changes;
    }

    private static List<(string Field, string? Value)> Flatten(string? json)
    {
        var fields = new List<(string, string?)>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return fields;
        }

        using var document = JsonDocument.Parse(json);
        Flatten(document.RootElement, "", fields);
        return fields;
    }

    private static void Flatten(JsonElement element, string path, List<(string, string?)> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
            }

            return;
        }

        fields.Add((path, Show(element)));
    }

    /// <summary>Strings without quotes, arrays of plain values as a comma list, null as null; anything else as JSON.</summary>
    private static string? Show(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) =>
            string.Join(", ", element.EnumerateArray().Select(e => Show(e) ?? "null")),
        _ => element.GetRawText(),
    };
}
