using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Catalog;

/// <summary>
/// The published catalog as DCAT-AP 3.0 JSON-LD: a dcat:Catalog (mandatory: dct:title, dct:description,
/// dct:publisher) with a dcat:Dataset per published resource (mandatory: dct:title, dct:description), each with a
/// dcat:Distribution (mandatory: dcat:accessURL) served by the exchange gateway, a dcat:DataService (mandatory:
/// dct:title, dcat:endpointURL); publishers are foaf:Agents with foaf:name. Frequencies and access rights use the EU
/// vocabularies DCAT-AP names; sharing terms that DCAT has no property for are given in Shuqiao's own terms
/// (<c>urn:shuqiao:catalog:</c>).
/// </summary>
public static class CatalogDcat
{
    public const string MediaType = "application/ld+json";

    private const string Frequency = "http://publications.europa.eu/resource/authority/frequency/";
    private const string AccessRight = "http://publications.europa.eu/resource/authority/access-right/";
    private const string Language = "http://publications.europa.eu/resource/authority/language/ZHO";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The node's public address: configured, or the one this request came to.</summary>
    public static string BaseUrl(ShuqiaoOptions options, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        return options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
    }

    public static async Task<string> BuildAsync(CatalogService service, CatalogOptions options, string baseUrl, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var resources = await service.PublishedAsync(cancellationToken);
        var publisher = await service.PublisherAsync(cancellationToken);
        return Build(resources, service.Taxonomy, options, publisher is null ? null : (publisher.Id, publisher.Name, publisher.Code), baseUrl, now).ToJsonString(Output);
    }

    public static JsonObject Build(
        IReadOnlyList<DataResource> resources, CatalogTaxonomy taxonomy, CatalogOptions options, (Guid Id, string Name, string Code)? publisher, string baseUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(taxonomy);
        ArgumentNullException.ThrowIfNull(options);
        var serviceId = $"{baseUrl}/api/v1/exchange";
        var schemeId = $"{baseUrl}/api/v1/catalog/taxonomy";
        var publisherName = publisher?.Name ?? "数桥数据共享交换平台";
        var catalog = new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["dcat"] = "http://www.w3.org/ns/dcat#",
                ["dct"] = "http://purl.org/dc/terms/",
                ["foaf"] = "http://xmlns.com/foaf/0.1/",
                ["vcard"] = "http://www.w3.org/2006/vcard/ns#",
                ["skos"] = "http://www.w3.org/2004/02/skos/core#",
                ["owl"] = "http://www.w3.org/2002/07/owl#",
                ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
                ["sq"] = "urn:shuqiao:catalog:",
            },
            ["@id"] = $"{baseUrl}/api/v1/catalog.jsonld",
            ["@type"] = "dcat:Catalog",
            ["dct:title"] = Text(options.Title ?? $"{publisherName}政务信息资源目录"),
            ["dct:description"] = Text(options.Description ?? $"{publisherName}编制发布的政务信息资源目录：已发布的信息资源、信息项及其共享、开放属性。"),
            ["dct:publisher"] = Agent(baseUrl, publisher?.Id, publisherName, publisher?.Code),
            ["dct:language"] = Ref(Language),
            ["dct:modified"] = DateTime(resources.Count == 0 ? now : resources.Max(r => r.UpdatedAt)),
            ["foaf:homepage"] = Ref($"{baseUrl}/console/catalog"),
            ["dcat:themeTaxonomy"] = new JsonObject
            {
                ["@id"] = schemeId,
                ["@type"] = "skos:ConceptScheme",
                ["dct:title"] = Text("政务信息资源分类（类-项-目-细目）"),
            },
            ["dcat:service"] = new JsonArray(new JsonObject
            {
                ["@id"] = serviceId,
                ["@type"] = "dcat:DataService",
                ["dct:title"] = Text("数据共享交换接口"),
                ["dcat:endpointURL"] = Ref(serviceId + "/"),
                ["dcat:endpointDescription"] = Ref($"{baseUrl}/openapi/v1.json"),
                ["dcat:servesDataset"] = new JsonArray(resources.Select(r => (JsonNode)Ref(DatasetId(baseUrl, r))).ToArray()),
            }),
            ["dcat:dataset"] = new JsonArray(resources.Select(r => (JsonNode)Dataset(r, taxonomy, baseUrl, serviceId, schemeId)).ToArray()),
        };
        return catalog;
    }

    public static string FrequencyUri(UpdateFrequency frequency) => Frequency + frequency switch
    {
        UpdateFrequency.Realtime => "UPDATE_CONT",
        UpdateFrequency.Daily => "DAILY",
        UpdateFrequency.Weekly => "WEEKLY",
        UpdateFrequency.Monthly => "MONTHLY",
        UpdateFrequency.Quarterly => "QUARTERLY",
        UpdateFrequency.Yearly => "ANNUAL",
        UpdateFrequency.Irregular => "IRREG",
        _ => throw new ArgumentOutOfRangeException(nameof(frequency)),
    };

    /// <summary>dct:accessRights follows the 开放属性 (access by the public), not the sharing between departments.</summary>
    public static string AccessRightUri(OpenType open) => AccessRight + open switch
    {
        OpenType.Unconditional => "PUBLIC",
        OpenType.Conditional => "RESTRICTED",
        _ => "NON_PUBLIC",
    };

    private static JsonObject Dataset(DataResource r, CatalogTaxonomy taxonomy, string baseUrl, string serviceId, string schemeId)
    {
        var id = DatasetId(baseUrl, r);
        var dataset = new JsonObject
        {
            ["@id"] = id,
            ["@type"] = "dcat:Dataset",
            ["dct:identifier"] = r.Code.Value,
            ["dct:title"] = Text(r.Name),
            ["dct:description"] = Text(r.Summary),
            ["dct:publisher"] = Agent(baseUrl, r.ProviderId, r.ProviderName, r.ProviderCode),
            ["dct:accrualPeriodicity"] = Ref(FrequencyUri(r.UpdateFrequency)),
            ["dct:accessRights"] = Ref(AccessRightUri(r.OpenType)),
            ["owl:versionInfo"] = r.Version.ToString(),
            ["dct:modified"] = DateTime(r.UpdatedAt),
            ["dcat:landingPage"] = Ref($"{baseUrl}/console/catalog/{r.Code.Slug}"),
            ["dcat:theme"] = new JsonArray(taxonomy.PathOf(r.Code.Category).Select(node => (JsonNode)new JsonObject
            {
                ["@id"] = $"{schemeId}#{node.Code}",
                ["@type"] = "skos:Concept",
                ["skos:prefLabel"] = Text(node.Name),
                ["skos:notation"] = node.Code,
                ["skos:inScheme"] = Ref(schemeId),
            }).ToArray()),
            ["dcat:distribution"] = new JsonArray(new JsonObject
            {
                ["@id"] = id + "#exchange",
                ["@type"] = "dcat:Distribution",
                ["dct:title"] = Text($"{r.Name}（数据共享交换接口）"),
                ["dcat:accessURL"] = Ref($"{serviceId}/{r.Code.Slug}/query"),
                ["dcat:accessService"] = Ref(serviceId),
                ["dcat:mediaType"] = Ref("https://www.iana.org/assignments/media-types/application/json"),
                ["dct:conformsTo"] = Ref($"{baseUrl}/api/v1/resources/{r.Code.Slug}/versions/{r.Version}"),
            }),
            ["sq:sharingType"] = r.SharingType.ToString(),
            ["sq:openType"] = r.OpenType.ToString(),
            ["sq:highestClassification"] = r.HighestClassification.ToString(),
        };
        if (r.PublishedAt is { } published)
        {
            dataset["dct:issued"] = DateTime(published);
        }

        if (r.Keywords.Count > 0)
        {
            dataset["dcat:keyword"] = new JsonArray(r.Keywords.Select(k => (JsonNode)Text(k)).ToArray());
        }

        if (r.SharingConditions is { } conditions)
        {
            dataset["sq:sharingConditions"] = Text(conditions);
        }

        if (r.LegalBasis is { } basis)
        {
            dataset["sq:legalBasis"] = Text(basis);
        }

        if (r.Contact is { } contact)
        {
            var point = new JsonObject { ["@type"] = "vcard:Kind", ["vcard:fn"] = contact.Name ?? r.ProviderName };
            if (contact.Email is { } email)
            {
                point["vcard:hasEmail"] = Ref("mailto:" + email);
            }

            if (contact.Phone is { } phone)
            {
                point["vcard:hasTelephone"] = Ref("tel:" + new string(phone.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray()));
            }

            dataset["dcat:contactPoint"] = point;
        }

        return dataset;
    }

    private static string DatasetId(string baseUrl, DataResource r) => $"{baseUrl}/api/v1/resources/{r.Code.Slug}";

    private static JsonObject Agent(string baseUrl, Guid? id, string name, string? code)
    {
        var agent = new JsonObject { ["@type"] = "foaf:Agent", ["foaf:name"] = Text(name) };
        if (id is { } organization)
        {
            agent["@id"] = $"{baseUrl}/api/v1/organizations/{organization}";
        }

        if (!string.IsNullOrEmpty(code))
        {
            agent["dct:identifier"] = code; // 统一社会信用代码
        }

        return agent;
    }

    private static JsonObject Text(string value) => new() { ["@value"] = value, ["@language"] = "zh-CN" };

    private static JsonObject Ref(string iri) => new() { ["@id"] = iri };

    private static JsonObject DateTime(DateTimeOffset value) => new()
    {
        ["@value"] = value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["@type"] = "xsd:dateTime",
    };
}
