using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// What makes a field list (a resource's schema) acceptable, and the reading of written fields into it. Every
/// problem of every field is reported at once, each against its path (<c>fields[1].masking.first</c>).
/// </summary>
public static partial class SchemaRules
{
    public const int MaxFields = 500;
    public const int MaxLabelLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxPatternLength = 1000;
    public const int MaxCodes = 10_000;
    public const int MaxLength = 1_000_000;
    public const int MaxPrecision = 38;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldName();

    /// <summary>
    /// Reads written fields. Returns the fields when there is no issue; <paramref name="issues"/> receives every
    /// problem (references to other resources are checked separately, see <see cref="CheckReferences"/>).
    /// </summary>
    public static IReadOnlyList<ResourceField>? ReadFields(IReadOnlyList<FieldDraft>? drafts, ValueParsingOptions options, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issues);
        var before = issues.Count;
        if (drafts is null || drafts.Count == 0)
        {
            issues.Add(CatalogIssues.FieldsRequired());
            return null;
        }

        if (drafts.Count > MaxFields)
        {
            issues.Add(CatalogIssues.FieldsTooMany(MaxFields, drafts.Count));
            return null;
        }

        var fields = new List<ResourceField>(drafts.Count);
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < drafts.Count; i++)
        {
            var path = $"fields[{i}]";
            var draft = drafts[i] ?? new FieldDraft();
            var field = ReadField(draft, path, options, issues);
            var name = draft.Name?.Trim() ?? "";

            // Names differing only in case would collide in case-insensitive tools (spreadsheets, some databases).
            if (name.Length > 0 && !names.TryAdd(name, i))
            {
                issues.Add(CatalogIssues.FieldNameRepeated(path + ".name", name, names[name]));
            }

            var label = draft.Label?.Trim() ?? "";
            if (label.Length > 0 && !labels.TryAdd(label, i))
            {
                issues.Add(CatalogIssues.FieldLabelRepeated(path + ".label", label, labels[label]));
            }

            if (field is not null)
            {
                fields.Add(field);
            }
        }

        if (issues.Count == before && !fields.Any(f => f.Key))
        {
            issues.Add(CatalogIssues.KeyMissing());
        }

        return issues.Count == before ? fields : null;
    }

    /// <summary>
    /// Checks each reference against the resources it names: <paramref name="lookup"/> gives the current fields of a
    /// resource, or null when there is none. A reference may name the resource being written (<paramref name="self"/>),
    /// whose fields are <paramref name="fields"/>.
    /// </summary>
    public static void CheckReferences(
        IReadOnlyList<ResourceField> fields, ResourceCode? self, Func<ResourceCode, IReadOnlyList<ResourceField>?> lookup, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(issues);
        for (var i = 0; i < fields.Count; i++)
        {
            for (var r = 0; r < fields[i].References.Count; r++)
            {
                var reference = fields[i].References[r];
                var path = $"fields[{i}].references[{r}]";
                var target = self is { } s && s == reference.Resource ? fields : lookup(reference.Resource);
                if (target is null)
                {
                    issues.Add(CatalogIssues.ReferenceUnknownResource(path + ".resource", reference.Resource.Value));
                    continue;
                }

                var other = target.FirstOrDefault(f => f.Name == reference.Field);
                if (other is null)
                {
                    issues.Add(CatalogIssues.ReferenceUnknownField(path + ".field", reference.Resource.Value, reference.Field));
                }
                else if (other.Type != fields[i].Type)
                {
                    issues.Add(CatalogIssues.ReferenceType(path + ".field", reference.Resource.Value, reference.Field, fields[i].Type, other.Type));
                }
            }
        }
    }

    /// <summary>
    /// A pattern anchored at both ends, matched in linear time by .NET's non-backtracking engine where it supports the
    /// pattern (no backreferences or lookarounds); only the backtracking engine, needed otherwise, is bounded by
    /// <paramref name="backtrackingTimeout"/>. Null when the pattern is invalid.
    /// </summary>
    /// <remarks>
    /// A match timeout is wall-clock time: a garbage collection, a busy machine or the first, just-in-time compiled
    /// match of a new process can pass it on a value the engine would answer at once, and the value is then refused as
    /// if it did not match. A linear-time match over a value of bounded length needs no such bound, so it gets none.
    /// </remarks>
    public static Regex? CompilePattern(string pattern, TimeSpan backtrackingTimeout) => CompilePattern(pattern, backtrackingTimeout, out _);

    private static Regex? CompilePattern(string pattern, TimeSpan backtrackingTimeout, out string? error)
    {
        error = null;
        var anchored = $@"\A(?:{pattern})\z";
        try
        {
            return new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences and lookarounds need the backtracking engine; the timeout bounds it.
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }

        try
        {
            return new Regex(anchored, RegexOptions.CultureInvariant, backtrackingTimeout);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static ResourceField? ReadField(FieldDraft draft, string path, ValueParsingOptions options, List<Issue> issues)
    {
        var before = issues.Count;
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            issues.Add(CatalogIssues.Required(path + ".name"));
        }
        else if (!FieldName().IsMatch(name))
        {
            issues.Add(CatalogIssues.FieldNameFormat(path + ".name", name));
        }

        var label = ResourceRules.Text(draft.Label, path + ".label", MaxLabelLength, required: true, multiline: false, issues);
        var description = ResourceRules.Text(draft.Description, path + ".description", MaxDescriptionLength, required: false, multiline: true, issues);

        FieldType type = default;
        var typeKnown = false;
        if (string.IsNullOrWhiteSpace(draft.Type))
        {
            issues.Add(CatalogIssues.Required(path + ".type"));
        }
        else if (FieldTypes.TryParse(draft.Type, out type))
        {
            typeKnown = true;
        }
        else
        {
            issues.Add(CatalogIssues.Unknown(path + ".type", draft.Type.Trim(), "string, integer, decimal, boolean, date, datetime"));
        }

        if (typeKnown && type != FieldType.Decimal)
        {
            if (draft.Precision is not null)
            {
                issues.Add(CatalogIssues.PrecisionNotDecimal(path + ".precision"));
            }

            if (draft.Scale is not null)
            {
                issues.Add(CatalogIssues.PrecisionNotDecimal(path + ".scale"));
            }
        }
        else if (typeKnown)
        {
            if (draft.Precision is { } p && p is < 1 or > MaxPrecision)
            {
                issues.Add(CatalogIssues.Precision(path + ".precision"));
            }

            if (draft.Scale is { } s && (s < 0 || s > (draft.Precision ?? MaxPrecision)))
            {
                issues.Add(CatalogIssues.Scale(path + ".scale", draft.Precision ?? MaxPrecision));
            }
        }

        var key = draft.Key ?? false;
        var required = draft.Required ?? key;
        if (key && !required)
        {
            issues.Add(CatalogIssues.KeyNotRequired(path + ".key"));
        }

        if (key && typeKnown && type is FieldType.Decimal or FieldType.Boolean or FieldType.DateTime)
        {
            issues.Add(CatalogIssues.KeyType(path + ".key", type));
        }

        var classification = DataClassification.General;
        if (string.IsNullOrWhiteSpace(draft.Classification))
        {
            issues.Add(CatalogIssues.Required(path + ".classification"));
        }
        else if (!CatalogTerms.TryParse(draft.Classification, out classification))
        {
            issues.Add(CatalogIssues.Unknown(path + ".classification", draft.Classification.Trim(), "General, Important, Core (一般, 重要, 核心)"));
        }

        var personal = PersonalInfoKind.None;
        if (string.IsNullOrWhiteSpace(draft.PersonalInfo))
        {
            issues.Add(CatalogIssues.Required(path + ".personalInfo"));
        }
        else if (!CatalogTerms.TryParse(draft.PersonalInfo, out personal))
        {
            issues.Add(CatalogIssues.Unknown(path + ".personalInfo", draft.PersonalInfo.Trim(), "None, Personal, Sensitive (非个人信息, 个人信息, 敏感个人信息)"));
        }

        var onInvalid = InvalidValueAction.Reject;
        if (!string.IsNullOrWhiteSpace(draft.OnInvalid))
        {
            var text = draft.OnInvalid.Trim();
            if (!Enum.TryParse(text, ignoreCase: true, out onInvalid) || !Enum.IsDefined(onInvalid) || char.IsAsciiDigit(text[0]))
            {
                issues.Add(CatalogIssues.Unknown(path + ".onInvalid", text, "Reject, Warn"));
            }
        }

        var validators = ReadValidators(draft.Validators, path, typeKnown ? type : null, draft.Precision, draft.Scale, options, issues);
        var masking = ReadMasking(draft.Masking, path + ".masking", typeKnown ? type : null, issues);
        if (personal == PersonalInfoKind.Sensitive && masking?.Kind == MaskingKind.None)
        {
            issues.Add(CatalogIssues.SensitiveUnmasked(path + ".masking"));
        }

        var references = ReadReferences(draft.References, path, issues);
        if (issues.Count > before)
        {
            return null;
        }

        return new ResourceField(
            name, label!, description, type, draft.Precision, draft.Scale, required, key, draft.Unique ?? false, classification, personal,
            validators, onInvalid, masking!, references);
    }

    private static List<FieldValidator> ReadValidators(
        IReadOnlyList<ValidatorDraft>? drafts, string fieldPath, FieldType? type, int? precision, int? scale, ValueParsingOptions options, List<Issue> issues)
    {
        var validators = new List<FieldValidator>();
        if (drafts is null)
        {
            return validators;
        }

        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i] ?? new ValidatorDraft();
            var path = $"{fieldPath}.validators[{i}]";
            var kind = FieldValidator.Kinds.FirstOrDefault(k => string.Equals(k, draft.Kind?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (string.IsNullOrWhiteSpace(draft.Kind))
            {
                issues.Add(CatalogIssues.Required(path + ".kind"));
                continue;
            }

            if (kind is null)
            {
                issues.Add(CatalogIssues.ValidatorUnknown(path + ".kind", draft.Kind.Trim()));
                continue;
            }

            if (!kinds.Add(kind))
            {
                issues.Add(CatalogIssues.ValidatorRepeated(path + ".kind", kind));
                continue;
            }

            var validator = ReadValidator(kind, draft, path, type, precision, scale, options, issues);
            if (validator is null)
            {
                continue;
            }

            if (type is { } t && !validator.AppliesTo.Contains(t))
            {
                issues.Add(CatalogIssues.ValidatorType(path + ".kind", kind, t));
                continue;
            }

            validators.Add(validator);
        }

        return validators;
    }

    private static FieldValidator? ReadValidator(
        string kind, ValidatorDraft draft, string path, FieldType? type, int? precision, int? scale, ValueParsingOptions options, List<Issue> issues)
    {
        var before = issues.Count;
        Unused(draft.Pattern is not null && kind != RegexValidator.Name, "pattern");
        Unused(draft.Codes is not null && kind != CodeListValidator.Name, "codes");
        Unused(draft.Source is not null && kind != CodeListValidator.Name, "source");
        Unused((draft.Min is not null || draft.Max is not null) && kind is not (LengthValidator.Name or RangeValidator.Name), "min/max");
        FieldValidator? validator = null;
        switch (kind)
        {
            case LengthValidator.Name:
                var min = LengthBound(draft.Min, path + ".min", issues);
                var max = LengthBound(draft.Max, path + ".max", issues);
                if (draft.Min is null && draft.Max is null)
                {
                    issues.Add(CatalogIssues.BoundsMissing(path, kind));
                }
                else if (min is { } lo && max is { } hi && lo > hi)
                {
                    issues.Add(CatalogIssues.BoundsReversed(path));
                }

                validator = new LengthValidator(min, max);
                break;
            case RegexValidator.Name:
                if (string.IsNullOrEmpty(draft.Pattern))
                {
                    issues.Add(CatalogIssues.Required(path + ".pattern"));
                }
                else if (draft.Pattern.Length > MaxPatternLength)
                {
                    issues.Add(CatalogIssues.TooLong(path + ".pattern", MaxPatternLength, draft.Pattern.Length));
                }
                else if (CompilePattern(draft.Pattern, CompiledSchema.PatternTimeout, out var error) is null)
                {
                    issues.Add(CatalogIssues.PatternInvalid(path + ".pattern", error ?? "invalid"));
                }

                validator = new RegexValidator(draft.Pattern ?? "");
                break;
            case CodeListValidator.Name:
                validator = ReadCodes(draft, path, type, issues);
                break;
            case RangeValidator.Name:
                validator = ReadRange(draft, path, type, precision, scale, options, issues);
                break;
            case ResidentIdValidator.Name:
                validator = new ResidentIdValidator();
                break;
            case CreditCodeValidator.Name:
                validator = new CreditCodeValidator();
                break;
            case MobileValidator.Name:
                validator = new MobileValidator();
                break;
            case EmailValidator.Name:
                validator = new EmailValidator();
                break;
        }

        return issues.Count > before ? null : validator;

        void Unused(bool present, string parameter)
        {
            if (present)
            {
                issues.Add(CatalogIssues.ValidatorParameterUnused(path, parameter, kind));
            }
        }
    }

    private static int? LengthBound(JsonElement? element, string path, List<Issue> issues)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var ok = e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetInt32(out var n) ? n : (int?)null,
            JsonValueKind.String => int.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            _ => null,
        };
        if (ok is not { } value || value < 0 || value > MaxLength)
        {
            issues.Add(CatalogIssues.LengthBound(path));
            return null;
        }

        return value;
    }

    private static CodeListValidator? ReadCodes(ValidatorDraft draft, string path, FieldType? type, List<Issue> issues)
    {
        if (draft.Codes is null || draft.Codes.Count == 0)
        {
            issues.Add(CatalogIssues.CodesEmpty(path + ".codes"));
            return null;
        }

        if (draft.Codes.Count > MaxCodes)
        {
            issues.Add(CatalogIssues.CodesTooMany(path + ".codes", MaxCodes));
            return null;
        }

        var entries = new List<CodeListEntry>(draft.Codes.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < draft.Codes.Count; i++)
        {
            var element = draft.Codes[i];
            var entryPath = $"{path}.codes[{i}]";
            string? code = null;
            string? label = null;
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    code = element.GetString();
                    break;
                case JsonValueKind.Number:
                    code = element.GetRawText();
                    break;
                case JsonValueKind.Object:
                    if (element.TryGetProperty("code", out var c) && c.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        code = c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText();
                    }

                    if (element.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String)
                    {
                        label = l.GetString()?.Trim();
                    }

                    break;
            }

            code = code?.Trim();
            if (string.IsNullOrEmpty(code))
            {
                issues.Add(CatalogIssues.CodeEntry(entryPath));
                continue;
            }

            if (type == FieldType.Integer)
            {
                if (!long.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    issues.Add(CatalogIssues.CodeNotInteger(entryPath, code));
                    continue;
                }

                code = n.ToString(CultureInfo.InvariantCulture);
            }

            if (!seen.Add(code))
            {
                issues.Add(CatalogIssues.CodeRepeated(entryPath, code));
                continue;
            }

            entries.Add(new CodeListEntry(code, string.IsNullOrEmpty(label) ? null : label));
        }

        return new CodeListValidator(entries, string.IsNullOrWhiteSpace(draft.Source) ? null : draft.Source.Trim());
    }

    private static RangeValidator? ReadRange(ValidatorDraft draft, string path, FieldType? type, int? precision, int? scale, ValueParsingOptions options, List<Issue> issues)
    {
        var before = issues.Count;
        string? Bound(JsonElement? element, string boundPath, out TypedValue? parsed)
        {
            parsed = null;
            if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var text = e.ValueKind switch
            {
                JsonValueKind.String => e.GetString()?.Trim(),
                JsonValueKind.Number => e.GetRawText(),
                _ => null,
            };
            if (string.IsNullOrEmpty(text))
            {
                issues.Add(CatalogIssues.RangeBound(boundPath, e.GetRawText(), type ?? FieldType.String, "must be a number or a string"));
                return null;
            }

            if (type is { } t && t is not (FieldType.String or FieldType.Boolean))
            {
                var value = FieldValueParser.FromText("range", t, precision, scale, text, options);
                if (value.Issue is { } problem)
                {
                    issues.Add(CatalogIssues.RangeBound(boundPath, text, t, problem.Reason));
                    return null;
                }

                parsed = value.Value;
                return value.Value!.Text;
            }

            return text;
        }

        var min = Bound(draft.Min, path + ".min", out var low);
        var max = Bound(draft.Max, path + ".max", out var high);
        if (draft.Min is null && draft.Max is null)
        {
            issues.Add(CatalogIssues.BoundsMissing(path, RangeValidator.Name));
        }
        else if (low is not null && high is not null && low.CompareTo(high) > 0)
        {
            issues.Add(CatalogIssues.BoundsReversed(path));
        }

        return issues.Count > before ? null : new RangeValidator(min, max);
    }

    private static MaskingRule? ReadMasking(MaskingDraft? draft, string path, FieldType? type, List<Issue> issues)
    {
        if (draft is null || string.IsNullOrWhiteSpace(draft.Rule))
        {
            return MaskingRule.None;
        }

        if (!Enum.TryParse<MaskingKind>(draft.Rule.Trim(), ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || char.IsAsciiDigit(draft.Rule.Trim()[0]))
        {
            issues.Add(CatalogIssues.Unknown(path + ".rule", draft.Rule.Trim(), string.Join(", ", Enum.GetNames<MaskingKind>())));
            return null;
        }

        var before = issues.Count;
        if (type is { } t && MaskingRule.TypesFor(kind) is { } types && !types.Contains(t))
        {
            issues.Add(CatalogIssues.MaskingType(path + ".rule", kind, t));
        }

        var rule = kind switch
        {
            MaskingKind.KeepFirstLast => KeepFirstLast(draft, path, issues),
            MaskingKind.NumberRange => NumberRange(draft, path, issues),
            MaskingKind.RegionTruncate => RegionTruncate(draft, path, issues),
            _ => new MaskingRule(kind),
        };
        return issues.Count > before ? null : rule;
    }

    private static MaskingRule? KeepFirstLast(MaskingDraft draft, string path, List<Issue> issues)
    {
        if (draft.First is null)
        {
            issues.Add(CatalogIssues.MaskingParameter(path + ".first", "first", nameof(MaskingKind.KeepFirstLast)));
        }

        if (draft.Last is null)
        {
            issues.Add(CatalogIssues.MaskingParameter(path + ".last", "last", nameof(MaskingKind.KeepFirstLast)));
        }

        if (draft.First is { } f && f is < 0 or > 100)
        {
            issues.Add(CatalogIssues.MaskingParameterRange(path + ".first", "first", "0–100"));
        }

        if (draft.Last is { } l && l is < 0 or > 100)
        {
            issues.Add(CatalogIssues.MaskingParameterRange(path + ".last", "last", "0–100"));
        }

        return draft.First is { } first && draft.Last is { } last ? MaskingRule.KeepFirstLastOf(first, last) : null;
    }

    private static MaskingRule? NumberRange(MaskingDraft draft, string path, List<Issue> issues)
    {
        if (draft.Step is not { } step)
        {
            issues.Add(CatalogIssues.MaskingParameter(path + ".step", "step", nameof(MaskingKind.NumberRange)));
            return null;
        }

        if (step <= 0)
        {
            issues.Add(CatalogIssues.MaskingParameterRange(path + ".step", "step", "greater than 0"));
            return null;
        }

        return MaskingRule.NumberRangeOf(step);
    }

    private static MaskingRule? RegionTruncate(MaskingDraft draft, string path, List<Issue> issues)
    {
        if (string.IsNullOrWhiteSpace(draft.Level))
        {
            issues.Add(CatalogIssues.MaskingParameter(path + ".level", "level", nameof(MaskingKind.RegionTruncate)));
            return null;
        }

        var level = draft.Level.Trim() switch
        {
            "省" or "省级" => RegionLevel.Province,
            "市" or "地市级" or "市级" => RegionLevel.City,
            "县" or "县级" => RegionLevel.County,
            "乡镇" or "乡镇级" => RegionLevel.Town,
            var t when Enum.TryParse<RegionLevel>(t, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(t[0]) => parsed,
            _ => (RegionLevel?)null,
        };
        if (level is null)
        {
            issues.Add(CatalogIssues.Unknown(path + ".level", draft.Level.Trim(), "Province, City, County, Town"));
            return null;
        }

        return MaskingRule.RegionTruncateTo(level.Value);
    }

    private static List<FieldReference> ReadReferences(IReadOnlyList<ReferenceDraft>? drafts, string fieldPath, List<Issue> issues)
    {
        var references = new List<FieldReference>();
        if (drafts is null)
        {
            return references;
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i] ?? new ReferenceDraft();
            var path = $"{fieldPath}.references[{i}]";
            var error = ResourceCode.TryParse(draft.Resource, out var code);
            if (error != ResourceCodeError.None)
            {
                issues.Add(CatalogIssues.Code(error, path + ".resource"));
            }

            var field = draft.Field?.Trim() ?? "";
            if (field.Length == 0)
            {
                issues.Add(CatalogIssues.Required(path + ".field"));
            }
            else if (!FieldName().IsMatch(field))
            {
                issues.Add(CatalogIssues.FieldNameFormat(path + ".field", field));
            }

            if (error == ResourceCodeError.None && field.Length > 0)
            {
                references.Add(new FieldReference(code, field));
            }
        }

        return references;
    }
}
