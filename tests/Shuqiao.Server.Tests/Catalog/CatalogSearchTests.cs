using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Storage.Catalog;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Catalog.CatalogRequests;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>
/// Chinese search over name, summary and field labels (pg_trgm for three characters and more, the gram index for
/// one- and two-character words), filters, paging — on resources of an organization of the test's own, filtered by
/// provider so that other tests' rows never count.
/// </summary>
public sealed class CatalogSearchTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private async Task<(Guid Org, HttpClient Api)> CityAsync()
    {
        var (org, api) = await StewardAsync(server, "示范市检索测试局");
        var fields = new Func<JsonObject[]>(() => [IdNumberField(), TextField("name", "姓名", true, "Important", "Personal")]);
        await PublishedAsync(api, Resource("人口基本信息", NewCategory(), fields: fields()));
        await PublishedAsync(api, Resource("婚姻登记信息", NewCategory(), sharingType: "Unconditional", fields: fields()));
        var enterprise = new JsonObject
        {
            ["name"] = "creditCode", ["label"] = "统一社会信用代码", ["type"] = "string", ["key"] = true,
            ["classification"] = "General", ["personalInfo"] = "None", ["validators"] = new JsonArray(new JsonObject { ["kind"] = "cnCreditCode" }),
        };
        var enterpriseBody = Resource("企业登记信息", NewCategory(), sharingType: "Unconditional", fields: [enterprise, TextField("legalRepresentative", "法定代表人", true, "Important", "Personal")]);
        enterpriseBody["updateFrequency"] = "每周";
        enterpriseBody["summary"] = "市场主体登记的基本信息。";
        await PublishedAsync(api, enterpriseBody);
        await CreatedAsync(api, Resource("学籍信息（草稿）", NewCategory(), fields: fields()));
        return (org, api);
    }

    private static async Task<string[]> NamesAsync(HttpClient api, string query)
    {
        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/resources?" + query);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();
    }

    [Fact]
    public async Task Two_character_Chinese_words_find_the_resources_that_contain_them()
    {
        var (org, api) = await CityAsync();

        Assert.Equal(["人口基本信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("人口")}"));
        Assert.Equal(["婚姻登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("婚姻")}"));
        Assert.Equal(["企业登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("市场")}")); // from the summary
    }

    [Fact]
    public async Task A_field_label_finds_its_resource()
    {
        var (org, api) = await CityAsync();

        Assert.Equal(["企业登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("统一社会信用代码")}"));
        Assert.Equal(["企业登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("法定代表人")}"));
        Assert.Equal(["人口基本信息", "婚姻登记信息", "学籍信息（草稿）"], (await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("公民身份号码")}")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_term_must_match()
    {
        var (org, api) = await CityAsync();

        Assert.Equal(["婚姻登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("登记 身份")}"));
        Assert.Empty(await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("不动产")}"));
    }

    [Fact]
    public async Task A_match_in_the_name_ranks_before_a_match_in_a_field_label()
    {
        var (org, api) = await StewardAsync(server, "示范市排序测试局");
        await PublishedAsync(api, Resource("户籍信息", NewCategory(), fields: [IdNumberField(), TextField("documentType", "身份证件类型")]));
        await PublishedAsync(api, Resource("身份核验记录", NewCategory()));

        Assert.Equal(["身份核验记录", "户籍信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("身份")}"));
    }

    [Fact]
    public async Task A_single_character_and_a_full_width_query_work_too()
    {
        var (org, api) = await CityAsync();

        Assert.Equal(["婚姻登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("婚")}"));
        Assert.Equal(["企业登记信息"], await NamesAsync(api, $"providerId={org}&q={Uri.EscapeDataString("ｃｒｅｄｉｔＣｏｄｅ")}"));
    }

    [Fact]
    public async Task Filters_narrow_by_sharing_type_classification_frequency_and_status()
    {
        var (org, api) = await CityAsync();

        Assert.Equal(["企业登记信息", "婚姻登记信息"], (await NamesAsync(api, $"providerId={org}&sharingType=Unconditional")).Order(StringComparer.Ordinal));
        Assert.Equal(["人口基本信息", "婚姻登记信息", "学籍信息（草稿）"], (await NamesAsync(api, $"providerId={org}&classification=核心")).Order(StringComparer.Ordinal));
        Assert.Equal(["企业登记信息"], await NamesAsync(api, $"providerId={org}&updateFrequency=Weekly"));
        Assert.Equal(["学籍信息（草稿）"], await NamesAsync(api, $"providerId={org}&status=Draft"));
        var problem = await api.GetAsync($"/api/v1/resources?classification=secret");
        Assert.Equal(HttpStatusCode.BadRequest, problem.StatusCode);
    }

    [Fact]
    public async Task Another_organization_does_not_see_the_drafts_in_its_results()
    {
        var (org, _) = await CityAsync();
        var (_, other) = await StewardAsync(server, "示范市其他局");

        Assert.DoesNotContain("学籍信息（草稿）", await NamesAsync(other, $"providerId={org}"));
        Assert.Equal(3, (await NamesAsync(other, $"providerId={org}")).Length);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats()
    {
        var (org, api) = await CityAsync();

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources?providerId={org}&q={Uri.EscapeDataString("信息")}&limit=1" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(4, seen.Count);
        Assert.Equal(4, seen.Distinct().Count());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/resources?cursor=bm9wZQ")).StatusCode);
    }

    [Theory]
    [InlineData("统一社会信用代码", "data_resources_search_trgm_idx")]
    [InlineData("人口基本", "data_resources_search_trgm_idx")]
    [InlineData("人口", "data_resources_search_grams_idx")]
    [InlineData("婚", "data_resources_search_grams_idx")]
    public async Task Search_terms_use_the_trigram_or_the_gram_index(string term, string index)
    {
        var (sql, parameters) = CatalogStore.BuildSearch(new ResourceQuery([term], null, true));
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();

        // A test database holds a handful of rows, for which any scan is cheapest. With sequential and plain index
        // scans priced out, only a bitmap scan remains, and a bitmap scan needs an index condition: the plan shows
        // whether the search conditions can use the index at all.
        await connection.ExecuteAsync("set enable_seqscan = off; set enable_indexscan = off; set enable_indexonlyscan = off");
        var plan = string.Join('\n', await connection.QueryAsync<string>("explain " + sql, parameters));

        Assert.Contains(index, plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Similarity_and_substring_conditions_both_use_the_trigram_index()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("set enable_seqscan = off; set enable_indexscan = off; set enable_indexonlyscan = off");

        var ilike = string.Join('\n', await connection.QueryAsync<string>("explain select code from data_resources where search_text ilike '%人口基本%'"));
        var similar = string.Join('\n', await connection.QueryAsync<string>("explain select code from data_resources where '人口基本信息' <% search_text"));

        Assert.Contains("data_resources_search_trgm_idx", ilike, StringComparison.Ordinal);
        Assert.Contains("data_resources_search_trgm_idx", similar, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_locale_gives_Chinese_characters_trigrams()
    {
        // Under LC_CTYPE=C, CJK characters are no word characters and pg_trgm would produce no trigrams at all.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var trigrams = await connection.ExecuteScalarAsync<string[]>("select show_trgm('人口基本信息')");

        Assert.Equal(7, trigrams!.Length);
    }
}
