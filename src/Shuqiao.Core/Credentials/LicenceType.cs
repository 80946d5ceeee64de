namespace Shuqiao.Core.Credentials;

/// <summary>Who holds licences of a type: a person (公民身份号码) or an organization (统一社会信用代码).</summary>
public enum HolderKind
{
    Citizen,
    Organization,
}

/// <summary>The kind of value a licence field takes; checked on issuance.</summary>
public enum LicenceFieldType
{
    Text,
    Date,       // yyyy-MM-dd
    Number,     // a decimal number, written as a JSON number in the credential
    ResidentId, // 公民身份号码, GB 11643
    CreditCode, // 统一社会信用代码, GB 32100
}

/// <summary>One field of a licence type's claim schema (照面信息): an identifier, its Chinese label and its type.</summary>
public sealed record LicenceField(string Name, string Label, LicenceFieldType Type, bool Required);

/// <summary>How long a licence is valid from its start date; null years means 长期 (no end).</summary>
public sealed record ValidityRule(int? Years);

public enum LayoutOrientation
{
    Portrait,
    Landscape,
}

/// <summary>Colour schemes of the printable page, after the paper licences' usual colours.</summary>
public enum LayoutTheme
{
    Red,
    Blue,
    Green,
    Brown,
}

/// <summary>The printable layout of a type: page orientation, colour and an optional note printed at the foot.</summary>
public sealed record LicenceLayout(LayoutOrientation Orientation, LayoutTheme Theme, string? Note);

public enum LicenceTypeStatus
{
    Active,
    Retired,
}

/// <summary>
/// A licence type (证照类型) defined by a department: what it is called, its 证照类型代码 (the department's
/// 统一社会信用代码 + a three-digit sequence), who holds it, its fields, its validity and its printable layout.
/// </summary>
public sealed record LicenceType(
    Guid Id,
    Guid OrganizationId,
    string Code,
    string Name,
    HolderKind HolderKind,
    IReadOnlyList<LicenceField> Fields,
    ValidityRule Validity,
    LicenceLayout Layout,
    LicenceTypeStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    string? CatalogCode = null); // 信息资源代码 of the type's entry in the catalog (see docs/credentials.md)

public enum LicenceStatus
{
    Active,
    Suspended,
    Revoked,
}

/// <summary>One claim of an issued licence, with the label it was issued under.</summary>
public sealed record LicenceClaim(string Name, string Label, LicenceFieldType Type, string Value);

/// <summary>
/// An issued licence (电子证照): the GB/T 36903 metadata, its claims, its status, the entries it has in the status
/// lists, and the credential exactly as signed (JSON with Data Integrity proofs, and the same enveloped as vc+jwt).
/// </summary>
public sealed record Licence(
    Guid Id,
    Guid TypeId,
    string TypeCode,
    string TypeName,
    Guid IssuerOrganizationId,
    string IssuerName,
    string IssuerCode,
    string IssuerDid,
    long Serial,
    int Version,
    string NationalId,
    string LicenceNumber,
    HolderKind HolderKind,
    string HolderName,
    string HolderCode,
    IReadOnlyList<LicenceClaim> Claims,
    DateOnly IssueDate,
    DateOnly ValidityStart,
    DateOnly? ValidityEnd,
    DateTimeOffset IssuedAt,
    LicenceStatus Status,
    string? StatusReason,
    DateTimeOffset? StatusChangedAt,
    string CredentialJson,
    string CredentialJwt)
{
    public string CredentialId => "urn:uuid:" + Id.ToString("D");
}
