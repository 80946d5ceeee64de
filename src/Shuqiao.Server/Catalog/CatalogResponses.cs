using Shuqiao.Core.Catalog;
using Shuqiao.Storage.Catalog;

namespace Shuqiao.Server.Catalog;

public sealed record ProviderResponse(Guid Id, string Name, string Code);

public sealed record ContactResponse(string? Name, string? Email, string? Phone);

/// <summary>
/// A resource as the API returns it. <see cref="Code"/> is the canonical 信息资源代码 (<c>101001000/000001</c>);
/// <see cref="Slug"/> the same code for URLs (<c>101001000-000001</c>). <see cref="Fields"/> are the current schema
/// version's, in the form POST and PUT accept.
/// </summary>
public sealed record ResourceResponse(
    Guid Id,
    string Code,
    string Slug,
    string Category,
    string CategoryPath,
    string Name,
    string Summary,
    ProviderResponse Provider,
    string Format,
    SharingType SharingType,
    string? SharingConditions,
    string? LegalBasis,
    OpenType OpenType,
    string? OpenConditions,
    UpdateFrequency UpdateFrequency,
    IReadOnlyList<string> Keywords,
    ContactResponse? Contact,
    long? ExpectedRecordCount,
    ResourceStatus Status,
    string Version,
    DataClassification HighestClassification,
    bool HasPersonalInfo,
    IReadOnlyList<FieldDraft> Fields,
    int Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? RetiredAt)
{
    public static ResourceResponse Of(DataResource r, CatalogTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(taxonomy);
        return new(
            r.Id, r.Code.Value, r.Code.Slug, r.Code.Category.Digits, taxonomy.PathText(r.Code.Category), r.Name, r.Summary,
            new ProviderResponse(r.ProviderId, r.ProviderName, r.ProviderCode), r.Format, r.SharingType, r.SharingConditions, r.LegalBasis,
            r.OpenType, r.OpenConditions, r.UpdateFrequency, r.Keywords,
            r.Contact is { } c ? new ContactResponse(c.Name, c.Email, c.Phone) : null, r.ExpectedRecordCount, r.Status, r.Version.ToString(),
            r.HighestClassification, r.HasPersonalInformation, r.Fields.Select(FieldDraft.From).ToList(), r.Revision,
            r.CreatedAt, r.UpdatedAt, r.PublishedAt, r.RetiredAt);
    }
}

/// <summary>A search result: a resource without its schema, and the classifications of its fields.</summary>
public sealed record ResourceSummaryResponse(
    Guid Id,
    string Code,
    string Slug,
    string Name,
    string Summary,
    ProviderResponse Provider,
    SharingType SharingType,
    OpenType OpenType,
    UpdateFrequency UpdateFrequency,
    ResourceStatus Status,
    string Version,
    IReadOnlyList<DataClassification> Classifications,
    DataClassification HighestClassification,
    bool HasPersonalInfo,
    int FieldCount,
    DateTimeOffset UpdatedAt)
{
    public static ResourceSummaryResponse Of(ResourceSummary r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(
            r.Id, r.Code.Value, r.Code.Slug, r.Name, r.Summary, new ProviderResponse(r.ProviderId, r.ProviderName, r.ProviderCode), r.SharingType, r.OpenType,
            r.UpdateFrequency, r.Status, r.Version.ToString(), r.Classifications, r.HighestClassification, r.HasPersonalInfo, r.FieldCount, r.UpdatedAt);
    }
}

/// <summary>One difference to the previous version; <see cref="Breaking"/> ones need consumers to adapt.</summary>
public sealed record SchemaChangeResponse(string Field, string Code, string Reason, bool Breaking);

/// <summary>
/// A schema version. <see cref="Compatible"/> is true when consumers of the previous version can use this one
/// unchanged (the first version and additive changes). <see cref="Fields"/> is left out of version lists.
/// </summary>
public sealed record VersionResponse(
    string Version,
    SchemaChangeKind ChangeKind,
    bool Compatible,
    IReadOnlyList<SchemaChangeResponse> Changes,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt,
    IReadOnlyList<FieldDraft>? Fields)
{
    public static VersionResponse Of(ResourceVersion v, bool withFields)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(
            v.Version.ToString(), v.ChangeKind, v.Compatible,
            v.Changes.Select(c => new SchemaChangeResponse(c.Change.Field, c.Change.Code, c.Change.Reason, c.Breaking)).ToList(),
            v.CreatedBy, v.CreatedAt, v.PublishedAt, withFields ? v.Fields.Select(FieldDraft.From).ToList() : null);
    }
}

/// <summary>The answer to an edit: the resource now, and the schema version it published (null when none).</summary>
public sealed record ResourceUpdateResponse(ResourceResponse Resource, VersionResponse? NewVersion);

public sealed record ResourceVersionsResponse(string Code, string CurrentVersion, IReadOnlyList<VersionResponse> Versions);

public sealed record TaxonomyNodeResponse(string Code, string Name, int Level);
