using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>Builds schemas the way clients write them (drafts read by <see cref="SchemaRules"/>), so tests use the real reading path.</summary>
internal static class Schemas
{
    public static readonly DateOnly Today = new(2026, 3, 1);

    public static readonly ValueParsingOptions Options = ValueParsingOptions.ForChina(Today);

    /// <summary>A key field <c>id</c> (string) is added first, so a schema is valid with any other fields.</summary>
    public static IReadOnlyList<ResourceField> Read(params FieldDraft[] fields)
    {
        var issues = new List<Issue>();
        var all = new List<FieldDraft> { Key() };
        all.AddRange(fields);
        return SchemaRules.ReadFields(all, Options, issues) ?? throw new InvalidOperationException(string.Join("; ", issues));
    }

    public static List<Issue> Issues(params FieldDraft[] fields)
    {
        var issues = new List<Issue>();
        SchemaRules.ReadFields(fields, Options, issues);
        return issues;
    }

    public static FieldDraft Key(string name = "id") =>
        new(name, "编号", Type: "string", Key: true, Classification: "General", PersonalInfo: "None");

    public static FieldDraft Field(string name, string type, params ValidatorDraft[] validators) =>
        new(name, name + "标签", Type: type, Classification: "General", PersonalInfo: "None", Validators: validators);

    public static CompiledSchema Compile(params FieldDraft[] fields) => CompiledSchema.Compile(Read(fields), Options);

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static ValidatorDraft Length(int? min, int? max) =>
        new("length", min is null ? null : Json(min.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), max is null ? null : Json(max.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static ValidatorDraft Range(string? min, string? max) =>
        new("range", min is null ? null : JsonSerializer.SerializeToElement(min), max is null ? null : JsonSerializer.SerializeToElement(max));

    public static ValidatorDraft Codes(params string[] codes) =>
        new("codeList", Codes: codes.Select(c => JsonSerializer.SerializeToElement(c)).ToList());

    public static ValidatorDraft Regex(string pattern) => new("regex", Pattern: pattern);

    public static ValidatorDraft Kind(string kind) => new(kind);
}
