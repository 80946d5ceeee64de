using Shuqiao.Core.Common;

namespace Shuqiao.Core.Catalog;

/// <summary>One difference between two schema versions, and whether it breaks consumers of the older one.</summary>
public sealed record SchemaDifference(Issue Change, bool Breaking);

/// <summary>The differences between two field lists; <see cref="Kind"/> is Breaking if any difference is.</summary>
public sealed record SchemaComparison(IReadOnlyList<SchemaDifference> Differences)
{
    public bool Unchanged => Differences.Count == 0;

    public SchemaChangeKind Kind => Differences.Any(d => d.Breaking) ? SchemaChangeKind.Breaking : SchemaChangeKind.Additive;

    public IEnumerable<SchemaDifference> BreakingChanges => Differences.Where(d => d.Breaking);
}

/// <summary>
/// Classifies a schema change (信息项变更) between the published version and a new field list.
/// </summary>
/// <remarks>
/// Breaking — a consumer or a producer written against the old version may fail: a field removed; a type changed;
/// decimal precision or scale reduced; an optional field made required, or a new required field; the key changed;
/// a field made unique; a validator added, or tightened (shorter length, narrower range, codes removed, a different
/// pattern); invalid values that used to warn now rejecting. Additive — old consumers keep working: a new optional
/// field; labels, descriptions and field order; loosened or removed checks; and the governance attributes
/// (classification, personal-information kind, default masking, references), which change how values are protected
/// but not the shape of records.
/// </remarks>
public static class SchemaEvolution
{
    private static readonly ValueParsingOptions Canonical = new(TimeSpan.Zero, DateOnly.MaxValue);

    public static SchemaComparison Compare(IReadOnlyList<ResourceField> before, IReadOnlyList<ResourceField> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var differences = new List<SchemaDifference>();
        var old = before.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var current = after.ToDictionary(f => f.Name, StringComparer.Ordinal);

        foreach (var field in before.Where(f => !current.ContainsKey(f.Name)))
        {
            Add(field.Name, "fieldRemoved", true, $"was removed ({field.Label})", field.Label);
        }

        foreach (var field in after)
        {
            if (!old.TryGetValue(field.Name, out var previous))
            {
                if (field.Required)
                {
                    Add(field.Name, "requiredFieldAdded", true, $"is a new required field ({field.Label}); records of the old version lack it", field.Label);
                }
                else
                {
                    Add(field.Name, "fieldAdded", false, $"is a new optional field ({field.Label})", field.Label);
                }

                continue;
            }

            CompareField(previous, field);
        }

        var commonBefore = before.Where(f => current.ContainsKey(f.Name)).Select(f => f.Name);
        var commonAfter = after.Where(f => old.ContainsKey(f.Name)).Select(f => f.Name);
        if (!commonBefore.SequenceEqual(commonAfter, StringComparer.Ordinal))
        {
            Add("fields", "orderChanged", false, "are listed in a different order");
        }

        return new SchemaComparison(differences);

        void Add(string field, string code, bool breaking, string reason, params object[] arguments) =>
            differences.Add(new SchemaDifference(new Issue(field == "fields" ? field : $"fields.{field}", "evolution." + code, reason, arguments), breaking));

        void CompareField(ResourceField a, ResourceField b)
        {
            var name = b.Name;
            if (a.Type != b.Type)
            {
                Add(name, "typeChanged", true, $"changed type from {a.Type} to {b.Type}", a.Type, b.Type);
                return; // the checks below compare values of one type
            }

            if (a.Type == FieldType.Decimal && (a.Precision != b.Precision || a.Scale != b.Scale))
            {
                var narrower = Narrower(a.Precision, b.Precision) || Narrower(a.Scale, b.Scale);
                Add(name, narrower ? "precisionReduced" : "precisionWidened", narrower,
                    $"changed precision and scale from ({Show(a.Precision)},{Show(a.Scale)}) to ({Show(b.Precision)},{Show(b.Scale)})",
                    Show(a.Precision), Show(a.Scale), Show(b.Precision), Show(b.Scale));
            }

            if (a.Key != b.Key)
            {
                Add(name, b.Key ? "keyAdded" : "keyRemoved", true, b.Key ? "became part of the record key" : "is no longer part of the record key");
            }

            if (a.Required != b.Required)
            {
                Add(name, b.Required ? "requiredAdded" : "requiredRemoved", b.Required, b.Required ? "became required" : "is no longer required");
            }

            if (a.Unique != b.Unique)
            {
                Add(name, b.Unique ? "uniqueAdded" : "uniqueRemoved", b.Unique, b.Unique ? "must now be unique" : "no longer has to be unique");
            }

            if (a.OnInvalid != b.OnInvalid)
            {
                var tighter = b.OnInvalid == InvalidValueAction.Reject;
                Add(name, tighter ? "onInvalidTightened" : "onInvalidLoosened", tighter,
                    tighter ? "now rejects records with invalid values instead of warning" : "now warns about invalid values instead of rejecting the record");
            }

            CompareValidators(a, b);

            if (a.Label != b.Label)
            {
                Add(name, "labelChanged", false, $"was relabelled from '{a.Label}' to '{b.Label}'", a.Label, b.Label);
            }

            if (a.Description != b.Description)
            {
                Add(name, "descriptionChanged", false, "has a new description");
            }

            if (a.Classification != b.Classification)
            {
                Add(name, "classificationChanged", false, $"changed classification from {a.Classification} to {b.Classification}", a.Classification, b.Classification);
            }

            if (a.PersonalInfo != b.PersonalInfo)
            {
                Add(name, "personalInfoChanged", false, $"changed personal-information kind from {a.PersonalInfo} to {b.PersonalInfo}", a.PersonalInfo, b.PersonalInfo);
            }

            if (a.Masking != b.Masking)
            {
                Add(name, "maskingChanged", false, $"changed default masking from {a.Masking} to {b.Masking}", a.Masking.ToString(), b.Masking.ToString());
            }

            if (!a.References.SequenceEqual(b.References))
            {
                Add(name, "referencesChanged", false, "refers to other fields than before");
            }
        }

        void CompareValidators(ResourceField a, ResourceField b)
        {
            var name = b.Name;
            foreach (var kind in FieldValidator.Kinds)
            {
                var x = a.Validators.FirstOrDefault(v => v.Kind == kind);
                var y = b.Validators.FirstOrDefault(v => v.Kind == kind);
                if (x is null && y is null || Equals(x, y) || (x is CodeListValidator cx && y is CodeListValidator cy && SameCodes(cx, cy)))
                {
                    if (x is CodeListValidator lx && y is CodeListValidator ly && !lx.Codes.SequenceEqual(ly.Codes))
                    {
                        Add(name, "codeLabelsChanged", false, "has new labels or order for its codes");
                    }

                    continue;
                }

                if (x is null)
                {
                    Add(name, "validatorAdded", true, $"gained the check {kind}", kind);
                    continue;
                }

                if (y is null)
                {
                    Add(name, "validatorRemoved", false, $"lost the check {kind}", kind);
                    continue;
                }

                switch (x, y)
                {
                    case (LengthValidator l1, LengthValidator l2):
                        var tighter = Raised(l1.Min, l2.Min) || Lowered(l1.Max, l2.Max);
                        Add(name, tighter ? "lengthTightened" : "lengthLoosened", tighter,
                            $"changed its length bounds from {Bounds(l1.Min, l1.Max)} to {Bounds(l2.Min, l2.Max)}", Bounds(l1.Min, l1.Max), Bounds(l2.Min, l2.Max));
                        break;
                    case (RangeValidator r1, RangeValidator r2):
                        var narrower = RangeNarrower(a.Type, r1.Min, r2.Min, lower: true) || RangeNarrower(a.Type, r1.Max, r2.Max, lower: false);
                        Add(name, narrower ? "rangeTightened" : "rangeLoosened", narrower,
                            $"changed its range from {Bounds(r1.Min, r1.Max)} to {Bounds(r2.Min, r2.Max)}", Bounds(r1.Min, r1.Max), Bounds(r2.Min, r2.Max));
                        break;
                    case (CodeListValidator c1, CodeListValidator c2):
                        var removed = c1.Codes.Select(c => c.Code).Except(c2.Codes.Select(c => c.Code), StringComparer.Ordinal).ToList();
                        var added = c2.Codes.Select(c => c.Code).Except(c1.Codes.Select(c => c.Code), StringComparer.Ordinal).ToList();
                        if (removed.Count > 0)
                        {
                            Add(name, "codesRemoved", true, $"no longer accepts the codes {string.Join(", ", removed)}", string.Join(", ", removed));
                        }

                        if (added.Count > 0)
                        {
                            Add(name, "codesAdded", false, $"accepts the new codes {string.Join(", ", added)}", string.Join(", ", added));
                        }

                        if (removed.Count == 0 && added.Count == 0)
                        {
                            Add(name, "codeLabelsChanged", false, "has a new code list source");
                        }

                        break;
                    case (RegexValidator, RegexValidator r2):
                        // Whether one pattern accepts a superset of another is not decidable in general: any change breaks.
                        Add(name, "patternChanged", true, $"must now match the pattern {r2.Pattern}", r2.Pattern);
                        break;
                }
            }
        }
    }

    private static bool SameCodes(CodeListValidator a, CodeListValidator b) =>
        a.Source == b.Source && a.Codes.Select(c => c.Code).ToHashSet(StringComparer.Ordinal).SetEquals(b.Codes.Select(c => c.Code));

    private static bool Narrower(int? before, int? after) => after is { } b && (before is not { } a || b < a);

    private static bool Raised(int? before, int? after) => after is { } b && (before is not { } a || b > a);

    private static bool Lowered(int? before, int? after) => after is { } b && (before is not { } a || b < a);

    private static bool RangeNarrower(FieldType type, string? before, string? after, bool lower)
    {
        if (after is null)
        {
            return false;
        }

        if (before is null)
        {
            return true;
        }

        var a = FieldValueParser.FromText("range", type, null, null, before, Canonical).Value;
        var b = FieldValueParser.FromText("range", type, null, null, after, Canonical).Value;
        if (a is null || b is null)
        {
            return true;
        }

        var order = b.CompareTo(a);
        return lower ? order > 0 : order < 0;
    }

    private static string Bounds(object? min, object? max) => $"[{min?.ToString() ?? "…"}, {max?.ToString() ?? "…"}]";

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
