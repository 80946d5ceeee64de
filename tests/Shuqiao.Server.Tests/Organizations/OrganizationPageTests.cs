using Shuqiao.Core.Common;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Organizations;

/// <summary>The console pages through the real server, signed in through the login form (zh-CN, the default language).</summary>
public sealed class OrganizationPageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Password = "Correct-Horse-9";

    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    private async Task<ConsoleBrowser> SignInAsync(string role)
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "测试用户所在局");
        var login = "u" + Guid.NewGuid().ToString("N")[..10];
        await server.CreateUserAsync(org, login, Password, role);
        return await ConsoleBrowser.SignInAsync(server, login, Password);
    }

    private Task<Organization> CreateAsync(string name, OrganizationLevel level, Guid? parentId = null) =>
        server.WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<OrganizationService>().CreateAsync(
                new CreateOrganizationRequest(TestData.NewCreditCode(), name, level.ToString(), parentId, false), Actor.System("tests"), CancellationToken.None);
            return outcome.Value ?? throw new InvalidOperationException(string.Join("; ", outcome.Failure!.Issues));
        });

    private static Dictionary<string, string> Form(string? code, string name, string level, Guid? parentId = null, bool flag = false, int? version = null)
    {
        var form = new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Level"] = level,
            ["ParentId"] = parentId?.ToString() ?? "",
            ["IsDataAuthority"] = flag ? "true" : "false",
        };
        if (code is not null)
        {
            form["Code"] = code;
        }

        if (version is not null)
        {
            form["Version"] = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return form;
    }

    [Fact]
    public async Task Children_not_shown_yet_are_served_as_a_tree_group_when_expanded()
    {
        var city = await CreateAsync("福州市公安局", OrganizationLevel.City);
        var county = await CreateAsync("鼓楼分局", OrganizationLevel.County, city.Id);
        await CreateAsync("东街派出所", OrganizationLevel.Town, county.Id);
        var browser = await SignInAsync(Roles.Auditor);

        var html = await browser.GetStringAsync($"/console/organizations?handler=children&parentId={county.Id}");

        Assert.StartsWith($"<ul role=\"group\" id=\"org-group-{county.Id:N}\"", html.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("东街派出所", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_lists_matching_organizations_with_their_parent()
    {
        var city = await CreateAsync("福州市市场监督管理局", OrganizationLevel.City);
        await CreateAsync("仓山区市场监督管理局检索样例", OrganizationLevel.County, city.Id);
        var browser = await SignInAsync(Roles.DataSteward);

        var html = await browser.GetStringAsync("/console/organizations?q=" + Uri.EscapeDataString("检索样例"));

        Assert.Contains("仓山区市场监督管理局检索样例", html, StringComparison.Ordinal);
        Assert.Contains("<td>福州市市场监督管理局</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_creates_an_organization_and_sees_it_with_its_audit_event()
    {
        var parent = await CreateAsync("福州市教育局", OrganizationLevel.City);
        var browser = await SignInAsync(Roles.PlatformAdmin);
        var code = TestData.NewCreditCode();

        var response = await browser.PostFormAsync("/console/organizations/new", "/console/organizations/new", Form(code.ToLowerInvariant(), "鼓楼区教育局", "County", parent.Id));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var details = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已新建机构“鼓楼区教育局”", details, StringComparison.Ordinal);
        Assert.Contains(code, details, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/console/organizations/{parent.Id}\">福州市教育局</a>", details, StringComparison.Ordinal);
        Assert.Contains("data-action=\"organization.create\">新建</td>", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_check_character_is_shown_in_chinese_next_to_the_code_field()
    {
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFormAsync("/console/organizations/new", "/console/organizations/new", Form("91110000600037341N", "福州市某局", "City"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<div id=\"org-code-error\" class=\"invalid-feedback d-block\">\\s*<div>校验码不符：第 18 位为“N”，按 GB 32100 计算应为“L”。", html);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"福州市某局\"", html, StringComparison.Ordinal); // what was typed is kept
    }

    [Fact]
    public async Task A_duplicate_code_is_a_conflict_naming_the_holder()
    {
        var existing = await CreateAsync("福州市司法局", OrganizationLevel.City);
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFormAsync("/console/organizations/new", "/console/organizations/new", Form(existing.Code, "福州市司法局二", "City"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("该统一社会信用代码已被机构“福州市司法局”使用。", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parent_at_a_lower_level_is_explained_next_to_the_parent_field()
    {
        var city = await CreateAsync("福州市人社局", OrganizationLevel.City);
        var county = await CreateAsync("鼓楼区人社局", OrganizationLevel.County, city.Id);
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFormAsync("/console/organizations/new", "/console/organizations/new", Form(TestData.NewCreditCode(), "某市级单位", "City", county.Id));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches("<div id=\"org-parent-error\"[^>]*>\\s*<div>上级机构的层级必须高于市级，但“鼓楼区人社局”为县级。", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Editing_with_a_stale_version_shows_a_conflict_and_a_way_to_reload()
    {
        var city = await CreateAsync("福州市住建局", OrganizationLevel.City);
        var browser = await SignInAsync(Roles.PlatformAdmin);
        var edit = $"/console/organizations/{city.Id}/edit";
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync(edit, edit, Form(null, "福州市住房和城乡建设局", "City", version: 1))).StatusCode);

        var stale = await browser.PostFormAsync(edit, edit, Form(null, "福州市住建局（旧）", "City", version: 1));

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var html = await stale.Content.ReadAsStringAsync();
        Assert.Contains("该机构已被他人修改，请重新加载后再编辑。", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{edit}\"", html, StringComparison.Ordinal);
        var details = await browser.GetStringAsync($"/console/organizations/{city.Id}");
        Assert.Contains("福州市住房和城乡建设局", details, StringComparison.Ordinal);
        Assert.Contains("名称：<span class=\"text-body-secondary\">福州市住建局</span>", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_an_organization_with_active_children_is_refused_with_the_reason()
    {
        var city = await CreateAsync("福州市应急管理局", OrganizationLevel.City);
        await CreateAsync("晋安区应急管理局", OrganizationLevel.County, city.Id);
        var browser = await SignInAsync(Roles.PlatformAdmin);
        var details = $"/console/organizations/{city.Id}";

        var response = await browser.PostFormAsync(details, $"/console/organizations/{city.Id}/edit?handler=disable", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var html = await browser.GetStringAsync(details);
        Assert.Contains("未能停用“福州市应急管理局”", html, StringComparison.Ordinal);
        Assert.Contains("仍有 1 个启用中的下级机构（晋安区应急管理局），请先停用下级机构。", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leaf_is_disabled_and_enabled_from_its_detail_page()
    {
        var city = await CreateAsync("福州市体育局", OrganizationLevel.City);
        var browser = await SignInAsync(Roles.PlatformAdmin);
        var details = $"/console/organizations/{city.Id}";

        await browser.PostFormAsync(details, $"/console/organizations/{city.Id}/edit?handler=disable", []);
        var disabled = await browser.GetStringAsync(details);
        await browser.PostFormAsync(details, $"/console/organizations/{city.Id}/edit?handler=enable", []);
        var enabled = await browser.GetStringAsync(details);

        Assert.Contains("已停用“福州市体育局”。", disabled, StringComparison.Ordinal);
        Assert.Contains("edit?handler=enable", disabled, StringComparison.Ordinal);
        Assert.Contains("已启用“福州市体育局”。", enabled, StringComparison.Ordinal);
        Assert.Contains("data-action=\"organization.disable\"", enabled, StringComparison.Ordinal);
        Assert.Contains("data-action=\"organization.enable\"", enabled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_gb18030_file_reports_the_organizations_created()
    {
        var city = await CreateAsync("福州市自然资源和规划局", OrganizationLevel.City);
        var (a, b) = (TestData.NewCreditCode(), TestData.NewCreditCode());
        var file = Gb18030.GetBytes($"统一社会信用代码,名称,层级,上级机构代码\r\n{a},鼓楼区自然资源局,县级,{city.Code}\r\n{b},温泉街道规划所,乡镇级,{a}\r\n");
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFileAsync("/console/organizations/import", "/console/organizations/import", file, "机构.csv", [new("Charset", "gb18030")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("导入成功：共新建 2 个机构。", html, StringComparison.Ordinal);
        var tree = await browser.GetStringAsync($"/console/organizations?q={Uri.EscapeDataString("温泉街道规划所")}");
        Assert.Contains("温泉街道规划所", tree, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_with_a_bad_row_writes_nothing_and_lists_the_row_in_a_table()
    {
        var good = TestData.NewCreditCode();
        var file = Encoding.UTF8.GetBytes($"code,name,level\r\n{good},福州市导入测试局,City\r\n91110000600037341N,另一个局,City\r\n");
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFileAsync("/console/organizations/import", "/console/organizations/import", file, "organizations.csv", [new("Charset", "utf-8")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("文件未导入，没有写入任何数据。请修正下列 1 处问题后重新上传整份文件。", html, StringComparison.Ordinal);
        Assert.Matches("<td>3</td>\\s*<td>统一社会信用代码</td>\\s*<td>校验码不符", html);
        var search = await browser.GetStringAsync("/console/organizations?q=" + good);
        Assert.Contains("没有符合条件的机构。", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gbk_file_uploaded_as_utf8_explains_how_to_choose_the_encoding()
    {
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.PostFileAsync("/console/organizations/import", "/console/organizations/import", Gb18030.GetBytes("名称,层级\r\n"), "x.csv", [new("Charset", "utf-8")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("请将文件编码选为 GB18030 后重新上传", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_template_is_a_utf8_csv_with_the_chinese_header()
    {
        var browser = await SignInAsync(Roles.PlatformAdmin);

        var response = await browser.GetAsync("/console/organizations/import?handler=template");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("\uFEFF统一社会信用代码,名称,层级,上级机构代码,是否数据主管部门\r\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task Other_users_read_organizations_but_cannot_open_the_forms_or_post_changes()
    {
        var city = await CreateAsync("福州市退役军人事务局", OrganizationLevel.City);
        var browser = await SignInAsync(Roles.DataSteward);
        var details = $"/console/organizations/{city.Id}";

        var page = await browser.GetStringAsync(details);
        var newForm = await browser.GetAsync("/console/organizations/new");
        var import = await browser.GetAsync("/console/organizations/import");
        var disable = await browser.PostFormAsync(details, $"/console/organizations/{city.Id}/edit?handler=disable", []);

        Assert.Contains("福州市退役军人事务局", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/edit", page, StringComparison.Ordinal);
        Assert.DoesNotContain("最近操作记录", page, StringComparison.Ordinal); // admin audit is for PlatformAdmin and Auditor
        Assert.Equal("/console/denied", newForm.Headers.Location?.AbsolutePath);
        Assert.Equal("/console/denied", import.Headers.Location?.AbsolutePath);
        Assert.Equal("/console/denied", disable.Headers.Location?.AbsolutePath);
        var after = await server.WithScopeAsync(sp => sp.GetRequiredService<OrganizationService>().GetAsync(city.Id, CancellationToken.None));
        Assert.Equal(OrganizationStatus.Active, after?.Status);
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/console/organizations");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task An_unknown_organization_is_not_found()
    {
        var browser = await SignInAsync(Roles.PlatformAdmin);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/organizations/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/organizations/{Guid.NewGuid()}/edit")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_organization_route()
    {
        var client = server.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null))
            .ToHashSet();
        Assert.Superset(
            new HashSet<string?> { "ListOrganizations", "GetOrganizationTree", "GetOrganization", "GetOrganizationByCode", "CreateOrganization", "UpdateOrganization", "DisableOrganization", "EnableOrganization", "ImportOrganizations" },
            operations);
    }

    [Fact]
    public void Every_issue_code_has_a_chinese_and_an_english_translation()
    {
        var codes = IssueCodes();
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            using var stream = typeof(OrganizationService).Assembly.GetManifestResourceStream($"Shuqiao.Server.i18n.Organizations.{culture}.json")!;
            var table = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!;
            var missing = codes.Where(c => !table.ContainsKey("org.issue." + c)).ToList();
            Assert.True(missing.Count == 0, $"{culture} lacks: {string.Join(", ", missing)}");
        }

        Assert.True(codes.Count >= 40);
    }

    // Calls every factory of OrganizationIssues with placeholder arguments to learn its code.
    private static HashSet<string> IssueCodes()
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in typeof(OrganizationIssues).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (method.Name == nameof(OrganizationIssues.Code))
            {
                foreach (var error in Enum.GetValues<CreditCodeError>().Where(e => e != CreditCodeError.None))
                {
                    codes.Add(OrganizationIssues.Code(new CreditCodeCheck(error, 1, 'X', 'Y', 1)).Code);
                }

                continue;
            }

            var arguments = method.GetParameters().Select(p => p.ParameterType switch
            {
                var t when t == typeof(string) => (object)"x",
                var t when t == typeof(int) => 1,
                var t when t == typeof(OrganizationLevel) => OrganizationLevel.City,
                var t when t == typeof(CreditCodeCheck) => new CreditCodeCheck(CreditCodeError.Checksum, 18, 'X', 'Y', 18),
                _ => throw new InvalidOperationException($"{method.Name} takes a {p.ParameterType}."),
            }).ToArray();
            codes.Add(((Issue)method.Invoke(null, arguments)!).Code);
        }

        return codes;
    }
}
