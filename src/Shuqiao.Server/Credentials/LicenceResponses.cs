using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

public sealed record LicenceTypeResponse(
    Guid Id, Guid OrganizationId, string Code, string Name, HolderKind HolderKind, IReadOnlyList<LicenceField> Fields, int? ValidityYears,
    LicenceLayout Layout, LicenceTypeStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, string? OrganizationName = null, long? Issued = null, string? CatalogCode = null)
{
    public static LicenceTypeResponse Of(LicenceType t) =>
        new(t.Id, t.OrganizationId, t.Code, t.Name, t.HolderKind, t.Fields, t.Validity.Years, t.Layout, t.Status, t.CreatedAt, t.UpdatedAt, t.Version, CatalogCode: t.CatalogCode);

    public static LicenceTypeResponse Of(LicenceTypeListing l) => Of(l.Type) with { OrganizationName = l.OrganizationName, Issued = l.Issued };
}

/// <summary>A licence without its credential (GET …/credential and …/jwt give those).</summary>
public sealed record LicenceResponse(
    Guid Id, string CredentialId, Guid TypeId, string TypeCode, string TypeName, Guid IssuerOrganizationId, string IssuerName, string IssuerDid,
    string NationalId, string LicenceNumber, HolderKind HolderKind, string HolderName, string HolderCode, IReadOnlyList<LicenceClaim> Claims,
    DateOnly IssueDate, DateOnly ValidityStart, DateOnly? ValidityEnd, DateTimeOffset IssuedAt, LicenceStatus Status, string? StatusReason,
    DateTimeOffset? StatusChangedAt)
{
    public static LicenceResponse Of(Licence l) => new(
        l.Id, l.CredentialId, l.TypeId, l.TypeCode, l.TypeName, l.IssuerOrganizationId, l.IssuerName, l.IssuerDid, l.NationalId, l.LicenceNumber,
        l.HolderKind, l.HolderName, l.HolderCode, l.Claims, l.IssueDate, l.ValidityStart, l.ValidityEnd, l.IssuedAt, l.Status, l.StatusReason, l.StatusChangedAt);
}

public sealed record VerificationRecordResponse(DateTimeOffset Time, VerificationChannel Channel, string VerifierKind, string? VerifierName, string? VerifierOrganization, bool Verified, string? FailureCode)
{
    public static VerificationRecordResponse Of(VerificationRecord r) => new(r.Time, r.Channel, r.VerifierKind, r.VerifierName, r.VerifierOrganization, r.Verified, r.FailureCode);
}

public sealed record BulkIssueResponse(int Issued, IReadOnlyList<LicenceResponse> Licences);

public sealed record HolderLinkRequest(string? HolderKind, string? HolderCode);

public sealed record HolderLinkResponse(Guid UserId, string Login, HolderKind HolderKind, string HolderCode, DateTimeOffset LinkedAt, string LinkedBy)
{
    public static HolderLinkResponse Of(HolderLink l) => new(l.UserId, l.Login, l.HolderKind, l.HolderCode, l.LinkedAt, l.LinkedBy);
}
