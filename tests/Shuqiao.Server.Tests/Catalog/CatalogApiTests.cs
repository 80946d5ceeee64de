using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Audit;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Catalog.CatalogRequests;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>/api/v1/resources: describing, publishing, evolving and retiring resources, and who may do it.</summary>
public sealed class CatalogApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Errors(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task A_steward_describes_a_resource_under_a_category_and_gets_the_next_sequence_numbers()
    {
        var (org, api) = await StewardAsync(server);
        var category = NewCategory();

        var first = await CreatedAsync(api, Resource("人口基本信息", category));
        var second = await CreatedAsync(api, Resource("流动人口信息", category[..1] + "-" + category[1..3] + "-" + category[3..6] + "-" + category[6..]));

        Assert.Equal($"{category}/000001", first.GetProperty("code").GetString());
        Assert.Equal($"{category}-000001", first.GetProperty("slug").GetString());
        Assert.Equal($"{category}/000002", second.GetProperty("code").GetString());
        Assert.Equal(("Draft", "1.0", 1), (first.GetProperty("status").GetString(), first.GetProperty("version").GetString(), first.GetProperty("revision").GetInt32()));
        Assert.Equal(org, first.GetProperty("provider").GetProperty("id").GetGuid());
        Assert.Equal("基础信息资源/人口基础信息", first.GetProperty("categoryPath").GetString());
        Assert.Equal("Core", first.GetProperty("highestClassification").GetString());
        var audit = await server.WithScopeAsync(sp => sp.GetRequiredService<AdminAuditStore>().SearchAsync(new AdminAuditQuery(TargetType: "DataResource", TargetId: $"{category}/000001"), CancellationToken.None));
        Assert.Equal("resource.create", Assert.Single(audit).Action);
    }

    [Fact]
    public async Task A_code_given_by_hand_is_kept_and_moves_the_sequence_past_it()
    {
        var (_, api) = await StewardAsync(server);
        var category = NewCategory();

        var given = await CreatedAsync(api, Resource("婚姻登记信息", code: $"{category}/000007"));
        var next = await CreatedAsync(api, Resource("收养登记信息", category));

        Assert.Equal($"{category}/000007", given.GetProperty("code").GetString());
        Assert.Equal($"{category}/000008", next.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_fields_come_back_in_the_form_they_were_sent()
    {
        var (_, api) = await StewardAsync(server);

        var created = await CreatedAsync(api, Resource("人口基本信息", NewCategory()));

        var field = created.GetProperty("fields")[0];
        Assert.Equal(("idNumber", "string", true, "Core", "Sensitive"),
            (field.GetProperty("name").GetString(), field.GetProperty("type").GetString(), field.GetProperty("key").GetBoolean(),
             field.GetProperty("classification").GetString(), field.GetProperty("personalInfo").GetString()));
        Assert.Equal("cnResidentId", field.GetProperty("validators")[0].GetProperty("kind").GetString());
        Assert.Equal(6, field.GetProperty("masking").GetProperty("first").GetInt32());
        Assert.False(field.TryGetProperty("precision", out _));
    }

    [Fact]
    public async Task Publishing_a_draft_puts_version_1_0_in_the_catalog_and_history()
    {
        var (_, api) = await StewardAsync(server);
        var created = await CreatedAsync(api, Resource("企业登记信息", NewCategory()));
        var slug = created.GetProperty("slug").GetString();

        var published = await api.PostAsync($"/api/v1/resources/{slug}/publish", null);

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var body = await published.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Published", body.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("publishedAt").ValueKind);
        var history = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}/versions");
        var version = Assert.Single(history.GetProperty("versions").EnumerateArray());
        Assert.Equal(("1.0", "Initial", true), (version.GetProperty("version").GetString(), version.GetProperty("changeKind").GetString(), version.GetProperty("compatible").GetBoolean()));
        Assert.NotEqual(JsonValueKind.Null, version.GetProperty("publishedAt").ValueKind);
    }

    [Fact]
    public async Task A_draft_is_edited_in_place_and_a_stale_revision_is_refused()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("学籍信息", NewCategory());
        var created = await CreatedAsync(api, body);
        var slug = created.GetProperty("slug").GetString();

        var edited = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, created, e => e["name"] = "中小学学籍信息"));
        var stale = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, created, e => e["name"] = "旧页面的名称"));

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var result = await edited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("中小学学籍信息", "1.0", 2), (result.GetProperty("resource").GetProperty("name").GetString(), result.GetProperty("resource").GetProperty("version").GetString(), result.GetProperty("resource").GetProperty("revision").GetInt32()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("newVersion").ValueKind);
        var problem = await ProblemAsync(stale, HttpStatusCode.Conflict);
        Assert.Contains("revision", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_additive_change_to_a_published_schema_publishes_a_compatible_minor_version()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("社会保险参保信息", NewCategory());
        var published = await PublishedAsync(api, body);
        var slug = published.GetProperty("slug").GetString();

        var response = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, published, e => e["fields"]!.AsArray().Add(TextField("phone", "联系电话"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var version = result.GetProperty("newVersion");
        Assert.Equal(("1.1", "Additive", true), (version.GetProperty("version").GetString(), version.GetProperty("changeKind").GetString(), version.GetProperty("compatible").GetBoolean()));
        Assert.Equal(("fields.phone", "evolution.fieldAdded", false),
            (version.GetProperty("changes")[0].GetProperty("field").GetString(), version.GetProperty("changes")[0].GetProperty("code").GetString(), version.GetProperty("changes")[0].GetProperty("breaking").GetBoolean()));
        Assert.Equal(("Published", "1.1"), (result.GetProperty("resource").GetProperty("status").GetString(), result.GetProperty("resource").GetProperty("version").GetString()));

        var history = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}/versions");
        Assert.Equal(["1.1", "1.0"], history.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var old = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}/versions/1.0");
        Assert.Equal(2, old.GetProperty("fields").GetArrayLength());
        var current = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}/versions/1.1");
        Assert.Equal(3, current.GetProperty("fields").GetArrayLength());
    }

    [Fact]
    public async Task A_breaking_change_needs_allow_breaking_and_then_starts_a_new_major_version()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("不动产登记信息", NewCategory());
        var published = await PublishedAsync(api, body);
        var slug = published.GetProperty("slug").GetString();
        void RemoveName(JsonObject e) => e["fields"]!.AsArray().RemoveAt(1);

        var refused = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, published, RemoveName));
        var allowed = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, published, e => { RemoveName(e); e["allowBreaking"] = true; }));

        var problem = await ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Single(Errors(problem, "allowBreaking"));
        Assert.Equal(["was removed (姓名)"], Errors(problem, "fields.name"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var version = (await allowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("newVersion");
        Assert.Equal(("2.0", "Breaking", false), (version.GetProperty("version").GetString(), version.GetProperty("changeKind").GetString(), version.GetProperty("compatible").GetBoolean()));
        var history = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}/versions");
        Assert.Equal(["2.0", "1.0"], history.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var audit = await server.WithScopeAsync(sp => sp.GetRequiredService<AdminAuditStore>().SearchAsync(new AdminAuditQuery(TargetType: "DataResource", TargetId: published.GetProperty("code").GetString()), CancellationToken.None));
        Assert.Equal(["resource.new-version", "resource.publish", "resource.create"], audit.Select(a => a.Action));
    }

    [Fact]
    public async Task Changing_only_the_description_of_a_published_resource_keeps_its_version()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("城市管理部件信息", NewCategory());
        var published = await PublishedAsync(api, body);

        var response = await api.PutAsJsonAsync($"/api/v1/resources/{published.GetProperty("slug").GetString()}", Edit(body, published, e => e["updateFrequency"] = "每周"));

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("1.0", "Weekly"), (result.GetProperty("resource").GetProperty("version").GetString(), result.GetProperty("resource").GetProperty("updateFrequency").GetString()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("newVersion").ValueKind);
    }

    [Fact]
    public async Task A_retired_resource_stays_readable_but_can_no_longer_change()
    {
        var (_, api) = await StewardAsync(server);
        var body = Resource("医疗机构执业登记信息", NewCategory());
        var published = await PublishedAsync(api, body);
        var slug = published.GetProperty("slug").GetString();

        var retired = await api.PostAsync($"/api/v1/resources/{slug}/retire", null);
        var current = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{slug}");
        var edit = await api.PutAsJsonAsync($"/api/v1/resources/{slug}", Edit(body, current, e => e["name"] = "改名"));
        var publishAgain = await api.PostAsync($"/api/v1/resources/{slug}/publish", null);

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal("Retired", current.GetProperty("status").GetString());
        Assert.Equal(["is Retired; a retired resource can no longer be changed"], Errors(await ProblemAsync(edit, HttpStatusCode.Conflict), "status"));
        await ProblemAsync(publishAgain, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Retiring_a_draft_is_refused()
    {
        var (_, api) = await StewardAsync(server);
        var created = await CreatedAsync(api, Resource("低保对象信息", NewCategory()));

        var problem = await ProblemAsync(await api.PostAsync($"/api/v1/resources/{created.GetProperty("slug").GetString()}/retire", null), HttpStatusCode.Conflict);

        Assert.Equal(["is Draft; only a published resource can be retired"], Errors(problem, "status"));
    }

    [Fact]
    public async Task Another_organizations_draft_is_not_found_and_its_published_resource_cannot_be_changed()
    {
        var (_, owner) = await StewardAsync(server, "示范市民政局（测试）");
        var (_, other) = await StewardAsync(server, "示范市公安局（测试）");
        var draftBody = Resource("收养登记信息", NewCategory());
        var draft = await CreatedAsync(owner, draftBody);
        var publishedBody = Resource("婚姻登记信息", NewCategory());
        var published = await PublishedAsync(owner, publishedBody);
        var draftSlug = draft.GetProperty("slug").GetString();
        var publishedSlug = published.GetProperty("slug").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/resources/{draftSlug}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/resources/{draftSlug}/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync($"/api/v1/resources/{draftSlug}", Edit(draftBody, draft))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/resources/{draftSlug}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/v1/resources/{publishedSlug}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync($"/api/v1/resources/{publishedSlug}", Edit(publishedBody, published, e => e["name"] = "被改"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/v1/resources/{publishedSlug}/retire", null)).StatusCode);
        var list = await other.GetFromJsonAsync<JsonElement>("/api/v1/resources?q=收养登记信息");
        Assert.DoesNotContain(draftSlug, list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("slug").GetString()));
    }

    [Fact]
    public async Task A_platform_administrator_sees_and_changes_any_organizations_resources()
    {
        var (org, owner) = await StewardAsync(server);
        var admin = await server.ApiAsUserAsync(org, Roles.PlatformAdmin);
        var draft = await CreatedAsync(owner, Resource("出生医学证明", NewCategory()));

        var published = await admin.PostAsync($"/api/v1/resources/{draft.GetProperty("slug").GetString()}/publish", null);

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
    }

    [Fact]
    public async Task A_steward_cannot_describe_a_resource_for_another_organization()
    {
        var (_, api) = await StewardAsync(server);
        var otherOrg = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市住建局（测试）");

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("不动产登记信息", NewCategory(), providerId: otherOrg)), HttpStatusCode.BadRequest);

        Assert.Single(Errors(problem, "providerId"));
    }

    [Fact]
    public async Task Readers_and_department_systems_cannot_write_the_catalog()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市卫健委（测试）");
        var citizen = await server.ApiAsUserAsync(org, Roles.Citizen);
        var (system, _, _) = await server.ApiAsClientAsync(org);

        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.PostAsJsonAsync("/api/v1/resources", Resource("医疗机构", NewCategory()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsJsonAsync("/api/v1/resources", Resource("医疗机构", NewCategory()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await citizen.GetAsync("/api/v1/resources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.GetAsync("/api/v1/resources")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateClient().GetAsync("/api/v1/resources")).StatusCode);
    }

    [Fact]
    public async Task An_invalid_code_is_refused_with_the_reason()
    {
        var (_, api) = await StewardAsync(server);

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("人口", code: "12345")), HttpStatusCode.BadRequest);
        var path = await ProblemAsync(await api.GetAsync("/api/v1/resources/A01-02-03-04"), HttpStatusCode.BadRequest);

        Assert.Contains("类项目细目/顺序码", Errors(problem, "code")[0], StringComparison.Ordinal);
        Assert.Single(Errors(path, "code"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/resources/101999999-999999")).StatusCode);
    }

    [Fact]
    public async Task A_resource_is_found_by_any_written_form_of_its_code()
    {
        var (_, api) = await StewardAsync(server);
        var created = await CreatedAsync(api, Resource("人口基本信息", NewCategory()));
        var code = created.GetProperty("code").GetString()!;
        var category = code[..9];

        foreach (var form in new[] { created.GetProperty("slug").GetString()!, code.Replace("/", "%2F", StringComparison.Ordinal), $"{category[..1]}-{category[1..3]}-{category[3..6]}-{category[6..]}-{code[10..]}" })
        {
            var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/resources/{form}");
            Assert.Equal(code, found.GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync($"/api/v1/resources/{created.GetProperty("slug").GetString()}/versions/v1.x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/resources/{created.GetProperty("slug").GetString()}/versions/3.0")).StatusCode);
    }

    [Fact]
    public async Task A_taken_code_is_a_conflict()
    {
        var (_, api) = await StewardAsync(server);
        var code = NewCategory() + "/000001";
        await CreatedAsync(api, Resource("人口基本信息", code: code));

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("人口基本信息（重复）", code: code)), HttpStatusCode.Conflict);

        Assert.Equal([$"'{code}' is already used by the resource '人口基本信息'"], Errors(problem, "code"));
    }

    [Fact]
    public async Task Not_shared_without_a_legal_basis_is_refused()
    {
        var (_, api) = await StewardAsync(server);

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("收养登记信息", NewCategory(), sharingType: "不予共享")), HttpStatusCode.BadRequest);

        Assert.Equal(["is required when the sharing type is NotShared (不予共享须有法律、行政法规或政策依据)"], Errors(problem, "legalBasis"));
    }

    [Fact]
    public async Task An_unknown_validator_is_refused_with_its_path()
    {
        var (_, api) = await StewardAsync(server);
        var field = TextField("name", "姓名");
        field["validators"] = new JsonArray(new JsonObject { ["kind"] = "luhn" });

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("测试资源", NewCategory(), fields: [IdNumberField(), field])), HttpStatusCode.BadRequest);

        Assert.StartsWith("'luhn' is not a validator", Errors(problem, "fields[1].validators[0].kind")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_problem_of_a_resource_is_reported_at_once()
    {
        var (_, api) = await StewardAsync(server);
        var body = new JsonObject { ["category"] = "4-01", ["sharingType"] = "sometimes", ["fields"] = new JsonArray() };

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", body), HttpStatusCode.BadRequest);

        Assert.Equal(["category", "fields", "name", "openType", "sharingType", "summary", "updateFrequency"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_reference_to_an_unknown_resource_is_refused()
    {
        var (_, api) = await StewardAsync(server);
        var field = IdNumberField(key: false);
        field["name"] = "legalRepId";
        field["label"] = "法定代表人身份证号";
        field["references"] = new JsonArray(new JsonObject { ["resource"] = "101999999/999999", ["field"] = "idNumber" });

        var problem = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/resources", Resource("企业登记信息", NewCategory(), fields: [IdNumberField(), field])), HttpStatusCode.BadRequest);

        Assert.Equal(["'101999999/999999' is not a resource in this catalog"], Errors(problem, "fields[1].references[0].resource"));
    }
}
