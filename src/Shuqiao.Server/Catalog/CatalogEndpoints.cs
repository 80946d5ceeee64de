using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Catalog;

/// <summary>
/// <c>/api/v1/resources</c> (design §5) and the catalog exports. Every authenticated caller reads the catalog;
/// platform administrators and the provider's data stewards change it.
/// </summary>
public static class CatalogEndpoints
{
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        var resources = routes.MapGroup("/api/v1/resources").WithTags("Catalog").RequireAuthorization(Policies.Api);
        resources.MapGet("/", List).WithName("ListResources")
            .WithSummary("Search and browse the catalog")
            .WithDescription("q matches name, summary, keywords, field labels and names (Chinese terms of any length); filters providerId, sharingType, classification (any field), updateFrequency, status; cursor paging.");
        resources.MapPost("/", Create).WithName("CreateResource").RequireAuthorization(CatalogPolicies.Editors)
            .WithSummary("Describe a new resource (a draft)");
        resources.MapGet("/{code}", Get).WithName("GetResource")
            .WithSummary("A resource with the fields of its current schema version");
        resources.MapPut("/{code}", Update).WithName("UpdateResource").RequireAuthorization(CatalogPolicies.Editors)
            .WithSummary("Edit a draft, or publish a new schema version of a published resource")
            .WithDescription("Send the revision you read. A changed schema of a published resource becomes a new version: additive changes the next minor, breaking changes (only with allowBreaking: true) the next major.");
        resources.MapPost("/{code}/publish", Publish).WithName("PublishResource").RequireAuthorization(CatalogPolicies.Editors);
        resources.MapPost("/{code}/retire", Retire).WithName("RetireResource").RequireAuthorization(CatalogPolicies.Editors);
        resources.MapGet("/{code}/versions", Versions).WithName("ListResourceVersions");
        resources.MapGet("/{code}/versions/{version}", Version).WithName("GetResourceVersion");

        var catalog = routes.MapGroup("/api/v1/catalog").WithTags("Catalog").RequireAuthorization(Policies.Api);
        routes.MapGet("/api/v1/catalog.jsonld", Dcat).WithName("GetCatalogDcat").WithTags("Catalog").RequireAuthorization(Policies.Api)
            .WithSummary("The published catalog as DCAT-AP 3 JSON-LD")
            .Produces(StatusCodes.Status200OK, contentType: CatalogDcat.MediaType);
        routes.MapGet("/api/v1/catalog.csv", Csv).WithName("ExportCatalogCsv").WithTags("Catalog").RequireAuthorization(Policies.Api)
            .WithSummary("The published catalog's 信息项 as CSV in the layout of the 政务信息资源目录编制指南")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        catalog.MapGet("/taxonomy", Taxonomy).WithName("GetCatalogTaxonomy").WithSummary("The categories (类-项-目-细目) resources are filed under");
        return routes;
    }

    private static async Task<Results<Ok<Page<ResourceSummaryResponse>>, ProblemHttpResult>> List(
        HttpContext context, CatalogService service, string? q, Guid? providerId, string? sharingType, string? classification,
        string? updateFrequency, string? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var filters = ReadFilters(q, providerId, sharingType, classification, updateFrequency, status);
        if (filters.Value is not { } search)
        {
            return Problems.From(filters.Failure!);
        }

        var page = await service.SearchAsync(search, CatalogAccess.Of(context.User), cursor, limit ?? Cursor.DefaultLimit, cancellationToken);
        return page.Value is { } results
            ? TypedResults.Ok(new Page<ResourceSummaryResponse>(results.Items.Select(ResourceSummaryResponse.Of).ToList(), results.NextCursor))
            : Problems.From(page.Failure!);
    }

    /// <summary>Reads the list filters (English or Chinese names); shared with the console's search.</summary>
    public static Outcome<CatalogSearch> ReadFilters(string? q, Guid? providerId, string? sharingType, string? classification, string? updateFrequency, string? status)
    {
        var issues = new List<Issue>();
        SharingType? sharing = null;
        DataClassification? level = null;
        UpdateFrequency? frequency = null;
        ResourceStatus? state = null;
        if (!string.IsNullOrWhiteSpace(sharingType))
        {
            sharing = CatalogTerms.TryParse(sharingType, out SharingType s) ? s : Add<SharingType>("sharingType", sharingType, "Unconditional, Conditional, NotShared");
        }

        if (!string.IsNullOrWhiteSpace(classification))
        {
            level = CatalogTerms.TryParse(classification, out DataClassification c) ? c : Add<DataClassification>("classification", classification, "General, Important, Core");
        }

        if (!string.IsNullOrWhiteSpace(updateFrequency))
        {
            frequency = CatalogTerms.TryParse(updateFrequency, out UpdateFrequency f) ? f : Add<UpdateFrequency>("updateFrequency", updateFrequency, "Realtime, Daily, Weekly, Monthly, Quarterly, Yearly, Irregular");
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            state = CatalogTerms.TryParse(status, out ResourceStatus r) ? r : Add<ResourceStatus>("status", status, "Draft, Published, Retired");
        }

        return issues.Count > 0 ? Failure.Invalid(issues) : new CatalogSearch(q, providerId, sharing, level, frequency, state);

        T? Add<T>(string field, string text, string allowed)
            where T : struct
        {
            issues.Add(CatalogIssues.Unknown(field, text.Trim(), allowed));
            return null;
        }
    }

    private static async Task<Results<Created<ResourceResponse>, ProblemHttpResult>> Create(
        ResourceDraft draft, HttpContext context, CatalogService service, CancellationToken cancellationToken)
    {
        var outcome = await service.CreateAsync(draft, CatalogAccess.Of(context.User), context.ToActor(), cancellationToken);
        return outcome.Value is { } resource
            ? TypedResults.Created($"/api/v1/resources/{resource.Code.Slug}", ResourceResponse.Of(resource, service.Taxonomy))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<ResourceResponse>, ProblemHttpResult>> Get(string code, HttpContext context, CatalogService service, CancellationToken cancellationToken)
    {
        if (InvalidCode(code) is { } invalid)
        {
            return invalid;
        }

        return await service.GetAsync(code, CatalogAccess.Of(context.User), cancellationToken) is { } resource
            ? TypedResults.Ok(ResourceResponse.Of(resource, service.Taxonomy))
            : Problems.NotFound("The resource");
    }

    private static async Task<Results<Ok<ResourceUpdateResponse>, ProblemHttpResult>> Update(
        string code, ResourceDraft draft, HttpContext context, CatalogService service, CancellationToken cancellationToken)
    {
        var outcome = await service.UpdateAsync(code, draft, CatalogAccess.Of(context.User), context.ToActor(), cancellationToken);
        return outcome.Value is { } change
            ? TypedResults.Ok(new ResourceUpdateResponse(ResourceResponse.Of(change.Resource, service.Taxonomy), change.NewVersion is { } v ? VersionResponse.Of(v, withFields: false) : null))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<ResourceResponse>, ProblemHttpResult>> Publish(string code, HttpContext context, CatalogService service, CancellationToken cancellationToken) =>
        Respond(await service.PublishAsync(code, CatalogAccess.Of(context.User), context.ToActor(), cancellationToken), service);

    private static async Task<Results<Ok<ResourceResponse>, ProblemHttpResult>> Retire(string code, HttpContext context, CatalogService service, CancellationToken cancellationToken) =>
        Respond(await service.RetireAsync(code, CatalogAccess.Of(context.User), context.ToActor(), cancellationToken), service);

    private static async Task<Results<Ok<ResourceVersionsResponse>, ProblemHttpResult>> Versions(string code, HttpContext context, CatalogService service, CancellationToken cancellationToken)
    {
        if (InvalidCode(code) is { } invalid)
        {
            return invalid;
        }

        return await service.VersionsAsync(code, CatalogAccess.Of(context.User), cancellationToken) is { } found
            ? TypedResults.Ok(new ResourceVersionsResponse(found.Resource.Code.Value, found.Resource.Version.ToString(), found.Versions.Select(v => VersionResponse.Of(v, withFields: false)).ToList()))
            : Problems.NotFound("The resource");
    }

    private static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> Version(
        string code, string version, HttpContext context, CatalogService service, CancellationToken cancellationToken)
    {
        if (InvalidCode(code) is { } invalid)
        {
            return invalid;
        }

        if (!SchemaVersion.TryParse(version, out var parsed))
        {
            return Problems.Invalid("version", $"'{version}' is not a schema version; versions are written major.minor, e.g. 1.0");
        }

        if (await service.GetAsync(code, CatalogAccess.Of(context.User), cancellationToken) is not { } resource)
        {
            return Problems.NotFound("The resource");
        }

        return await service.VersionAsync(resource, parsed, cancellationToken) is { } found
            ? TypedResults.Ok(VersionResponse.Of(found, withFields: true))
            : Problems.NotFound("The version");
    }

    private static async Task<IResult> Dcat(HttpContext context, CatalogService service, IOptions<CatalogOptions> options, IOptions<ShuqiaoOptions> node, TimeProvider clock, CancellationToken cancellationToken)
    {
        var document = await CatalogDcat.BuildAsync(service, options.Value, CatalogDcat.BaseUrl(node.Value, context.Request), clock.GetUtcNow(), cancellationToken);
        return TypedResults.Text(document, CatalogDcat.MediaType + "; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> Csv(CatalogService service, TimeProvider clock, CancellationToken cancellationToken)
    {
        var resources = await service.PublishedAsync(cancellationToken);
        return TypedResults.File(CatalogCsv.Write(resources, service.Taxonomy), "text/csv; charset=utf-8", CatalogCsv.FileName(clock.GetUtcNow()));
    }

    private static Ok<IReadOnlyList<TaxonomyNodeResponse>> Taxonomy(CatalogService service) =>
        TypedResults.Ok<IReadOnlyList<TaxonomyNodeResponse>>(service.Taxonomy.All.Select(n => new TaxonomyNodeResponse(n.Code, n.Name, n.Depth)).ToList());

    private static Results<Ok<ResourceResponse>, ProblemHttpResult> Respond(Outcome<DataResource> outcome, CatalogService service) =>
        outcome.Value is { } resource ? TypedResults.Ok(ResourceResponse.Of(resource, service.Taxonomy)) : Problems.From(outcome.Failure!);

    private static ProblemHttpResult? InvalidCode(string code) =>
        ResourceCode.TryParse(code, out _) is var error and not ResourceCodeError.None ? Problems.From(Failure.Invalid(CatalogIssues.Code(error))) : null;
}

/// <summary>The catalog's authorization policies.</summary>
public static class CatalogPolicies
{
    /// <summary>Who may describe and change resources at all: PlatformAdmin, or DataSteward (for its own organization, checked by the service).</summary>
    public const string Editors = "catalog-editors";
}
