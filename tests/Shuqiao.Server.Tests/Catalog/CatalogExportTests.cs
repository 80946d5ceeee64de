using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Catalog;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Catalog.CatalogRequests;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>The catalog exports: DCAT-AP 3 JSON-LD and the 编制指南 CSV layout.</summary>
public sealed class CatalogExportTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static string Literal(JsonElement node, string property) => node.GetProperty(property).GetProperty("@value").GetString()!;

    private static string Iri(JsonElement node, string property) => node.GetProperty(property).GetProperty("@id").GetString()!;

    private async Task<(HttpClient Api, JsonElement Published, JsonElement Draft)> CatalogAsync()
    {
        await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市政务服务和数据管理局", dataAuthority: true);
        var (_, api) = await StewardAsync(server, "示范市公安局");
        var body = Resource("人口基本信息", NewCategory());
        body["keywords"] = new JsonArray("人口", "户籍");
        body["contact"] = new JsonObject { ["name"] = "人口管理支队", ["email"] = "rk@police.example.gov.cn", ["phone"] = "0599-87000110" };
        body["updateFrequency"] = "每月";
        body["openType"] = "有条件开放";
        body["openConditions"] = "经申请用于科研";
        var published = await PublishedAsync(api, body);
        var draft = await CreatedAsync(api, Resource("学籍信息（草稿）", NewCategory()));
        return (api, published, draft);
    }

    [Fact]
    public async Task The_dcat_catalog_has_the_mandatory_properties_of_DCAT_AP_3()
    {
        var (api, published, draft) = await CatalogAsync();

        var response = await api.GetAsync("/api/v1/catalog.jsonld");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        var catalog = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("http://www.w3.org/ns/dcat#", catalog.GetProperty("@context").GetProperty("dcat").GetString());
        Assert.Equal("dcat:Catalog", catalog.GetProperty("@type").GetString());
        // Catalogue: dct:title, dct:description, dct:publisher (a foaf:Agent with foaf:name).
        Assert.False(string.IsNullOrEmpty(Literal(catalog, "dct:title")));
        Assert.False(string.IsNullOrEmpty(Literal(catalog, "dct:description")));
        Assert.Equal("foaf:Agent", catalog.GetProperty("dct:publisher").GetProperty("@type").GetString());
        Assert.False(string.IsNullOrEmpty(Literal(catalog.GetProperty("dct:publisher"), "foaf:name")));
        // Data service: dct:title, dcat:endpointURL.
        var service = catalog.GetProperty("dcat:service")[0];
        Assert.Equal("dcat:DataService", service.GetProperty("@type").GetString());
        Assert.False(string.IsNullOrEmpty(Literal(service, "dct:title")));
        Assert.StartsWith("http", Iri(service, "dcat:endpointURL"), StringComparison.Ordinal);

        var datasets = catalog.GetProperty("dcat:dataset").EnumerateArray().ToList();
        Assert.DoesNotContain(datasets, d => d.GetProperty("dct:identifier").GetString() == draft.GetProperty("code").GetString());
        Assert.All(datasets, d =>
        {
            // Dataset: dct:title, dct:description; Distribution: dcat:accessURL.
            Assert.Equal("dcat:Dataset", d.GetProperty("@type").GetString());
            Assert.False(string.IsNullOrEmpty(Literal(d, "dct:title")));
            Assert.False(string.IsNullOrEmpty(Literal(d, "dct:description")));
            var distribution = d.GetProperty("dcat:distribution")[0];
            Assert.Equal("dcat:Distribution", distribution.GetProperty("@type").GetString());
            Assert.StartsWith("http", Iri(distribution, "dcat:accessURL"), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(Literal(d.GetProperty("dct:publisher"), "foaf:name")));
        });
    }

    [Fact]
    public async Task A_published_resource_is_described_with_its_terms_in_dcat()
    {
        var (api, published, _) = await CatalogAsync();
        var catalog = await api.GetFromJsonAsync<JsonElement>("/api/v1/catalog.jsonld");

        var dataset = catalog.GetProperty("dcat:dataset").EnumerateArray().Single(d => d.GetProperty("dct:identifier").GetString() == published.GetProperty("code").GetString());

        Assert.Equal("人口基本信息", Literal(dataset, "dct:title"));
        Assert.Equal("zh-CN", dataset.GetProperty("dct:title").GetProperty("@language").GetString());
        Assert.Equal("示范市公安局", Literal(dataset.GetProperty("dct:publisher"), "foaf:name"));
        Assert.Equal("http://publications.europa.eu/resource/authority/frequency/MONTHLY", Iri(dataset, "dct:accrualPeriodicity"));
        Assert.Equal("http://publications.europa.eu/resource/authority/access-right/RESTRICTED", Iri(dataset, "dct:accessRights"));
        Assert.Equal(["人口", "户籍"], dataset.GetProperty("dcat:keyword").EnumerateArray().Select(k => k.GetProperty("@value").GetString()));
        Assert.Equal(["基础信息资源", "人口基础信息"], dataset.GetProperty("dcat:theme").EnumerateArray().Select(t => Literal(t, "skos:prefLabel")));
        Assert.Equal("mailto:rk@police.example.gov.cn", Iri(dataset.GetProperty("dcat:contactPoint"), "vcard:hasEmail"));
        Assert.Equal("tel:059987000110", Iri(dataset.GetProperty("dcat:contactPoint"), "vcard:hasTelephone"));
        Assert.Equal("1.0", dataset.GetProperty("owl:versionInfo").GetString());
        Assert.Equal("Conditional", dataset.GetProperty("sq:sharingType").GetString());
        Assert.Equal("xsd:dateTime", dataset.GetProperty("dct:issued").GetProperty("@type").GetString());
        Assert.EndsWith($"/api/v1/exchange/{published.GetProperty("slug").GetString()}/query", Iri(dataset.GetProperty("dcat:distribution")[0], "dcat:accessURL"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_export_lists_every_field_of_published_resources_in_the_guide_layout()
    {
        var (api, published, draft) = await CatalogAsync();

        var response = await api.GetAsync("/api/v1/catalog.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = CsvRecords.Read(Encoding.UTF8.GetString(bytes[3..])).Select(r => r.Fields).ToList();
        Assert.Equal(CatalogCsv.Columns, rows[0]);
        var mine = rows.Where(r => r[2] == published.GetProperty("code").GetString()).ToList();
        Assert.Equal(
            [
                ["基础信息资源/人口基础信息", "人口基本信息", published.GetProperty("code").GetString()!, "示范市公安局", "公民身份号码", "字符型", "", "有条件共享", "用于政务服务身份核验", "有条件开放（经申请用于科研）", "每月"],
                ["基础信息资源/人口基础信息", "人口基本信息", published.GetProperty("code").GetString()!, "示范市公安局", "姓名", "字符型", "50", "有条件共享", "用于政务服务身份核验", "有条件开放（经申请用于科研）", "每月"],
            ],
            mine.Select(r => r.ToArray()));
        Assert.DoesNotContain(rows, r => r[2] == draft.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Csv_cells_that_a_spreadsheet_would_run_as_formulas_are_disarmed()
    {
        var (_, api) = await StewardAsync(server);
        var published = await PublishedAsync(api, Resource("=HYPERLINK(\"http://evil.example\",\"点击\")", NewCategory()));

        var text = Encoding.UTF8.GetString((await api.GetByteArrayAsync("/api/v1/catalog.csv"))[3..]);

        var row = CsvRecords.Read(text).Select(r => r.Fields).First(r => r[2] == published.GetProperty("code").GetString());
        Assert.StartsWith("'=HYPERLINK", row[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_shared_resources_give_their_legal_basis_in_the_conditions_column()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("收养登记信息", NewCategory(), sharingType: "NotShared");
        body["legalBasis"] = "《中华人民共和国民法典》第一千一百一十条";
        var published = await PublishedAsync(api, body);

        var text = Encoding.UTF8.GetString((await api.GetByteArrayAsync("/api/v1/catalog.csv"))[3..]);

        var row = CsvRecords.Read(text).Select(r => r.Fields).First(r => r[2] == published.GetProperty("code").GetString());
        Assert.Equal(("不予共享", "不予共享依据：《中华人民共和国民法典》第一千一百一十条"), (row[7], row[8]));
    }
}
