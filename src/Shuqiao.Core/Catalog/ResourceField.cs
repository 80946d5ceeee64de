namespace Shuqiao.Core.Catalog;

/// <summary>The type of a field's values. Records are JSON; CSV uploads give text that is parsed into these types.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members name the data types of the catalog's fields, as the API spells them.")]
public enum FieldType
{
    String,
    Integer,  // 64-bit
    Decimal,  // exact, with optional precision and scale
    Boolean,
    Date,     // a calendar day, no time zone
    DateTime, // an instant
}

/// <summary>数据分类分级 (GB/T 43697-2024 数据安全技术 数据分类分级规则): 一般数据, 重要数据, 核心数据.</summary>
public enum DataClassification
{
    General = 1,   // 一般数据
    Important = 2, // 重要数据
    Core = 3,      // 核心数据
}

/// <summary>个人信息 (GB/T 35273-2020 §3.1, §3.2): not personal, personal, or sensitive personal information.</summary>
public enum PersonalInfoKind
{
    None = 0,
    Personal = 1,  // 个人信息, e.g. 姓名, 手机号码
    Sensitive = 2, // 敏感个人信息, e.g. 身份证件号码, 医疗健康, 金融账户, 行踪轨迹, 不满十四周岁未成年人的个人信息
}

/// <summary>What a failed check on a value does to the record: refuse it, or keep it and report a quality finding.</summary>
public enum InvalidValueAction
{
    Reject,
    Warn,
}

/// <summary>
/// A field (信息项) of a resource. <see cref="Name"/> is the ASCII identifier used as the JSON property and CSV column;
/// <see cref="Label"/> is the Chinese 信息项名称 people read.
/// </summary>
public sealed record ResourceField(
    string Name,
    string Label,
    string? Description,
    FieldType Type,
    int? Precision,              // Decimal only: total significant digits
    int? Scale,                  // Decimal only: digits after the point
    bool Required,
    bool Key,                    // part of the record key; key fields are required
    bool Unique,                 // no two records share a value
    DataClassification Classification,
    PersonalInfoKind PersonalInfo,
    IReadOnlyList<FieldValidator> Validators,
    InvalidValueAction OnInvalid,
    MaskingRule Masking,
    IReadOnlyList<FieldReference> References)
{
    /// <summary>The declared length for the 编制指南 layout (数据项长度): a string's maximum length, a decimal's precision.</summary>
    public int? MaxLength => Type switch
    {
        FieldType.String => Validators.OfType<LengthValidator>().Select(v => v.Max).Where(m => m is not null).Min(),
        _ => null,
    };
}

/// <summary>
/// A value of this field refers to a field of another resource (or of the same one), e.g. 企业登记.法定代表人身份证号
/// → 人口基本信息.身份证号 — the 一致性 (consistency) dimension of quality checks it.
/// </summary>
public sealed record FieldReference(ResourceCode Resource, string Field);
