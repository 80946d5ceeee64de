using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// A resource as a client or a form writes it, before it is checked: every part optional and textual, so each
/// problem can be reported against the part it concerns (<c>fields[2].validators[0].kind</c>) instead of failing
/// to read the whole request. Enumerations accept the English or the Chinese name (<c>Conditional</c> or
/// <c>有条件共享</c>). The same shape is used to create (POST) and to edit (PUT) a resource; an edit also sends the
/// <see cref="Revision"/> it read and, to publish a breaking schema change, <see cref="AllowBreaking"/>.
/// </summary>
public sealed record ResourceDraft(
    string? Code = null,
    string? Category = null,
    string? Name = null,
    string? Summary = null,
    Guid? ProviderId = null,
    string? Format = null,
    string? SharingType = null,
    string? SharingConditions = null,
    string? LegalBasis = null,
    string? OpenType = null,
    string? OpenConditions = null,
    string? UpdateFrequency = null,
    IReadOnlyList<string>? Keywords = null,
    ContactDraft? Contact = null,
    long? ExpectedRecordCount = null,
    IReadOnlyList<FieldDraft>? Fields = null,
    int? Revision = null,
    bool? AllowBreaking = null);

public sealed record ContactDraft(string? Name = null, string? Email = null, string? Phone = null);

/// <summary>A field (信息项) as written; see docs/catalog.md for every property.</summary>
public sealed record FieldDraft(
    string? Name = null,
    string? Label = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description = null,
    string? Type = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Precision = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Scale = null,
    bool? Required = null,
    bool? Key = null,
    bool? Unique = null,
    string? Classification = null,
    string? PersonalInfo = null,
    IReadOnlyList<ValidatorDraft>? Validators = null,
    string? OnInvalid = null,
    MaskingDraft? Masking = null,
    IReadOnlyList<ReferenceDraft>? References = null)
{
    /// <summary>The written form of a field, as responses and stored schema versions carry it.</summary>
    public static FieldDraft From(ResourceField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new FieldDraft(
            field.Name,
            field.Label,
            field.Description,
            FieldTypes.Name(field.Type),
            field.Precision,
            field.Scale,
            field.Required,
            field.Key,
            field.Unique,
            field.Classification.ToString(),
            field.PersonalInfo.ToString(),
            field.Validators.Select(ValidatorDraft.From).ToList(),
            field.OnInvalid.ToString(),
            MaskingDraft.From(field.Masking),
            field.References.Select(r => new ReferenceDraft(r.Resource.Value, r.Field)).ToList());
    }
}

/// <summary>
/// A validator as written: <c>{"kind":"length","min":1,"max":50}</c>, <c>{"kind":"regex","pattern":"\\d{6}"}</c>,
/// <c>{"kind":"codeList","codes":[{"code":"1","label":"男性"}],"source":"GB/T 2261.1"}</c>,
/// <c>{"kind":"range","min":"0","max":"150"}</c>, <c>{"kind":"cnResidentId"}</c>. Bounds may be JSON numbers or strings;
/// codes may be strings or <c>{code, label}</c> objects.
/// </summary>
public sealed record ValidatorDraft(
    string? Kind = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Min = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Max = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pattern = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<JsonElement>? Codes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source = null)
{
    public static ValidatorDraft From(FieldValidator validator) => validator switch
    {
        LengthValidator l => new ValidatorDraft(l.Kind, Number(l.Min), Number(l.Max)),
        RegexValidator r => new ValidatorDraft(r.Kind, Pattern: r.Pattern),
        CodeListValidator c => new ValidatorDraft(c.Kind, Codes: c.Codes.Select(Entry).ToList(), Source: c.Source),
        RangeValidator r => new ValidatorDraft(r.Kind, Text(r.Min), Text(r.Max)),
        _ => new ValidatorDraft(validator.Kind),
    };

    private static JsonElement? Number(int? value) => value is { } v ? JsonSerializer.SerializeToElement(v) : null;

    private static JsonElement? Text(string? value) => value is null ? null : JsonSerializer.SerializeToElement(value);

    private static JsonElement Entry(CodeListEntry entry) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string?> { ["code"] = entry.Code, ["label"] = entry.Label });
}

/// <summary>A masking rule as written: <c>{"rule":"KeepFirstLast","first":6,"last":4}</c>, <c>{"rule":"NumberRange","step":10}</c>, <c>{"rule":"RegionTruncate","level":"County"}</c>.</summary>
public sealed record MaskingDraft(
    string? Rule = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? First = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Last = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Step = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Level = null)
{
    public static MaskingDraft From(MaskingRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new MaskingDraft(rule.Kind.ToString(), rule.KeepFirst, rule.KeepLast, rule.Step, rule.Level?.ToString());
    }
}

/// <summary>A reference as written: the other resource's code (any written form) and its field's name.</summary>
public sealed record ReferenceDraft(string? Resource = null, string? Field = null);

/// <summary>The API names of field types: <c>string</c>, <c>integer</c>, <c>decimal</c>, <c>boolean</c>, <c>date</c>, <c>datetime</c>.</summary>
public static class FieldTypes
{
    public static IReadOnlyList<FieldType> All { get; } = Enum.GetValues<FieldType>();

    public static string Name(FieldType type) => type.ToString().ToLowerInvariant();

    /// <summary>The 编制指南 data type (数据类型) a type is listed as.</summary>
    public static string ChineseName(FieldType type) => type switch
    {
        FieldType.String => "字符型",
        FieldType.Integer => "数值型",
        FieldType.Decimal => "数值型",
        FieldType.Boolean => "逻辑型",
        FieldType.Date => "日期型",
        FieldType.DateTime => "日期时间型",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Reads the API name in any case (also <c>dateTime</c>, <c>int</c>, <c>bool</c>) or the Chinese name.</summary>
    public static bool TryParse(string? text, out FieldType type)
    {
        type = default;
        var t = text?.Trim().ToLowerInvariant();
        switch (t)
        {
            case "string" or "text" or "字符型" or "字符串":
                type = FieldType.String;
                return true;
            case "integer" or "int" or "long" or "整数" or "整数型":
                type = FieldType.Integer;
                return true;
            case "decimal" or "number" or "数值型" or "小数":
                type = FieldType.Decimal;
                return true;
            case "boolean" or "bool" or "逻辑型" or "布尔型":
                type = FieldType.Boolean;
                return true;
            case "date" or "日期型" or "日期":
                type = FieldType.Date;
                return true;
            case "datetime" or "date-time" or "日期时间型" or "日期时间":
                type = FieldType.DateTime;
                return true;
            default:
                return false;
        }
    }
}
