using System.Text.Json;
using System.Text.RegularExpressions;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// One problem with a value and what it does: <see cref="InvalidValueAction.Reject"/> refuses the record (and, as
/// batches are all-or-nothing, the batch); <see cref="InvalidValueAction.Warn"/> keeps the record and reports a
/// quality finding.
/// </summary>
public sealed record ValueFinding(Issue Issue, InvalidValueAction Action);

/// <summary>One value checked: the value to store (normalized when a format check passed) and its findings.</summary>
public sealed record ValueCheck(TypedValue? Value, IReadOnlyList<ValueFinding> Findings)
{
    public bool Rejected => Findings.Any(f => f.Action == InvalidValueAction.Reject);
}

/// <summary>A record checked against a schema: its values by field name (absent fields left out), findings and key.</summary>
public sealed record RecordCheck(IReadOnlyDictionary<string, TypedValue> Values, IReadOnlyList<ValueFinding> Findings, IReadOnlyList<string> KeyParts)
{
    public bool Rejected => Findings.Any(f => f.Action == InvalidValueAction.Reject);

    /// <summary>The record as stored: a JSON object of the present values in schema order.</summary>
    public string ToJson(IReadOnlyList<ResourceField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var buffer = new MemoryStream();
        // Non-ASCII characters unescaped: jsonb stores characters, and the payload is never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var field in fields)
            {
                if (Values.TryGetValue(field.Name, out var value))
                {
                    writer.WritePropertyName(field.Name);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>
/// A schema prepared for checking many records: patterns compiled, range bounds and code lists parsed once. Built
/// from fields that passed <see cref="SchemaRules"/>; the Ingestion capability checks every uploaded record with it.
/// </summary>
/// <remarks>
/// Rules, in order, for each field: a value that is not of the field's type always rejects the record (it could not
/// be stored typed); a missing key value always rejects it (a record is found by its key); a missing required value
/// and every failed validator follow the field's <see cref="ResourceField.OnInvalid"/>, so a legacy system's bad
/// check digits can be configured to be findings rather than refusals. A format check that passes stores the value
/// in its normalized form (e.g. <c>x</c> → <c>X</c> in an ID number).
/// </remarks>
public sealed class CompiledSchema
{
    /// <summary>
    /// Longest a pattern that needs the backtracking engine (backreferences, lookarounds) may run on one value before it
    /// is treated as not matching. Linear-time patterns have no timeout (<see cref="SchemaRules.CompilePattern"/>).
    /// </summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, CompiledField> _fields;

    private CompiledSchema(IReadOnlyList<ResourceField> fields, ValueParsingOptions options)
    {
        Fields = fields;
        Options = options;
        _fields = fields.ToDictionary(f => f.Name, f => new CompiledField(f, options), StringComparer.Ordinal);
    }

    public IReadOnlyList<ResourceField> Fields { get; }

    public ValueParsingOptions Options { get; }

    /// <summary>Compiles fields that passed <see cref="SchemaRules.CheckFields"/> (invalid fields throw).</summary>
    public static CompiledSchema Compile(IReadOnlyList<ResourceField> fields, ValueParsingOptions options)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(options);
        return new CompiledSchema(fields, options);
    }

    /// <summary>Checks one text value (a CSV cell) of a field.</summary>
    public ValueCheck CheckText(string field, string? text)
    {
        var compiled = Require(field);
        return compiled.Check(FieldValueParser.FromText(field, compiled.Field.Type, compiled.Field.Precision, compiled.Field.Scale, text, Options));
    }

    /// <summary>Checks one JSON value of a field.</summary>
    public ValueCheck CheckJson(string field, JsonElement value)
    {
        var compiled = Require(field);
        return compiled.Check(FieldValueParser.FromJson(field, compiled.Field.Type, compiled.Field.Precision, compiled.Field.Scale, value, Options));
    }

    /// <summary>Checks a CSV row given as column name → cell; an unknown column rejects the record.</summary>
    public RecordCheck CheckRow(IReadOnlyDictionary<string, string?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var findings = new List<ValueFinding>();
        foreach (var name in row.Keys.Where(k => !_fields.ContainsKey(k)))
        {
            findings.Add(new ValueFinding(CatalogIssues.RecordUnknownField(name), InvalidValueAction.Reject));
        }

        return Assemble(findings, name => CheckText(name, row.GetValueOrDefault(name)));
    }

    /// <summary>Checks a JSON record (an object of field name → value); unknown or repeated properties reject it.</summary>
    public RecordCheck CheckJsonRecord(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return new RecordCheck(new Dictionary<string, TypedValue>(), [new ValueFinding(CatalogIssues.RecordNotObject(FieldValueParser.JsonKind(record.ValueKind)), InvalidValueAction.Reject)], []);
        }

        var findings = new List<ValueFinding>();
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in record.EnumerateObject())
        {
            if (!_fields.ContainsKey(property.Name))
            {
                findings.Add(new ValueFinding(CatalogIssues.RecordUnknownField(property.Name), InvalidValueAction.Reject));
            }
            else if (!properties.TryAdd(property.Name, property.Value))
            {
                findings.Add(new ValueFinding(CatalogIssues.RecordRepeatedField(property.Name), InvalidValueAction.Reject));
            }
        }

        return Assemble(findings, name => properties.TryGetValue(name, out var value) ? CheckJson(name, value) : Require(name).Check(ParsedValue.Missing));
    }

    private RecordCheck Assemble(List<ValueFinding> findings, Func<string, ValueCheck> check)
    {
        var values = new Dictionary<string, TypedValue>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            var result = check(field.Name);
            findings.AddRange(result.Findings);
            if (result.Value is not null)
            {
                values[field.Name] = result.Value;
            }
        }

        var key = Fields.Where(f => f.Key).Select(f => values.TryGetValue(f.Name, out var v) ? v.Text : "").ToList();
        return new RecordCheck(values, findings, key);
    }

    private CompiledField Require(string field) =>
        _fields.TryGetValue(field, out var compiled) ? compiled : throw new ArgumentException($"'{field}' is not a field of this schema.", nameof(field));

    private sealed class CompiledField
    {
        private readonly List<Func<TypedValue, (TypedValue? Normalized, Issue? Issue)>> _checks = [];

        public CompiledField(ResourceField field, ValueParsingOptions options)
        {
            Field = field;
            foreach (var validator in field.Validators)
            {
                _checks.Add(Build(field, validator, options));
            }
        }

        public ResourceField Field { get; }

        public ValueCheck Check(ParsedValue parsed)
        {
            if (parsed.Issue is { } typeIssue)
            {
                return new ValueCheck(null, [new ValueFinding(typeIssue, InvalidValueAction.Reject)]);
            }

            if (parsed.Value is null)
            {
                if (!Field.Required)
                {
                    return new ValueCheck(null, []);
                }

                var action = Field.Key ? InvalidValueAction.Reject : Field.OnInvalid;
                return new ValueCheck(null, [new ValueFinding(CatalogIssues.ValueRequired(Field.Name), action)]);
            }

            var value = parsed.Value;
            var findings = new List<ValueFinding>();
            TypedValue? normalized = null;
            foreach (var check in _checks)
            {
                var (better, issue) = check(value);
                if (issue is not null)
                {
                    findings.Add(new ValueFinding(issue, Field.OnInvalid));
                }
                else if (better is not null)
                {
                    normalized = better;
                }
            }

            // The normalized form is kept only when every check passed: a finding keeps the value as it was sent.
            return new ValueCheck(findings.Count == 0 && normalized is not null ? normalized : value, findings);
        }

        private static Func<TypedValue, (TypedValue?, Issue?)> Build(ResourceField field, FieldValidator validator, ValueParsingOptions options)
        {
            var name = field.Name;
            switch (validator)
            {
                case LengthValidator length:
                    return v =>
                    {
                        var count = CodePoints(v.AsString);
                        if (length.Min is { } min && count < min)
                        {
                            return (null, CatalogIssues.ValueTooShort(name, min, count));
                        }

                        return length.Max is { } max && count > max ? (null, CatalogIssues.ValueTooLong(name, max, count)) : (null, null);
                    };
                case RegexValidator regex:
                    var compiled = SchemaRules.CompilePattern(regex.Pattern, PatternTimeout) ?? throw new ArgumentException($"Field '{name}' has an invalid pattern.", nameof(field));
                    return v =>
                    {
                        try
                        {
                            return compiled.IsMatch(v.AsString) ? (null, null) : (null, CatalogIssues.ValuePattern(name, regex.Pattern));
                        }
                        catch (RegexMatchTimeoutException)
                        {
                            return (null, CatalogIssues.ValuePatternTimeout(name));
                        }
                    };
                case CodeListValidator codes:
                    var set = codes.Codes.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
                    return v => set.Contains(v.Text) ? (null, null) : (null, CatalogIssues.ValueNotInCodeList(name, v.Text));
                case RangeValidator range:
                    var low = Bound(field, range.Min, options);
                    var high = Bound(field, range.Max, options);
                    return v =>
                    {
                        if (low is not null && v.CompareTo(low) < 0)
                        {
                            return (null, CatalogIssues.ValueBelow(name, v.Text, range.Min!));
                        }

                        return high is not null && v.CompareTo(high) > 0 ? (null, CatalogIssues.ValueAbove(name, v.Text, range.Max!)) : (null, null);
                    };
                case ResidentIdValidator:
                    return v =>
                    {
                        var number = ResidentId.Normalize(v.AsString);
                        var check = ResidentId.Check(number, options.Today);
                        return check.IsValid ? (TypedValue.Of(number), null) : (null, CatalogIssues.ValueResidentId(name, check));
                    };
                case CreditCodeValidator:
                    return v =>
                    {
                        var code = CreditCode.Normalize(v.AsString);
                        var check = CreditCode.Check(code);
                        return check.IsValid ? (TypedValue.Of(code), null) : (null, CatalogIssues.ValueCreditCode(name, check));
                    };
                case MobileValidator:
                    return v =>
                    {
                        var number = MobileNumber.Normalize(v.AsString);
                        return MobileNumber.Validate(number) is { } reason ? (null, CatalogIssues.ValueMobile(name, reason)) : (TypedValue.Of(number), null);
                    };
                case EmailValidator:
                    return v =>
                    {
                        var address = EmailAddress.Normalize(v.AsString);
                        return EmailAddress.Validate(address) is { } reason ? (null, CatalogIssues.ValueEmail(name, reason)) : (TypedValue.Of(address), null);
                    };
                default:
                    throw new ArgumentOutOfRangeException(nameof(validator), validator.Kind);
            }
        }

        private static TypedValue? Bound(ResourceField field, string? text, ValueParsingOptions options)
        {
            if (text is null)
            {
                return null;
            }

            var parsed = FieldValueParser.FromText("range", field.Type, null, null, text, options);
            return parsed.Value ?? throw new ArgumentException($"Field '{field.Name}' has an invalid range bound '{text}'.", nameof(field));
        }
    }

    /// <summary>Length as people count characters: Unicode code points, so a character outside the BMP counts once.</summary>
    public static int CodePoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
