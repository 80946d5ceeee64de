using System.Text;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Catalog;

/// <summary>Filters of a catalog search as a client or the console writes them; all optional.</summary>
public sealed record CatalogSearch(
    string? Q = null,
    Guid? ProviderId = null,
    SharingType? SharingType = null,
    DataClassification? Classification = null,
    UpdateFrequency? UpdateFrequency = null,
    ResourceStatus? Status = null);

/// <summary>
/// The catalog (政务信息资源目录): describing, publishing, evolving and retiring data resources, and finding them.
/// Shared by the API, the console pages and the demo data; the rules of who may do what live here (see
/// <see cref="CatalogAccess"/>): another organization's draft is answered as not found, another organization's
/// published resource as forbidden to change.
/// </summary>
public sealed class CatalogService(
    CatalogStore store,
    OrganizationStore organizations,
    IOptions<CatalogOptions> options,
    TimeProvider clock,
    ILogger<CatalogService> logger)
{
    private readonly CatalogTaxonomy _taxonomy = options.Value.Taxonomy();

    public CatalogTaxonomy Taxonomy => _taxonomy;

    /// <summary>Options for reading range bounds and checking birth dates: China Standard Time, today's date there.</summary>
    public ValueParsingOptions ValueOptions =>
        ValueParsingOptions.ForChina(DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ValueParsingOptions.ChinaStandardTime).DateTime));

    /// <summary>A resource by code (any written form), or null when there is none or the caller may not see it (another organization's draft).</summary>
    public async Task<DataResource?> GetAsync(string code, CatalogAccess access, CancellationToken cancellationToken)
    {
        if (ResourceCode.TryParse(code, out var parsed) != ResourceCodeError.None)
        {
            return null;
        }

        return await GetAsync(parsed, access, cancellationToken);
    }

    public async Task<DataResource?> GetAsync(ResourceCode code, CatalogAccess access, CancellationToken cancellationToken) =>
        await store.FindAsync(code, cancellationToken) is { } resource && access.Sees(resource) ? resource : null;

    /// <summary>A page of search results; <paramref name="cursor"/> continues after an earlier page.</summary>
    public async Task<Outcome<Page<ResourceSummary>>> SearchAsync(CatalogSearch search, CatalogAccess access, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (!TryDecodeCursor(cursor, out var after))
        {
            return Failure.Invalid("cursor", "is not a cursor this API returned");
        }

        var terms = Terms(search.Q);
        var size = Math.Clamp(limit, 1, Cursor.MaxLimit);
        var rows = await store.SearchAsync(
            new ResourceQuery(terms, access.OrganizationId, access.IsPlatformAdmin, search.ProviderId, search.SharingType, search.Classification, search.UpdateFrequency, search.Status, after, size + 1),
            cancellationToken);
        return Cursor.PageOf(rows, size, r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Rank:R}|{r.Code.Value}"), r => r);
    }

    /// <summary>Splits a query into its terms: NFKC-folded (full-width letters and digits), white-space separated, distinct.</summary>
    public static IReadOnlyList<string> Terms(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return [];
        }

        return q.Normalize(NormalizationForm.FormKC)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Length > 100 ? t[..100] : t)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(CatalogStore.MaxSearchTerms)
            .ToList();
    }

    public async Task<Outcome<DataResource>> CreateAsync(ResourceDraft draft, CatalogAccess access, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!access.CanEditAny)
        {
            return new Failure(FailureKind.Forbidden, "Only a platform administrator or a data steward describes resources.", []);
        }

        var issues = new List<Issue>();
        var (category, code) = ReadCode(draft, issues);
        var description = ResourceRules.ReadDescription(draft, issues);
        var fields = SchemaRules.ReadFields(draft.Fields, ValueOptions, issues);
        var providerId = draft.ProviderId ?? access.OrganizationId;
        if (providerId is null)
        {
            issues.Add(CatalogIssues.Required("providerId"));
        }
        else if (!access.Edits(providerId.Value))
        {
            // The same words whether or not the organization exists: a steward learns nothing about others.
            issues.Add(CatalogIssues.ProviderNotManaged());
        }
        else if (await organizations.FindAsync(providerId.Value, cancellationToken) is not { } provider)
        {
            issues.Add(CatalogIssues.ProviderNotFound());
        }
        else if (provider.Status != OrganizationStatus.Active)
        {
            issues.Add(CatalogIssues.ProviderDisabled(provider.Name));
        }

        if (fields is not null)
        {
            await CheckReferencesAsync(fields, code, issues, cancellationToken);
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var created = await store.CreateAsync(new NewResource(category!.Value, code, providerId!.Value, description!, fields!), actor, cancellationToken);
        if (created.Value is { } resource)
        {
            CatalogLog.Created(logger, resource.Code.Value, resource.Fields.Count);
        }

        return created;
    }

    /// <summary>
    /// Edits a resource (see <see cref="CatalogStore.UpdateAsync"/>). The code, category and provider cannot change;
    /// they may be sent (as a GET returned them) but must then be the same.
    /// </summary>
    public async Task<Outcome<ResourceChange>> UpdateAsync(string code, ResourceDraft draft, CatalogAccess access, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var target = await EditableAsync(code, access, cancellationToken);
        if (target.Value is not { } current)
        {
            return target.Failure!;
        }

        var issues = new List<Issue>();
        if (draft.Code is not null && (ResourceCode.TryParse(draft.Code, out var sent) != ResourceCodeError.None || sent != current.Code))
        {
            issues.Add(CatalogIssues.Immutable("code"));
        }

        if (draft.Category is not null && (ResourceCategory.TryParse(draft.Category, out var sentCategory) != ResourceCodeError.None || sentCategory != current.Code.Category))
        {
            issues.Add(CatalogIssues.Immutable("category"));
        }

        if (draft.ProviderId is { } provider && provider != current.ProviderId)
        {
            issues.Add(CatalogIssues.Immutable("providerId"));
        }

        if (draft.Revision is null)
        {
            issues.Add(CatalogIssues.RevisionRequired());
        }

        var description = ResourceRules.ReadDescription(draft, issues);
        var fields = SchemaRules.ReadFields(draft.Fields, ValueOptions, issues);
        if (fields is not null)
        {
            await CheckReferencesAsync(fields, current.Code, issues, cancellationToken);
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var changed = await store.UpdateAsync(new ResourceEdit(current.Code, draft.Revision!.Value, description!, fields!, draft.AllowBreaking ?? false), actor, cancellationToken);
        if (changed.Value?.NewVersion is { } version)
        {
            CatalogLog.NewVersion(logger, current.Code.Value, version.Version, version.ChangeKind);
        }

        return changed;
    }

    public async Task<Outcome<DataResource>> PublishAsync(string code, CatalogAccess access, Actor actor, CancellationToken cancellationToken)
    {
        var target = await EditableAsync(code, access, cancellationToken);
        if (target.Value is not { } current)
        {
            return target.Failure!;
        }

        var published = await store.PublishAsync(current.Code, actor, cancellationToken);
        if (published.Value is { Status: ResourceStatus.Published } && current.Status == ResourceStatus.Draft)
        {
            CatalogLog.Published(logger, current.Code.Value);
        }

        return published;
    }

    public async Task<Outcome<DataResource>> RetireAsync(string code, CatalogAccess access, Actor actor, CancellationToken cancellationToken)
    {
        var target = await EditableAsync(code, access, cancellationToken);
        return target.Value is { } current ? await store.RetireAsync(current.Code, actor, cancellationToken) : target.Failure!;
    }

    /// <summary>Every schema version of a visible resource, newest first; null when the resource is not visible.</summary>
    public async Task<(DataResource Resource, IReadOnlyList<ResourceVersion> Versions)?> VersionsAsync(string code, CatalogAccess access, CancellationToken cancellationToken)
    {
        if (await GetAsync(code, access, cancellationToken) is not { } resource)
        {
            return null;
        }

        return (resource, await store.ListVersionsAsync(resource.Id, cancellationToken));
    }

    public async Task<ResourceVersion?> VersionAsync(DataResource resource, SchemaVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return await store.FindVersionAsync(resource.Id, version, cancellationToken);
    }

    public Task<IReadOnlyList<DataResource>> PublishedAsync(CancellationToken cancellationToken) => store.ListPublishedAsync(cancellationToken);

    public Task<IReadOnlyList<CatalogProvider>> ProvidersAsync(CancellationToken cancellationToken) => store.ListProvidersAsync(cancellationToken);

    public Task<CatalogPublisher?> PublisherAsync(CancellationToken cancellationToken) => store.FindPublisherAsync(cancellationToken);

    /// <summary>The organizations a caller may describe resources for (a steward: its own; an admin: all active ones).</summary>
    public async Task<IReadOnlyList<Organization>> ProviderChoicesAsync(CatalogAccess access, CancellationToken cancellationToken)
    {
        if (access.IsPlatformAdmin)
        {
            return await organizations.ListAllAsync(OrganizationStatus.Active, cancellationToken);
        }

        return access.IsDataSteward && access.OrganizationId is { } own && await organizations.FindAsync(own, cancellationToken) is { Status: OrganizationStatus.Active } organization
            ? [organization]
            : [];
    }

    public Task<Organization?> OrganizationAsync(Guid id, CancellationToken cancellationToken) => organizations.FindAsync(id, cancellationToken);

    // A resource the caller may change: invisible → 404, visible but another organization's → 403.
    private async Task<Outcome<DataResource>> EditableAsync(string code, CatalogAccess access, CancellationToken cancellationToken)
    {
        if (ResourceCode.TryParse(code, out var parsed) is not ResourceCodeError.None and var error)
        {
            return Failure.Invalid(CatalogIssues.Code(error));
        }

        if (await store.FindAsync(parsed, cancellationToken) is not { } resource || !access.Sees(resource))
        {
            return Failure.NotFound("The resource");
        }

        return access.Edits(resource.ProviderId)
            ? resource
            : new Failure(FailureKind.Forbidden, "Only the provider's data stewards and platform administrators change this resource.", []);
    }

    private (ResourceCategory? Category, ResourceCode? Code) ReadCode(ResourceDraft draft, List<Issue> issues)
    {
        ResourceCode? code = null;
        ResourceCategory? category = null;
        if (!string.IsNullOrWhiteSpace(draft.Code))
        {
            if (ResourceCode.TryParse(draft.Code, out var parsed) is var error and not ResourceCodeError.None)
            {
                issues.Add(CatalogIssues.Code(error));
                return (null, null);
            }

            code = parsed;
            category = parsed.Category;
        }

        if (!string.IsNullOrWhiteSpace(draft.Category))
        {
            if (ResourceCategory.TryParse(draft.Category, out var parsed) is var error and not ResourceCodeError.None)
            {
                issues.Add(CatalogIssues.Code(error, "category"));
                return (null, null);
            }

            if (category is { } fromCode && fromCode != parsed)
            {
                issues.Add(CatalogIssues.CodeCategoryMismatch(code!.Value.Value, parsed.Display));
                return (null, null);
            }

            category = parsed;
        }

        if (category is null)
        {
            issues.Add(CatalogIssues.CodeOrCategoryRequired());
            return (null, null);
        }

        if (_taxonomy.Check(category.Value, code is null ? "category" : "code") is { } unknown)
        {
            issues.Add(unknown);
        }

        return (category, code);
    }

    private async Task CheckReferencesAsync(IReadOnlyList<ResourceField> fields, ResourceCode? self, List<Issue> issues, CancellationToken cancellationToken)
    {
        var codes = fields.SelectMany(f => f.References).Select(r => r.Resource).Where(c => c != self).Distinct().ToList();
        var known = await store.CurrentFieldsAsync(codes, cancellationToken);
        SchemaRules.CheckReferences(fields, self, c => known.GetValueOrDefault(c), issues);
    }

    private static bool TryDecodeCursor(string? cursor, out ResourcePosition? after)
    {
        after = null;
        if (!Cursor.TryDecode(cursor, out var position))
        {
            return false;
        }

        if (position.Length == 0)
        {
            return true;
        }

        var bar = position.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !double.TryParse(position[..bar], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rank) ||
            ResourceCode.TryParse(position[(bar + 1)..], out var code) != ResourceCodeError.None)
        {
            return false;
        }

        after = new ResourcePosition(rank, code.Value);
        return true;
    }
}

/// <summary>Log messages of the Catalog capability (event ids 2300–2399). Codes only: resource codes are public catalog data.</summary>
internal static partial class CatalogLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Resource {Code} described with {FieldCount} fields")]
    public static partial void Created(ILogger logger, string code, int fieldCount);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Resource {Code} published")]
    public static partial void Published(ILogger logger, string code);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Resource {Code} has schema version {Version} ({ChangeKind})")]
    public static partial void NewVersion(ILogger logger, string code, SchemaVersion version, SchemaChangeKind changeKind);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Demo catalog loaded: {Count} resources")]
    public static partial void DemoLoaded(ILogger logger, int count);
}
