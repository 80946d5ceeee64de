using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Privacy;

namespace Shuqiao.Core.Exchange;

/// <summary>A field the plan returns, with the masking rule in force for it.</summary>
public sealed record PlannedField(ResourceField Field, MaskingRule Masking)
{
    public string Name => Field.Name;

    public bool Masked => Masking.Kind != MaskingKind.None;
}

/// <summary>
/// An allowed query: the fields to return (in order, each with its effective masking), the filter to run — the
/// grant's row scope AND the query's filter, so the scope is never widened — the sort, page size and cursor. Storage
/// runs <see cref="Filter"/>, <see cref="Sort"/> (with the record key as tie-breaker) and the page; every returned
/// record goes through <see cref="Project"/>.
/// </summary>
public sealed record QueryPlan(
    Guid GrantId,
    Guid ResourceId,
    IReadOnlyList<PlannedField> Fields,
    RowPredicate? Filter,
    IReadOnlyList<SortKey> Sort,
    int PageSize,
    string? Cursor,
    QueryShape Shape)
{
    /// <summary>The names of the fields returned masked, for the access record.</summary>
    public IReadOnlyList<string> MaskedFields => Fields.Where(f => f.Masked).Select(f => f.Name).ToList();

    /// <summary>Writes one stored record (a JSON object) as the consumer gets it: the planned fields only, masked.</summary>
    public void Project(JsonElement record, MaskingContext context, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var planned in Fields)
        {
            var value = record.ValueKind == JsonValueKind.Object && record.TryGetProperty(planned.Name, out var stored)
                ? Masker.MaskJson(planned.Field, stored, planned.Masking, context)
                : null;
            writer.WritePropertyName(planned.Name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}

/// <summary>Whether one submitted value matched the stored one.</summary>
public enum VerifyOutcome
{
    Match,
    NoMatch,
}

/// <summary>The answer to a verification: per submitted field, match or no match; never a stored value.</summary>
public sealed record VerifyResult(IReadOnlyDictionary<string, VerifyOutcome> Fields)
{
    public bool AllMatch => Fields.Values.All(v => v == VerifyOutcome.Match);
}

/// <summary>
/// An allowed verification (核验): find the record by <see cref="Lookup"/> (its key, within the grant's row scope),
/// then <see cref="Compare"/> the submitted values with it. A missing record gives NoMatch for every field, key
/// fields included, so the answer is the same whether the key or a value is wrong.
/// </summary>
public sealed record VerifyPlan(
    Guid GrantId,
    Guid ResourceId,
    RowPredicate Lookup,
    IReadOnlyDictionary<string, TypedValue> Submitted,
    QueryShape Shape)
{
    /// <summary>Compares with the stored record's values (null when the lookup found none).</summary>
    public VerifyResult Compare(IReadOnlyDictionary<string, TypedValue>? stored)
    {
        var result = new Dictionary<string, VerifyOutcome>(StringComparer.Ordinal);
        foreach (var (name, value) in Submitted)
        {
            var match = stored is not null && stored.TryGetValue(name, out var actual) && actual.Type == value.Type && actual.CompareTo(value) == 0;
            result[name] = match ? VerifyOutcome.Match : VerifyOutcome.NoMatch;
        }

        return new VerifyResult(result);
    }
}
