using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Storage.Sharing;

/// <summary>
/// The stored (jsonb) forms of sharing terms, masking overrides and review steps. Row scopes are written with
/// <see cref="RowFilterJson"/> and read back against the field definitions stored beside them (scope_fields), so a
/// scope keeps its typed values even after the resource's schema changed.
/// </summary>
public static class SharingJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Stored bounds are canonical already (UTC instants); no birth dates are checked when reading them back.
    private static readonly ValueParsingOptions Stored = new(TimeSpan.Zero, DateOnly.MaxValue);

    public static string WriteTerms(SharingTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("fields");
            foreach (var field in terms.Fields)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            if (terms.RowScope is { } scope)
            {
                writer.WritePropertyName("rowScope");
                RowFilterJson.Write(writer, scope);
            }

            writer.WriteString("validFrom", terms.ValidFrom.ToUniversalTime());
            writer.WriteString("validTo", terms.ValidTo.ToUniversalTime());
            if (terms.DailyQuota is { } quota)
            {
                writer.WriteNumber("dailyQuota", quota);
            }

            writer.WriteString("mode", terms.Mode.ToString());
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static SharingTerms ReadTerms(string json, IReadOnlyList<ResourceField> scopeFields)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var fields = root.GetProperty("fields").EnumerateArray().Select(e => e.GetString()!).ToList();
        var scope = root.TryGetProperty("rowScope", out var s) && s.ValueKind == JsonValueKind.Object ? ReadScope(s, scopeFields) : null;
        return new SharingTerms(
            fields,
            scope,
            root.GetProperty("validFrom").GetDateTimeOffset(),
            root.GetProperty("validTo").GetDateTimeOffset(),
            root.TryGetProperty("dailyQuota", out var q) && q.ValueKind == JsonValueKind.Number ? q.GetInt32() : null,
            Enum.Parse<GrantMode>(root.GetProperty("mode").GetString()!));
    }

    public static string? WriteScope(RowPredicate? scope) => scope is null ? null : RowFilterJson.Write(scope);

    public static RowPredicate? ReadScope(string? json, IReadOnlyList<ResourceField> scopeFields)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return ReadScope(document.RootElement, scopeFields);
    }

    private static RowPredicate ReadScope(JsonElement json, IReadOnlyList<ResourceField> scopeFields)
    {
        var read = RowFilterJson.Read(json, scopeFields, Stored, "rowScope");
        return read.Value ?? throw new InvalidOperationException("A stored row scope does not read back: " + string.Join("; ", read.Failure!.Issues));
    }

    /// <summary>
    /// The schema the scopes were typed against (the resource's fields when written), so they read back with their types;
    /// "[]" when there is no scope. The whole field list is kept because a stored schema must satisfy the schema rules.
    /// </summary>
    public static string WriteScopeFields(IReadOnlyList<ResourceField> resourceFields, params RowPredicate?[] scopes) =>
        scopes.Any(s => s is not null) ? SchemaJson.WriteFields(resourceFields) : "[]";

    /// <summary>
    /// As <see cref="WriteScopeFields"/>, keeping the definitions of fields the schema has dropped since
    /// <paramref name="stored"/> was written, so scopes typed against them still read back after a breaking change.
    /// </summary>
    public static string MergeScopeFields(string stored, IReadOnlyList<ResourceField> resourceFields, params RowPredicate?[] scopes)
    {
        ArgumentNullException.ThrowIfNull(resourceFields);
        if (!scopes.Any(s => s is not null))
        {
            return "[]";
        }

        var current = resourceFields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var dropped = ReadScopeFields(stored).Where(f => !current.Contains(f.Name)).Select(f => f with { Key = false, Unique = false, References = [] });
        return SchemaJson.WriteFields([.. resourceFields, .. dropped]);
    }

    public static IReadOnlyList<ResourceField> ReadScopeFields(string json) => json is "[]" or "" ? [] : SchemaJson.ReadFields(json);

    public static string WriteOverrides(IReadOnlyDictionary<string, MaskingRule> overrides) =>
        JsonSerializer.Serialize(overrides.ToDictionary(o => o.Key, o => MaskingDraft.From(o.Value), StringComparer.Ordinal), Json);

    public static IReadOnlyDictionary<string, MaskingRule> ReadOverrides(string json)
    {
        var drafts = JsonSerializer.Deserialize<Dictionary<string, MaskingDraft>>(json, Json) ?? [];
        return drafts.ToDictionary(d => d.Key, d => Rule(d.Value), StringComparer.Ordinal);
    }

    /// <summary>A stored rule (written by <see cref="MaskingDraft.From"/>, so already valid).</summary>
    public static MaskingRule Rule(MaskingDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return new MaskingRule(
            Enum.Parse<MaskingKind>(draft.Rule ?? nameof(MaskingKind.None)), draft.First, draft.Last, draft.Step,
            draft.Level is null ? null : Enum.Parse<RegionLevel>(draft.Level));
    }

    public static string WriteReview(SharingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonSerializer.Serialize(
            new ReviewJson(Step(request.Approval), Step(request.CoApproval), Step(request.Rejection), request.DisputeReason, request.Arbitration?.ToString(), Step(request.Arbitrator)),
            Json);
    }

    public static (ReviewStep? Approval, ReviewStep? CoApproval, ReviewStep? Rejection, string? DisputeReason, ArbitrationResult? Arbitration, ReviewStep? Arbitrator) ReadReview(string json)
    {
        var review = JsonSerializer.Deserialize<ReviewJson>(json, Json) ?? new ReviewJson(null, null, null, null, null, null);
        return (Step(review.Approval), Step(review.CoApproval), Step(review.Rejection), review.DisputeReason,
            review.Arbitration is null ? null : Enum.Parse<ArbitrationResult>(review.Arbitration), Step(review.Arbitrator));
    }

    public static string WriteDetails(object details) => JsonSerializer.Serialize(details, details.GetType(), Json);

    private static StepJson? Step(ReviewStep? step) =>
        step is null ? null : new StepJson(step.UserId, step.Capacity.ToString(), step.At.ToUniversalTime(), step.Reason);

    private static ReviewStep? Step(StepJson? step) =>
        step is null ? null : new ReviewStep(step.UserId, Enum.Parse<ReviewerCapacity>(step.Capacity), step.At, step.Reason);

    private sealed record StepJson(Guid UserId, string Capacity, DateTimeOffset At, string? Reason);

    private sealed record ReviewJson(StepJson? Approval, StepJson? CoApproval, StepJson? Rejection, string? DisputeReason, string? Arbitration, StepJson? Arbitrator);
}
