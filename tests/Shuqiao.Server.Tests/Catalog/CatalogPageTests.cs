using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>The catalog console (zh-CN, the default language) for a data steward and for a citizen, who only reads.</summary>
public sealed class CatalogPageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Password = "Correct-Horse-9";

    private async Task<(Guid Org, ConsoleBrowser Browser)> SignInAsync(string role, Guid? org = null)
    {
        var organization = org ?? await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市页面测试局");
        var login = "c" + Guid.NewGuid().ToString("N")[..10];
        await server.CreateUserAsync(organization, login, Password, role);
        return (organization, await ConsoleBrowser.SignInAsync(server, login, Password));
    }

    private Task<DataResource> CreateAsync(Guid provider, string name, bool publish = true) =>
        server.WithScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<CatalogService>();
            var draft = new ResourceDraft(
                Category: CatalogRequests.NewCategory(), Name: name, Summary: name + "摘要", ProviderId: provider, SharingType: "Unconditional",
                OpenType: "NotOpen", UpdateFrequency: "Daily",
                Fields:
                [
                    new FieldDraft("idNumber", "公民身份号码", Type: "string", Key: true, Classification: "Core", PersonalInfo: "Sensitive",
                        Validators: [new ValidatorDraft("cnResidentId")], Masking: new MaskingDraft("KeepFirstLast", 6, 4)),
                    new FieldDraft("name", "姓名", Type: "string", Required: true, Classification: "Important", PersonalInfo: "Personal"),
                ]);
            var created = await service.CreateAsync(draft, CatalogAccess.System, Actor.System("tests"), CancellationToken.None);
            var resource = created.Value ?? throw new InvalidOperationException(string.Join("; ", created.Failure!.Issues));
            return publish ? (await service.PublishAsync(resource.Code.Value, CatalogAccess.System, Actor.System("tests"), CancellationToken.None)).Value! : resource;
        });

    private static List<KeyValuePair<string, string>> Form(string name, string category, string sharingType = "Conditional", string? legalBasis = null) =>
    [
        new("Form.ProviderId", ""),
        new("Form.Category", category),
        new("Form.Name", name),
        new("Form.Summary", name + "的摘要"),
        new("Form.Format", "数据库表"),
        new("Form.SharingType", sharingType),
        new("Form.SharingConditions", "用于政务服务身份核验"),
        new("Form.LegalBasis", legalBasis ?? ""),
        new("Form.OpenType", "NotOpen"),
        new("Form.UpdateFrequency", "Monthly"),
        new("Form.Keywords", "人口，户籍"),
        new("Form.Fields.Index", "k1"),
        new("Form.Fields[k1].RowKey", "k1"),
        new("Form.Fields[k1].Label", "公民身份号码"),
        new("Form.Fields[k1].Name", "idNumber"),
        new("Form.Fields[k1].Type", "string"),
        new("Form.Fields[k1].IsKey", "true"),
        new("Form.Fields[k1].IsKey", "false"),
        new("Form.Fields[k1].Required", "false"),
        new("Form.Fields[k1].Classification", "Core"),
        new("Form.Fields[k1].PersonalInfo", "Sensitive"),
        new("Form.Fields[k1].OnInvalid", "Reject"),
        new("Form.Fields[k1].FormatChecks", "cnResidentId"),
        new("Form.Fields[k1].Masking", "KeepFirstLast"),
        new("Form.Fields[k1].KeepFirst", "6"),
        new("Form.Fields[k1].KeepLast", "4"),
        new("Form.Fields.Index", "k2"),
        new("Form.Fields[k2].RowKey", "k2"),
        new("Form.Fields[k2].Label", "姓名"),
        new("Form.Fields[k2].Name", "name"),
        new("Form.Fields[k2].Type", "string"),
        new("Form.Fields[k2].Required", "true"),
        new("Form.Fields[k2].Required", "false"),
        new("Form.Fields[k2].Classification", "Important"),
        new("Form.Fields[k2].PersonalInfo", "Personal"),
        new("Form.Fields[k2].OnInvalid", "Reject"),
        new("Form.Fields[k2].MaxLength", "50"),
        new("Form.Fields[k2].Masking", "KeepFirstLast"),
        new("Form.Fields[k2].KeepFirst", "1"),
        new("Form.Fields[k2].KeepLast", "0"),
    ];

    [Fact]
    public async Task A_steward_describes_a_resource_in_the_editor_and_lands_on_its_page()
    {
        var (_, browser) = await SignInAsync(Roles.DataSteward);
        var category = CatalogRequests.NewCategory();

        var response = await browser.PostFormAsync("/console/catalog/new", "/console/catalog/new", Form("户籍人口信息", category));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/console/catalog/{category}-000001", response.Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已创建“户籍人口信息”", page, StringComparison.Ordinal);
        Assert.Contains("草稿", page, StringComparison.Ordinal);
        Assert.Contains("敏感个人信息", page, StringComparison.Ordinal);
        Assert.Contains("核心", page, StringComparison.Ordinal);
        Assert.Contains("保留前 6 位、后 4 位", page, StringComparison.Ordinal);
        Assert.Contains("公民身份号码校验", page, StringComparison.Ordinal);
        Assert.Contains("首次上传数据后，这里会显示质量评分", page, StringComparison.Ordinal);
        Assert.Contains("共享开始后，这里会列出使用本资源的部门和应用系统", page, StringComparison.Ordinal);
        Assert.Contains("?handler=publish", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_editor_shows_the_services_reasons_in_Chinese_where_they_belong()
    {
        var (_, browser) = await SignInAsync(Roles.DataSteward);
        var form = Form("收养登记信息", CatalogRequests.NewCategory(), sharingType: "NotShared");
        form.RemoveAll(f => f.Key == "Form.Fields[k1].Masking");
        form.Add(new("Form.Fields[k1].Masking", "None"));

        var response = await browser.PostFormAsync("/console/catalog/new", "/console/catalog/new", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("不予共享的资源须注明法律、行政法规或政策依据", page, StringComparison.Ordinal);
        Assert.Contains("敏感个人信息须设置默认脱敏规则（GB/T 35273）", page, StringComparison.Ordinal);
        Assert.Contains("id=\"resource-legalBasis-error\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"收养登记信息\"", page, StringComparison.Ordinal); // what was typed is kept
    }

    [Fact]
    public async Task Publishing_from_the_page_and_a_breaking_edit_needs_the_explicit_choice()
    {
        var (org, browser) = await SignInAsync(Roles.DataSteward);
        var resource = await CreateAsync(org, "婚姻登记信息", publish: false);
        var page = $"/console/catalog/{resource.Code.Slug}";

        var published = await browser.PostFormAsync(page, page + "?handler=publish", []);
        var edit = Form("婚姻登记信息", "");
        edit.RemoveAll(f => f.Key.StartsWith("Form.Fields[k2]", StringComparison.Ordinal) || f.Value == "k2" || f.Key == "Form.Category");
        edit.Add(new("Form.Revision", "2"));
        var refused = await browser.PostFormAsync(page + "/edit", page + "/edit", edit);
        edit.Add(new("Form.AllowBreaking", "true"));
        var allowed = await browser.PostFormAsync(page + "/edit", page + "/edit", edit);

        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var refusal = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"breaking-changes\"", refusal, StringComparison.Ordinal);
        Assert.Contains("删除了信息项（姓名）", refusal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        var after = await browser.GetStringAsync(page);
        Assert.Contains("并发布新版本 2.0", after, StringComparison.Ordinal);
        Assert.Contains("不兼容", after, StringComparison.Ordinal);
        Assert.Contains($"{page}?version=1.0", after, StringComparison.Ordinal);
        var old = await browser.GetStringAsync(page + "?version=1.0");
        Assert.Contains("您正在查看历史版本 1.0", old, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_search_returns_only_the_results_for_htmx()
    {
        var (org, browser) = await SignInAsync(Roles.DataSteward);
        await CreateAsync(org, "不动产登记信息（页面）");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/console/catalog?q={Uri.EscapeDataString("不动产")}&providerId={org}");
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Target", "catalog-results");
        var response = await browser.Client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        Assert.Contains("不动产登记信息（页面）", html, StringComparison.Ordinal);
        Assert.Contains("无条件共享", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_editor_adds_field_rows_on_request()
    {
        var (_, browser) = await SignInAsync(Roles.DataSteward);

        var html = await browser.GetStringAsync("/console/catalog/new?handler=fieldRow");

        Assert.Contains("data-field-row", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Form.Fields.Index\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_citizen_reads_the_catalog_but_gets_no_editing()
    {
        var steward = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市市场监管局（页面）");
        var resource = await CreateAsync(steward, "企业登记信息（页面）");
        var draft = await CreateAsync(steward, "企业年报信息（草稿）", publish: false);
        var (_, citizen) = await SignInAsync(Roles.Citizen);

        var index = await citizen.GetStringAsync("/console/catalog");
        var details = await citizen.GetStringAsync($"/console/catalog/{resource.Code.Slug}");
        var newPage = await citizen.GetAsync("/console/catalog/new");
        var editPage = await citizen.GetAsync($"/console/catalog/{resource.Code.Slug}/edit");
        var draftPage = await citizen.GetAsync($"/console/catalog/{draft.Code.Slug}");

        Assert.Contains("信息资源目录", index, StringComparison.Ordinal);
        Assert.DoesNotContain("/console/catalog/new", index, StringComparison.Ordinal);
        Assert.Contains("企业登记信息（页面）", details, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"resource-actions\"", details, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, newPage.StatusCode);
        Assert.StartsWith("/console/denied", newPage.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, editPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, draftPage.StatusCode);
    }

    [Fact]
    public async Task A_steward_cannot_change_another_organizations_published_resource_from_the_console()
    {
        var owner = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市卫健委（页面）");
        var resource = await CreateAsync(owner, "医疗机构执业登记信息（页面）");
        var (_, other) = await SignInAsync(Roles.DataSteward);
        var page = $"/console/catalog/{resource.Code.Slug}";

        var details = await other.GetStringAsync(page);
        var edit = await other.GetAsync(page + "/edit");
        var retire = await other.PostFormAsync(page, page + "?handler=retire", []);

        Assert.DoesNotContain("id=\"resource-actions\"", details, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        Assert.StartsWith("/console/denied", edit.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, retire.StatusCode);
        Assert.StartsWith("/console/denied", retire.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_exports_the_catalog_as_csv_with_a_byte_order_mark()
    {
        var (_, browser) = await SignInAsync(Roles.Citizen);

        var response = await browser.GetAsync("/console/catalog?handler=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("资源分类,信息资源名称,信息资源代码", Encoding.UTF8.GetString(bytes[3..]), StringComparison.Ordinal);
    }
}
