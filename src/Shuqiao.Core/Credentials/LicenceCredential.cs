using System.Globalization;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Credentials;

/// <summary>A licence's entry in one status list (W3C Bitstring Status List v1.0 §2.1, BitstringStatusListEntry).</summary>
public sealed record StatusEntry(StatusPurpose Purpose, string ListUrl, int Index)
{
    public static string PurposeName(StatusPurpose purpose) => purpose == StatusPurpose.Revocation ? "revocation" : "suspension";

    public JsonObject ToJson() => new()
    {
        ["id"] = $"{ListUrl}#{Index.ToString(CultureInfo.InvariantCulture)}",
        ["type"] = "BitstringStatusListEntry",
        ["statusPurpose"] = PurposeName(Purpose),
        ["statusListIndex"] = Index.ToString(CultureInfo.InvariantCulture),
        ["statusListCredential"] = ListUrl,
    };
}

/// <summary>Everything the credential of a licence says, before it is signed.</summary>
public sealed record LicenceCredentialContent(
    Guid LicenceId,
    string IssuerDid,
    string IssuerName,
    string IssuerCode,
    string TypeName,
    string TypeCode,
    string NationalId,
    string LicenceNumber,
    HolderKind HolderKind,
    string HolderName,
    string HolderCode,
    IReadOnlyList<LicenceClaim> Claims,
    DateOnly IssueDate,
    DateOnly ValidityStart,
    DateOnly? ValidityEnd,
    IReadOnlyList<StatusEntry> Status);

/// <summary>
/// The unsigned W3C VC 2.0 document of a licence. The GB/T 36903 metadata (证照名称, 证照类型代码, 证照编号, 持证主体,
/// 持证主体代码, 持证主体代码类型, 颁发机构, 颁发机构代码, 颁发日期, 有效期起止) and the GB/T 36904 identifier are
/// members of credentialSubject under English names; the type's fields (照面信息) follow in <c>claims</c>, each with
/// its label, so any verifier can show the licence without knowing the type.
/// </summary>
public static class LicenceCredential
{
    public const string CredentialType = "ElectronicLicenceCredential";
    public const string SubjectType = "ElectronicLicence";
    public const string LongTerm = "长期";

    public static JsonObject Build(LicenceCredentialContent c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var claims = new JsonArray();
        foreach (var claim in c.Claims)
        {
            claims.Add(new JsonObject
            {
                ["name"] = claim.Name,
                ["label"] = claim.Label,
                ["value"] = claim.Type == LicenceFieldType.Number ? JsonValue.Create(decimal.Parse(claim.Value, CultureInfo.InvariantCulture)) : JsonValue.Create(claim.Value),
            });
        }

        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(CredentialContexts.V2),
            ["id"] = "urn:uuid:" + c.LicenceId.ToString("D"),
            ["type"] = new JsonArray("VerifiableCredential", CredentialType),
            ["name"] = c.TypeName,
            ["description"] = $"电子证照：{c.TypeName}（{c.IssuerName}颁发）",
            ["issuer"] = new JsonObject { ["id"] = c.IssuerDid, ["name"] = c.IssuerName },
            ["validFrom"] = Timestamps.Format(LicenceRules.StartOf(c.ValidityStart)),
        };
        if (c.ValidityEnd is { } end)
        {
            credential["validUntil"] = Timestamps.Format(LicenceRules.EndOf(end));
        }

        credential["credentialSubject"] = new JsonObject
        {
            ["type"] = SubjectType,
            ["licenceIdentifier"] = c.NationalId,
            ["licenceName"] = c.TypeName,
            ["licenceTypeCode"] = c.TypeCode,
            ["licenceNumber"] = c.LicenceNumber,
            ["holderName"] = c.HolderName,
            ["holderCode"] = c.HolderCode,
            ["holderCodeType"] = LicenceRules.HolderCodeType(c.HolderKind),
            ["issuingAuthority"] = c.IssuerName,
            ["issuingAuthorityCode"] = c.IssuerCode,
            ["issueDate"] = Date(c.IssueDate),
            ["validityStart"] = Date(c.ValidityStart),
            ["validityEnd"] = c.ValidityEnd is { } e ? Date(e) : LongTerm,
            ["claims"] = claims,
        };
        if (c.Status.Count > 0)
        {
            credential["credentialStatus"] = new JsonArray([.. c.Status.Select(s => (JsonNode)s.ToJson())]);
        }

        return credential;
    }

    /// <summary>
    /// The unsigned BitstringStatusListCredential of one list (Bitstring Status List v1.0 §2.2). validUntil bounds
    /// how long a cached copy may be trusted; Shuqiao serves a fresh one on every request.
    /// </summary>
    public static JsonObject StatusListCredential(string listUrl, string issuerDid, StatusPurpose purpose, BitstringStatusList list, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(list);
        return new JsonObject
        {
            ["@context"] = new JsonArray(CredentialContexts.V2),
            ["id"] = listUrl,
            ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
            ["issuer"] = issuerDid,
            ["validFrom"] = Timestamps.Format(now),
            ["validUntil"] = Timestamps.Format(now + lifetime),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = listUrl + "#list",
                ["type"] = "BitstringStatusList",
                ["statusPurpose"] = StatusEntry.PurposeName(purpose),
                ["encodedList"] = list.Encode(),
            },
        };
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
