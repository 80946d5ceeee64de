using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>
/// The resource editor's form: the description and one <see cref="FieldForm"/> per field row. It only translates
/// between form inputs and <see cref="ResourceDraft"/>; every rule is the service's, so the console and the API accept
/// exactly the same resources.
/// </summary>
public sealed class ResourceForm
{
    public string? Code { get; set; }

    public string? Category { get; set; }

    public Guid? ProviderId { get; set; }

    public string? Name { get; set; }

    public string? Summary { get; set; }

    public string? Format { get; set; }

    public string? SharingType { get; set; }

    public string? SharingConditions { get; set; }

    public string? LegalBasis { get; set; }

    public string? OpenType { get; set; }

    public string? OpenConditions { get; set; }

    public string? UpdateFrequency { get; set; }

    /// <summary>Keywords separated by commas, 、 or spaces.</summary>
    public string? Keywords { get; set; }

    public string? ContactName { get; set; }

    public string? ContactEmail { get; set; }

    public string? ContactPhone { get; set; }

    public long? ExpectedRecordCount { get; set; }

    public int? Revision { get; set; }

    public bool AllowBreaking { get; set; }

    public List<FieldForm> Fields { get; set; } = [];

    public static ResourceForm Blank() => new()
    {
        SharingType = nameof(Core.Catalog.SharingType.Conditional),
        OpenType = nameof(Core.Catalog.OpenType.NotOpen),
        UpdateFrequency = nameof(Core.Catalog.UpdateFrequency.Daily),
        Format = ResourceRules.DefaultFormat,
        Fields = [FieldForm.Blank(key: true)],
    };

    public static ResourceForm From(DataResource r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ResourceForm
        {
            Code = r.Code.Value,
            ProviderId = r.ProviderId,
            Name = r.Name,
            Summary = r.Summary,
            Format = r.Format,
            SharingType = r.SharingType.ToString(),
            SharingConditions = r.SharingConditions,
            LegalBasis = r.LegalBasis,
            OpenType = r.OpenType.ToString(),
            OpenConditions = r.OpenConditions,
            UpdateFrequency = r.UpdateFrequency.ToString(),
            Keywords = string.Join("，", r.Keywords),
            ContactName = r.Contact?.Name,
            ContactEmail = r.Contact?.Email,
            ContactPhone = r.Contact?.Phone,
            ExpectedRecordCount = r.ExpectedRecordCount,
            Revision = r.Revision,
            Fields = r.Fields.Select(FieldForm.From).ToList(),
        };
    }

    /// <summary>The draft the service checks. <paramref name="forEdit"/> leaves out what an edit cannot change.</summary>
    public ResourceDraft ToDraft(bool forEdit) => new(
        Code: forEdit ? null : Blank(Code),
        Category: forEdit ? null : Blank(Category),
        Name: Name,
        Summary: Summary,
        ProviderId: forEdit ? null : ProviderId,
        Format: Format,
        SharingType: SharingType,
        SharingConditions: SharingConditions,
        LegalBasis: LegalBasis,
        OpenType: OpenType,
        OpenConditions: OpenConditions,
        UpdateFrequency: UpdateFrequency,
        Keywords: (Keywords ?? "").Split([',', '，', '、', ';', '；', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Contact: new ContactDraft(ContactName, ContactEmail, ContactPhone),
        ExpectedRecordCount: ExpectedRecordCount,
        Fields: Fields.Select(f => f.ToDraft()).ToList(),
        Revision: Revision,
        AllowBreaking: AllowBreaking);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}

/// <summary>One field row of the editor. <see cref="RowKey"/> keeps a row's inputs together when rows are added, removed and moved.</summary>
public sealed class FieldForm
{
    public string RowKey { get; set; } = NewKey();

    public string? Name { get; set; }

    public string? Label { get; set; }

    public string? Description { get; set; }

    public string? Type { get; set; }

    public int? Precision { get; set; }

    public int? Scale { get; set; }

    public bool Required { get; set; }

    public bool IsKey { get; set; }

    public bool Unique { get; set; }

    public string? Classification { get; set; }

    public string? PersonalInfo { get; set; }

    public string? OnInvalid { get; set; }

    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public string? Pattern { get; set; }

    /// <summary>One code per line: <c>1=男性</c> or just <c>1</c>.</summary>
    public string? Codes { get; set; }

    public string? CodeSource { get; set; }

    public string? RangeMin { get; set; }

    public string? RangeMax { get; set; }

    /// <summary>The format checks: <c>cnResidentId</c>, <c>cnCreditCode</c>, <c>mobile</c>, <c>email</c>.</summary>
    public List<string> FormatChecks { get; set; } = [];

    public string? Masking { get; set; }

    public int? KeepFirst { get; set; }

    public int? KeepLast { get; set; }

    public decimal? Step { get; set; }

    public string? Level { get; set; }

    /// <summary>One reference per line: the other resource's code and its field's name, e.g. <c>101001000/000001 idNumber</c>.</summary>
    public string? References { get; set; }

    public static IReadOnlyList<string> FormatKinds { get; } = [ResidentIdValidator.Name, CreditCodeValidator.Name, MobileValidator.Name, EmailValidator.Name];

    public static FieldForm Blank(bool key = false) => new()
    {
        Type = "string",
        Required = key,
        IsKey = key,
        Classification = nameof(DataClassification.General),
        PersonalInfo = nameof(PersonalInfoKind.None),
        OnInvalid = nameof(InvalidValueAction.Reject),
        Masking = nameof(MaskingKind.None),
    };

    public static FieldForm From(ResourceField f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var form = new FieldForm
        {
            Name = f.Name,
            Label = f.Label,
            Description = f.Description,
            Type = FieldTypes.Name(f.Type),
            Precision = f.Precision,
            Scale = f.Scale,
            Required = f.Required,
            IsKey = f.Key,
            Unique = f.Unique,
            Classification = f.Classification.ToString(),
            PersonalInfo = f.PersonalInfo.ToString(),
            OnInvalid = f.OnInvalid.ToString(),
            Masking = f.Masking.Kind.ToString(),
            KeepFirst = f.Masking.KeepFirst,
            KeepLast = f.Masking.KeepLast,
            Step = f.Masking.Step,
            Level = f.Masking.Level?.ToString(),
            References = string.Join('\n', f.References.Select(r => $"{r.Resource.Value} {r.Field}")),
        };
        foreach (var validator in f.Validators)
        {
            switch (validator)
            {
                case LengthValidator l:
                    (form.MinLength, form.MaxLength) = (l.Min, l.Max);
                    break;
                case RegexValidator r:
                    form.Pattern = r.Pattern;
                    break;
                case CodeListValidator c:
                    form.Codes = string.Join('\n', c.Codes.Select(e => e.Label is null ? e.Code : $"{e.Code}={e.Label}"));
                    form.CodeSource = c.Source;
                    break;
                case RangeValidator r:
                    (form.RangeMin, form.RangeMax) = (r.Min, r.Max);
                    break;
                default:
                    form.FormatChecks.Add(validator.Kind);
                    break;
            }
        }

        return form;
    }

    /// <summary>The written field; validators in a fixed order, so an issue's validator index names one input group.</summary>
    public FieldDraft ToDraft()
    {
        var validators = new List<ValidatorDraft>();
        if (MinLength is not null || MaxLength is not null)
        {
            validators.Add(new ValidatorDraft(LengthValidator.Name, Number(MinLength), Number(MaxLength)));
        }

        if (!string.IsNullOrWhiteSpace(Pattern))
        {
            validators.Add(new ValidatorDraft(RegexValidator.Name, Pattern: Pattern.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(Codes))
        {
            var codes = Codes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line =>
                {
                    var split = line.IndexOf('=', StringComparison.Ordinal);
                    var entry = split < 0
                        ? new Dictionary<string, string?> { ["code"] = line }
                        : new Dictionary<string, string?> { ["code"] = line[..split].Trim(), ["label"] = line[(split + 1)..].Trim() };
                    return JsonSerializer.SerializeToElement(entry);
                })
                .ToList();
            validators.Add(new ValidatorDraft(CodeListValidator.Name, Codes: codes, Source: string.IsNullOrWhiteSpace(CodeSource) ? null : CodeSource.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(RangeMin) || !string.IsNullOrWhiteSpace(RangeMax))
        {
            validators.Add(new ValidatorDraft(RangeValidator.Name, Text(RangeMin), Text(RangeMax)));
        }

        validators.AddRange(FormatChecks.Where(k => !string.IsNullOrWhiteSpace(k)).Distinct(StringComparer.Ordinal).Select(k => new ValidatorDraft(k)));

        var masking = string.IsNullOrWhiteSpace(Masking) ? null : new MaskingDraft(Masking, KeepFirst, KeepLast, Step, string.IsNullOrWhiteSpace(Level) ? null : Level);
        var references = (References ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(parts => new ReferenceDraft(parts[0], parts.Length > 1 ? parts[1] : null))
            .ToList();
        return new FieldDraft(
            Name, Label, string.IsNullOrWhiteSpace(Description) ? null : Description, Type, Precision, Scale,
            Required || IsKey, IsKey, Unique, Classification, PersonalInfo, validators, OnInvalid, masking, references);
    }

    private static string NewKey() => Guid.NewGuid().ToString("N")[..8];

    private static JsonElement? Number(int? value) => value is { } v ? JsonSerializer.SerializeToElement(v) : null;

    private static JsonElement? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : JsonSerializer.SerializeToElement(value.Trim());
}

/// <summary>
/// The service's issues, placed where the form shows them: description issues by input, field issues by row, and the
/// rest (breaking changes, stale revisions) above the form.
/// </summary>
public sealed partial class ResourceFormErrors
{
    private readonly Dictionary<string, List<string>> _byInput = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<string>> _byRow = [];

    public List<string> General { get; } = [];

    public List<string> BreakingChanges { get; } = [];

    public bool IsEmpty => _byInput.Count == 0 && _byRow.Count == 0 && General.Count == 0 && BreakingChanges.Count == 0;

    public bool NeedsAllowBreaking => BreakingChanges.Count > 0;

    [GeneratedRegex(@"^fields\[(\d+)\]")]
    private static partial Regex FieldPath();

    public static ResourceFormErrors From(Failure failure, IReadOnlyList<FieldForm> rows, IStringLocalizer l)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(rows);
        var errors = new ResourceFormErrors();
        foreach (var issue in failure.Issues)
        {
            var message = l.Issue(issue);
            if (issue.Code.StartsWith("evolution.", StringComparison.Ordinal))
            {
                var name = issue.Field.StartsWith("fields.", StringComparison.Ordinal) ? issue.Field["fields.".Length..] : issue.Field;
                errors.BreakingChanges.Add($"{name}：{message}");
            }
            else if (FieldPath().Match(issue.Field) is { Success: true } match && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var row) && row < rows.Count)
            {
                if (!errors._byRow.TryGetValue(row, out var list))
                {
                    errors._byRow[row] = list = [];
                }

                list.Add(message);
            }
            else if (issue.Field is "allowBreaking" or "revision" or "status" or "fields")
            {
                errors.General.Add(issue.Field == "fields" ? message : $"{l.Property(issue.Field)}：{message}");
            }
            else
            {
                if (!errors._byInput.TryGetValue(issue.Field, out var list))
                {
                    errors._byInput[issue.Field] = list = [];
                }

                list.Add(message);
            }
        }

        return errors;
    }

    public IReadOnlyList<string> For(string input) => _byInput.TryGetValue(input, out var list) ? list : [];

    public IReadOnlyList<string> ForRow(int row) => _byRow.TryGetValue(row, out var list) ? list : [];

    /// <summary>Every message with the label of what it concerns, for the summary above the form.</summary>
    public IEnumerable<(string Label, string Message, string? Anchor)> Summary(IStringLocalizer l, IReadOnlyList<FieldForm> rows)
    {
        foreach (var (input, messages) in _byInput)
        {
            foreach (var message in messages)
            {
                yield return (l.Property(input), message, "resource-" + input.Replace('.', '-'));
            }
        }

        foreach (var (row, messages) in _byRow.OrderBy(r => r.Key))
        {
            var label = string.Format(CultureInfo.CurrentCulture, l["catalog.editor.fieldNumber"].Value, row + 1, rows[row].Label ?? rows[row].Name);
            foreach (var message in messages)
            {
                yield return (label, message, "field-" + rows[row].RowKey);
            }
        }
    }
}
