using Shuqiao.Core.Catalog;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// How a licence type is described in the catalog (政务信息资源目录), so that another department can be granted
/// verify-only access (核验) to it: a published resource of the issuing organization under 基础信息资源/电子证照基础信息,
/// whose fields are the GB/T 36903 metadata followed by the type's claims. Only the description is built here; every
/// rule (names, labels, classification, evolution) is the catalog's own, applied by <c>CatalogService</c>.
/// </summary>
public static class LicenceCatalog
{
    /// <summary>1-05: 电子证照基础信息, the built-in taxonomy's category for licences.</summary>
    public const string Category = "105";

    public const string SharingConditions =
        "仅限核验（verify-only）：使用方提交证照编号、持证主体代码等待核验的值，只获知“一致/不一致”，不返回证照内容。";

    public static ResourceDraft Draft(LicenceTypeDefinition definition, string issuerName, int? revision = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new ResourceDraft(
            Category: Category,
            Name: definition.Name,
            Summary: $"{issuerName}颁发的电子证照类型「{definition.Name}」（GB/T 36903 电子证照），仅以核验方式共享：使用方提交值，获知是否一致。",
            Format: "电子证照（W3C 可验证凭证）",
            SharingType: nameof(SharingType.Conditional),
            SharingConditions: SharingConditions,
            OpenType: nameof(OpenType.NotOpen),
            UpdateFrequency: nameof(UpdateFrequency.Realtime),
            Keywords: ["电子证照", "证照核验", definition.Name],
            Fields: [.. Metadata(definition.HolderKind), .. definition.Fields.Select(f => Claim(f, definition.HolderKind))],
            Revision: revision,
            AllowBreaking: revision is null ? null : true);
    }

    private static IEnumerable<FieldDraft> Metadata(HolderKind holder)
    {
        yield return Text("licenceNumber", "证照编号", key: true);
        yield return Text("holderName", "持证主体", personal: holder == HolderKind.Citizen);
        yield return holder == HolderKind.Citizen
            ? new FieldDraft("holderCode", "持证主体代码", "公民身份号码", "string", Required: true, Classification: nameof(DataClassification.Important),
                PersonalInfo: nameof(PersonalInfoKind.Sensitive), Validators: [new ValidatorDraft(ResidentIdValidator.Name)],
                Masking: new MaskingDraft(nameof(MaskingKind.KeepFirstLast), 6, 4))
            : new FieldDraft("holderCode", "持证主体代码", "统一社会信用代码", "string", Required: true, Classification: nameof(DataClassification.Important),
                PersonalInfo: nameof(PersonalInfoKind.None), Validators: [new ValidatorDraft(CreditCodeValidator.Name)]);
        yield return Text("issuingAuthority", "颁发机构");
        yield return Date("issueDate", "颁发日期", required: true);
        yield return Date("validityStart", "有效期起始日期", required: true);
        yield return Date("validityEnd", "有效期截止日期", required: false, description: "空表示长期有效");
    }

    // A citizen's licence describes a person, so its claims are personal information; an identity number is sensitive.
    private static FieldDraft Claim(LicenceField field, HolderKind holder) => field.Type switch
    {
        LicenceFieldType.ResidentId => new FieldDraft(field.Name, field.Label, null, "string", Required: field.Required, Classification: nameof(DataClassification.Important),
            PersonalInfo: nameof(PersonalInfoKind.Sensitive), Validators: [new ValidatorDraft(ResidentIdValidator.Name)], Masking: new MaskingDraft(nameof(MaskingKind.KeepFirstLast), 6, 4)),
        LicenceFieldType.CreditCode => new FieldDraft(field.Name, field.Label, null, "string", Required: field.Required, Classification: nameof(DataClassification.General),
            PersonalInfo: nameof(PersonalInfoKind.None), Validators: [new ValidatorDraft(CreditCodeValidator.Name)]),
        _ => new FieldDraft(field.Name, field.Label, null, field.Type switch { LicenceFieldType.Date => "date", LicenceFieldType.Number => "decimal", _ => "string" },
            Required: field.Required, Classification: nameof(DataClassification.General),
            PersonalInfo: holder == HolderKind.Citizen ? nameof(PersonalInfoKind.Personal) : nameof(PersonalInfoKind.None)),
    };

    private static FieldDraft Text(string name, string label, bool key = false, bool personal = false) =>
        new(name, label, null, "string", Required: true, Key: key, Classification: nameof(DataClassification.General),
            PersonalInfo: personal ? nameof(PersonalInfoKind.Personal) : nameof(PersonalInfoKind.None));

    private static FieldDraft Date(string name, string label, bool required, string? description = null) =>
        new(name, label, description, "date", Required: required, Classification: nameof(DataClassification.General), PersonalInfo: nameof(PersonalInfoKind.None));
}
