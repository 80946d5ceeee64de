using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Organizations;

/// <summary>/api/v1/organizations through the real server, with personal access tokens and API keys (docs/organizations.md).</summary>
public sealed class OrganizationApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    [Fact]
    public async Task A_platform_admin_creates_an_organization_and_the_same_code_again_is_a_409_on_code()
    {
        var admin = await AdminAsync();
        var code = TestData.NewCreditCode();

        var created = await CreateAsync(admin, code, "福州市数据管理局", "市级");
        var again = await CreateAsync(admin, Spaced(code.ToLowerInvariant()), "另一个名称", "City");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/organizations/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal("City", body.GetProperty("level").GetString());
        Assert.Equal("Active", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var reasons = await again.AssertFieldErrorAsync(HttpStatusCode.Conflict, "code");
        Assert.Contains(reasons, r => r.Contains("福州市数据管理局", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_credit_code_is_a_400_that_names_the_expected_check_character()
    {
        var admin = await AdminAsync();
        var code = TestData.NewCreditCode();
        var wrong = code[..17] + (code[17] == '0' ? '1' : '0');

        var response = await CreateAsync(admin, wrong, "校验码错误局", "City");

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "code");
        Assert.Contains(reasons, r => r.Contains($"GB 32100 gives '{code[17]}'", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/organizations/by-code/{wrong[..17]}{code[17]}")).StatusCode);
    }

    [Fact]
    public async Task Callers_without_the_PlatformAdmin_role_cannot_create_and_nothing_is_created()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "非管理员所在局");
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var (system, _, _) = await server.ApiAsClientAsync(org);
        var code = TestData.NewCreditCode();

        await (await CreateAsync(steward, code, "越权创建局", "City")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await CreateAsync(system, code, "越权创建局", "City")).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NotFound, (await steward.GetAsync($"/api/v1/organizations/by-code/{code}")).StatusCode);
    }

    [Fact]
    public async Task An_edit_needs_the_version_that_was_read_and_a_stale_one_is_a_409_on_version()
    {
        var admin = await AdminAsync();
        var id = await CreatedIdAsync(admin, TestData.NewCreditCode(), "待改名局", "City");

        var renamed = await admin.PutAsJsonAsync($"/api/v1/organizations/{id}", new { name = "已改名局", level = "City", parentId = (Guid?)null, isDataAuthority = false, version = 1 });
        var stale = await admin.PutAsJsonAsync($"/api/v1/organizations/{id}", new { name = "再次改名局", level = "City", parentId = (Guid?)null, isDataAuthority = false, version = 1 });
        var missing = await admin.PutAsJsonAsync($"/api/v1/organizations/{id}", new { name = "再次改名局", level = "City", parentId = (Guid?)null, isDataAuthority = false });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(2, (await renamed.JsonAsync()).GetProperty("version").GetInt32());
        await stale.AssertFieldErrorAsync(HttpStatusCode.Conflict, "version");
        await missing.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "version");
        Assert.Equal("已改名局", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{id}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_list_filters_by_level_status_parent_and_search_and_pages_with_a_cursor()
    {
        var admin = await AdminAsync();
        var tag = "筛" + Guid.NewGuid().ToString("N")[..6];
        var city = await CreatedIdAsync(admin, TestData.NewCreditCode(), $"{tag}市", "市级");
        var counties = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            counties.Add(await CreatedIdAsync(admin, TestData.NewCreditCode(), $"{tag}第{i}区", "县级", city));
        }

        var disabled = await CreatedIdAsync(admin, TestData.NewCreditCode(), $"{tag}撤并区", "County", city);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{disabled}/disable", null)).StatusCode);

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>(
                $"/api/v1/organizations?parentId={city}&level={Uri.EscapeDataString("县级")}&status=Active&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            Assert.All(items, o => Assert.Equal("County", o.GetProperty("level").GetString()));
            seen.AddRange(items.Select(o => o.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 5);

        Assert.Equal(2, pages);
        Assert.Equal(counties.Order(), seen.Order());
        var onlyDisabled = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations?parentId={city}&status=Disabled");
        Assert.Equal([disabled], onlyDisabled.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
        var searched = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations?search={Uri.EscapeDataString(tag)}&limit=500");
        Assert.Equal(
            counties.Append(city).Append(disabled).Order(),
            searched.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).Order());
    }

    [Theory]
    [InlineData("cursor=%25%25%25", "cursor")]
    [InlineData("level=%E9%83%A1", "level")]
    [InlineData("status=Gone", "status")]
    public async Task An_unreadable_filter_is_a_400_naming_the_parameter(string query, string field)
    {
        var admin = await AdminAsync();

        var response = await admin.GetAsync($"/api/v1/organizations?{query}");

        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_tree_nests_each_organization_under_its_parent()
    {
        var admin = await AdminAsync();
        var city = await CreatedIdAsync(admin, TestData.NewCreditCode(), "树形测试市", "City");
        var county = await CreatedIdAsync(admin, TestData.NewCreditCode(), "树形测试区", "County", city);
        var town = await CreatedIdAsync(admin, TestData.NewCreditCode(), "树形测试街道", "Town", county);

        var tree = await admin.GetFromJsonAsync<JsonElement>("/api/v1/organizations/tree");

        var root = tree.EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == city);
        var child = Assert.Single(root.GetProperty("children").EnumerateArray());
        Assert.Equal(county, child.GetProperty("id").GetGuid());
        Assert.Equal(town, Assert.Single(child.GetProperty("children").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.DoesNotContain(tree.EnumerateArray(), n => n.GetProperty("id").GetGuid() == county);
    }

    [Fact]
    public async Task By_code_accepts_lower_case_and_spaces_refuses_an_invalid_code_and_does_not_find_an_unknown_one()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "按代码查询局");
        var (system, _, _) = await server.ApiAsClientAsync(org);
        var admin = await AdminAsync();
        var code = TestData.NewCreditCode();
        var id = await CreatedIdAsync(admin, code, "按代码查询目标局", "City");

        var found = await system.GetAsync($"/api/v1/organizations/by-code/{Uri.EscapeDataString(Spaced(code.ToLowerInvariant()))}");
        var invalid = await system.GetAsync($"/api/v1/organizations/by-code/{code[..17]}");
        var unknown = await system.GetAsync($"/api/v1/organizations/by-code/{TestData.NewCreditCode()}");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(id, (await found.JsonAsync()).GetProperty("id").GetGuid());
        await invalid.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "code");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disabling_a_parent_with_an_active_child_and_enabling_a_child_under_a_disabled_parent_are_409s_on_status()
    {
        var admin = await AdminAsync();
        var parent = await CreatedIdAsync(admin, TestData.NewCreditCode(), "停用测试市", "City");
        var child = await CreatedIdAsync(admin, TestData.NewCreditCode(), "停用测试区", "County", parent);

        var refused = await admin.PostAsync($"/api/v1/organizations/{parent}/disable", null);
        var reasons = await refused.AssertFieldErrorAsync(HttpStatusCode.Conflict, "status");
        Assert.Contains(reasons, r => r.Contains("停用测试区", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{child}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{parent}/disable", null)).StatusCode);
        var tooEarly = await admin.PostAsync($"/api/v1/organizations/{child}/enable", null);
        Assert.Contains(await tooEarly.AssertFieldErrorAsync(HttpStatusCode.Conflict, "status"), r => r.Contains("停用测试市", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/organizations/{parent}/enable", null)).StatusCode);
        var enabled = await admin.PostAsync($"/api/v1/organizations/{child}/enable", null);
        Assert.Equal("Active", (await enabled.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_gb18030_csv_declared_in_the_content_type_is_imported_with_counts_per_level()
    {
        var admin = await AdminAsync();
        var (city, county) = (TestData.NewCreditCode(), TestData.NewCreditCode());
        var csv = $"统一社会信用代码,名称,层级,上级机构代码,是否数据主管部门\n{city},导入测试市数据局,市级,,是\n{county},导入测试区数据局,县级,{city},否\n";

        var response = await ImportAsync(admin, Gb18030.GetBytes(csv), "text/csv; charset=gb18030");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.JsonAsync();
        Assert.Equal(2, counts.GetProperty("created").GetInt32());
        Assert.Equal(1, counts.GetProperty("byLevel").GetProperty("City").GetInt32());
        Assert.Equal(1, counts.GetProperty("byLevel").GetProperty("County").GetInt32());
        Assert.Equal(0, counts.GetProperty("byLevel").GetProperty("Province").GetInt32());
        var stored = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/by-code/{county}");
        Assert.Equal("导入测试区数据局", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_file_with_one_bad_row_is_refused_with_row_errors_and_nothing_is_written()
    {
        var admin = await AdminAsync();
        var good = TestData.NewCreditCode();
        var other = TestData.NewCreditCode();
        var bad = other[..17] + (other[17] == '0' ? '1' : '0');
        var csv = $"code,name,level,parentCode\n{good},整体导入测试局,City,\n{bad},校验码错误测试局,City,\n";

        var response = await ImportAsync(admin, Encoding.UTF8.GetBytes(csv), "text/csv");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("rowErrors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("row").GetInt32());
        Assert.Equal("code", error.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/organizations/by-code/{good}")).StatusCode);
    }

    [Fact]
    public async Task A_gbk_file_sent_without_a_charset_is_refused_on_file_and_suggests_gb18030()
    {
        var admin = await AdminAsync();
        var code = TestData.NewCreditCode();
        var csv = $"统一社会信用代码,名称,层级,上级机构代码\n{code},编码测试局,市级,\n";

        var response = await ImportAsync(admin, Gb18030.GetBytes(csv), "text/csv");

        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "file"), r => r.Contains("charset=gb18030", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/organizations/by-code/{code}")).StatusCode);
    }

    [Fact]
    public async Task A_json_body_sent_to_the_import_is_a_415_naming_the_content_type()
    {
        var admin = await AdminAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/organizations/import", new { code = TestData.NewCreditCode() });

        await response.AssertFieldErrorAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task A_charset_parameter_that_disagrees_with_the_content_type_is_a_400_on_charset()
    {
        var admin = await AdminAsync();
        var csv = $"code,name,level,parentCode\n{TestData.NewCreditCode()},字符集测试局,City,\n";

        var response = await ImportAsync(admin, Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "?charset=gb18030");

        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "charset");
    }

    [Fact]
    public async Task A_console_session_cookie_alone_is_a_401()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "会话测试局");
        var admin = await server.CreateUserAsync(org, "oc-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.PlatformAdmin);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, admin.Login, ServerFactory.TestPassword)).StatusCode);

        var list = await browser.GetAsync("/api/v1/organizations");
        var create = await browser.PostAsJsonAsync("/api/v1/organizations", new { code = TestData.NewCreditCode(), name = "会话创建局", level = "City" });

        await list.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await create.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpClient> AdminAsync() =>
        await server.ApiAsUserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "数据局"), Roles.PlatformAdmin);

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, string code, string name, string level, Guid? parentId = null) =>
        client.PostAsJsonAsync("/api/v1/organizations", new { code, name, level, parentId, isDataAuthority = false });

    private static async Task<Guid> CreatedIdAsync(HttpClient client, string code, string name, string level, Guid? parentId = null)
    {
        var response = await CreateAsync(client, code, name, level, parentId);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file, string contentType, string query = "")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync("/api/v1/organizations/import" + query, content);
    }

    /// <summary>A code as people type it: groups separated by a space and a hyphen (docs/organizations.md).</summary>
    private static string Spaced(string code) => $"{code[..2]} {code[2..8]}-{code[8..17]} {code[17]}";
}
