using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Server.Organizations;
using Shuqiao.Storage.Audit;
using Shuqiao.Storage.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Organizations;

/// <summary>
/// The organization service against the real server's database. Every test builds its own branch of the tree under
/// its own 市级 root, so tests do not depend on each other's rows; the node's top level is therefore 市级 here.
/// </summary>
public sealed class OrganizationServiceTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly Actor Admin = new(ActorKind.User, Guid.NewGuid(), "admin-tests", null, "req-1", "127.0.0.1");

    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    private Task<T> WithService<T>(Func<OrganizationService, Task<T>> action) =>
        server.WithScopeAsync(sp => action(sp.GetRequiredService<OrganizationService>()));

    private Task<Outcome<Organization>> CreateAsync(string? code, string name, string level, Guid? parentId = null, bool dataAuthority = false) =>
        WithService(s => s.CreateAsync(new CreateOrganizationRequest(code, name, level, parentId, dataAuthority), Admin, CancellationToken.None));

    private async Task<Organization> CreatedAsync(string name, string level, Guid? parentId = null, string? code = null)
    {
        var outcome = await CreateAsync(code ?? TestData.NewCreditCode(), name, level, parentId);
        return outcome.Value ?? throw new InvalidOperationException(string.Join("; ", outcome.Failure!.Issues));
    }

    private Task<Outcome<Organization>> UpdateAsync(Organization o, string? name = null, string? level = null, Guid? parentId = null, bool keepParent = true, bool? flag = null, int? version = null) =>
        WithService(s => s.UpdateAsync(
            o.Id,
            new UpdateOrganizationRequest(name ?? o.Name, level ?? o.Level.ToString(), keepParent ? o.ParentId : parentId, flag ?? o.IsDataAuthority, version ?? o.Version),
            Admin,
            CancellationToken.None));

    private Task<IReadOnlyList<AdminAuditEvent>> AuditAsync(Guid id) =>
        server.WithScopeAsync(sp => sp.GetRequiredService<AdminAuditStore>().SearchAsync(new AdminAuditQuery(TargetType: "Organization", TargetId: id.ToString()), CancellationToken.None));

    private Task<Organization?> FindByCodeAsync(string code) => WithService(s => s.GetByCodeAsync(code, CancellationToken.None));

    [Fact]
    public async Task Creating_an_organization_stores_it_normalized_and_audits_the_new_state()
    {
        var code = TestData.NewCreditCode();

        var outcome = await CreateAsync(" " + code.ToLowerInvariant() + " ", "  福州市数据管理局 ", "市级", dataAuthority: true);

        var created = Assert.IsType<Organization>(outcome.Value);
        Assert.Equal((code, "福州市数据管理局", OrganizationLevel.City, (Guid?)null, true, OrganizationStatus.Active, 1),
            (created.Code, created.Name, created.Level, created.ParentId, created.IsDataAuthority, created.Status, created.Version));
        var audit = Assert.Single(await AuditAsync(created.Id));
        Assert.Equal(("organization.create", "admin-tests", "福州市数据管理局", (string?)null), (audit.Action, audit.ActorName, audit.TargetName, audit.Before));
        using var after = JsonDocument.Parse(audit.After!);
        Assert.Equal(code, after.RootElement.GetProperty("code").GetString());
        Assert.Equal("City", after.RootElement.GetProperty("level").GetString());
        Assert.True(after.RootElement.GetProperty("isDataAuthority").GetBoolean());
    }

    [Fact]
    public async Task A_taken_code_is_a_conflict_that_names_the_holder_and_writes_nothing()
    {
        var first = await CreatedAsync("福州市财政局", "City");

        var outcome = await CreateAsync(first.Code, "福州市财政局（重复）", "City");

        Assert.Equal(FailureKind.Conflict, outcome.Failure?.Kind);
        var failure = outcome.Failure!;
        Assert.Equal(["is already used by the organization '福州市财政局'"], failure.Errors!["code"]);
        Assert.Single(await AuditAsync(first.Id));
    }

    [Fact]
    public async Task An_invalid_code_is_refused_with_the_reason_for_the_code_field()
    {
        var outcome = await CreateAsync("91110000600037341N", "福州市某局", "City");

        Assert.Equal(FailureKind.Validation, outcome.Failure?.Kind);
        Assert.Equal(["has check character 'N' but GB 32100 gives 'L' (校验码错误)"], outcome.Failure!.Errors!["code"]);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        var outcome = await CreateAsync("123", "", "地级");

        Assert.Equal(["code", "level", "name"], outcome.Failure!.Errors!.Keys.Order());
    }

    [Fact]
    public async Task A_parent_at_the_same_level_is_refused()
    {
        var city = await CreatedAsync("福州市人民政府", "City");

        var outcome = await CreateAsync(TestData.NewCreditCode(), "福州市发展和改革委员会", "City", city.Id);

        Assert.Equal(FailureKind.Validation, outcome.Failure?.Kind);
        var issue = Assert.Single(outcome.Failure!.Issues);
        Assert.Equal(("parentId", "parent.level"), (issue.Field, issue.Code));
        Assert.Equal("must be at a higher level than City, but '福州市人民政府' is at level City", issue.Reason);
    }

    [Fact]
    public async Task An_unknown_parent_is_refused()
    {
        var outcome = await CreateAsync(TestData.NewCreditCode(), "鼓楼区数据局", "County", Guid.NewGuid());

        Assert.Equal("parent.notFound", Assert.Single(outcome.Failure!.Issues).Code);
    }

    [Fact]
    public async Task Below_the_nodes_top_level_an_organization_needs_a_parent_but_a_province_never_does()
    {
        await CreatedAsync("福州市数据管理局", "City");

        var county = await CreateAsync(TestData.NewCreditCode(), "鼓楼区数据局", "County");
        var province = await CreateAsync(TestData.NewCreditCode(), "福建省数据管理局", "Province");

        var issue = Assert.Single(county.Failure!.Issues);
        Assert.Equal(("parentId", "parent.required"), (issue.Field, issue.Code));
        Assert.True(province.Succeeded);
    }

    [Fact]
    public async Task Editing_changes_the_fields_bumps_the_version_and_audits_before_and_after()
    {
        var province = await CreatedAsync("福建省数据管理局", "Province");
        var city = await CreatedAsync("福州市数据局", "City");

        var outcome = await UpdateAsync(city, name: "福州市数据管理局", parentId: province.Id, keepParent: false, flag: true);

        var updated = Assert.IsType<Organization>(outcome.Value);
        Assert.Equal(("福州市数据管理局", province.Id, true, 2), (updated.Name, updated.ParentId, updated.IsDataAuthority, updated.Version));
        var audit = (await AuditAsync(city.Id))[0];
        Assert.Equal("organization.update", audit.Action);
        using var before = JsonDocument.Parse(audit.Before!);
        using var after = JsonDocument.Parse(audit.After!);
        Assert.Equal("福州市数据局", before.RootElement.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("parentId").ValueKind);
        Assert.Equal("福州市数据管理局", after.RootElement.GetProperty("name").GetString());
        Assert.Equal(province.Id, after.RootElement.GetProperty("parentId").GetGuid());
        Assert.Equal(2, after.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Saving_without_changes_keeps_the_version_and_writes_no_audit_event()
    {
        var city = await CreatedAsync("福州市统计局", "City");

        var outcome = await UpdateAsync(city);

        Assert.Equal(1, outcome.Value?.Version);
        Assert.Single(await AuditAsync(city.Id));
    }

    [Fact]
    public async Task Editing_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var city = await CreatedAsync("福州市审计局", "City");
        Assert.True((await UpdateAsync(city, name: "福州市审计局（新）")).Succeeded);

        var outcome = await UpdateAsync(city, name: "福州市审计局（旧页面）", version: 1);

        Assert.Equal(FailureKind.Conflict, outcome.Failure?.Kind);
        Assert.Equal("version.stale", Assert.Single(outcome.Failure!.Issues).Code);
        Assert.Equal("福州市审计局（新）", (await FindByCodeAsync(city.Code))?.Name);
    }

    [Fact]
    public async Task Editing_without_a_version_is_invalid()
    {
        var city = await CreatedAsync("福州市商务局", "City");

        var outcome = await WithService(s => s.UpdateAsync(city.Id, new UpdateOrganizationRequest(city.Name, "City", null, false, null), Admin, CancellationToken.None));

        Assert.Equal("version.required", Assert.Single(outcome.Failure!.Issues).Code);
    }

    [Fact]
    public async Task Moving_an_organization_under_its_own_descendant_is_refused_as_a_cycle()
    {
        var city = await CreatedAsync("福州市城乡建设局", "City");
        var county = await CreatedAsync("闽侯县城乡建设局", "County", city.Id);
        var town = await CreatedAsync("上街镇规划办", "Town", county.Id);

        var outcome = await UpdateAsync(city, parentId: town.Id, keepParent: false);

        Assert.Equal(FailureKind.Validation, outcome.Failure?.Kind);
        var issue = Assert.Single(outcome.Failure!.Issues);
        Assert.Equal(("parentId", "parent.cycle"), (issue.Field, issue.Code));
        Assert.Contains("上街镇规划办", issue.Reason, StringComparison.Ordinal);
        Assert.Null((await FindByCodeAsync(city.Code))!.ParentId);
    }

    [Fact]
    public async Task An_organization_cannot_be_its_own_parent()
    {
        var city = await CreatedAsync("福州市水利局", "City");

        var outcome = await UpdateAsync(city, parentId: city.Id, keepParent: false);

        Assert.Equal("parent.self", Assert.Single(outcome.Failure!.Issues).Code);
    }

    [Fact]
    public async Task A_level_change_that_would_put_the_organization_level_with_a_child_is_refused()
    {
        var province = await CreatedAsync("福建省交通运输厅", "Province");
        var city = await CreatedAsync("福州市交通运输局", "City", province.Id);
        await CreatedAsync("鼓楼区交通运输局", "County", city.Id);

        var outcome = await UpdateAsync(city, level: "County");

        var issue = Assert.Single(outcome.Failure!.Issues);
        Assert.Equal(("level", "level.belowChild"), (issue.Field, issue.Code));
    }

    [Fact]
    public async Task Disabling_waits_for_active_children_and_users_and_enabling_goes_top_down()
    {
        var city = await CreatedAsync("福州市民政局", "City");
        var county = await CreatedAsync("鼓楼区民政局", "County", city.Id);
        var user = await server.CreateUserAsync(county.Id, "u" + Guid.NewGuid().ToString("N")[..10], "Correct-Horse-9", Roles.DataSteward);

        var refusedParent = await WithService(s => s.DisableAsync(city.Id, Admin, CancellationToken.None));
        var refusedChild = await WithService(s => s.DisableAsync(county.Id, Admin, CancellationToken.None));

        Assert.Equal(FailureKind.Conflict, refusedParent.Failure?.Kind);
        Assert.Equal(("status.activeChildren", "cannot be disabled while 1 child organization(s) are active (鼓楼区民政局); disable them first"),
            (refusedParent.Failure!.Issues.Single().Code, refusedParent.Failure.Issues.Single().Reason));
        Assert.Equal("status.activeUsers", Assert.Single(refusedChild.Failure!.Issues).Code);

        await server.WithScopeAsync(sp => sp.GetRequiredService<UserService>().UpdateAsync(
            user.Id, new UpdateUserRequest(user.DisplayName, user.OrganizationId, user.Roles, UserStatus.Disabled, user.Version), Admin, CancellationToken.None));
        Assert.Equal(OrganizationStatus.Disabled, (await WithService(s => s.DisableAsync(county.Id, Admin, CancellationToken.None))).Value?.Status);
        Assert.Equal(OrganizationStatus.Disabled, (await WithService(s => s.DisableAsync(city.Id, Admin, CancellationToken.None))).Value?.Status);

        var childFirst = await WithService(s => s.EnableAsync(county.Id, Admin, CancellationToken.None));
        Assert.Equal("status.parentDisabled", Assert.Single(childFirst.Failure!.Issues).Code);
        Assert.True((await WithService(s => s.EnableAsync(city.Id, Admin, CancellationToken.None))).Succeeded);
        Assert.True((await WithService(s => s.EnableAsync(county.Id, Admin, CancellationToken.None))).Succeeded);

        var actions = (await AuditAsync(county.Id)).Select(e => e.Action).Reverse().ToList();
        Assert.Equal(["organization.create", "organization.disable", "organization.enable"], actions);
        var disable = (await AuditAsync(county.Id)).Single(e => e.Action == "organization.disable");
        Assert.Contains("\"status\": \"Active\"", disable.Before, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Disabled\"", disable.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_twice_changes_nothing_the_second_time()
    {
        var city = await CreatedAsync("福州市档案馆", "City");
        await WithService(s => s.DisableAsync(city.Id, Admin, CancellationToken.None));

        var again = await WithService(s => s.DisableAsync(city.Id, Admin, CancellationToken.None));

        Assert.Equal(2, again.Value?.Version);
        Assert.Equal(2, (await AuditAsync(city.Id)).Count);
    }

    [Fact]
    public async Task No_organization_can_be_created_under_a_disabled_one()
    {
        var city = await CreatedAsync("福州市撤并局", "City");
        await WithService(s => s.DisableAsync(city.Id, Admin, CancellationToken.None));

        var outcome = await CreateAsync(TestData.NewCreditCode(), "鼓楼区撤并局", "County", city.Id);

        Assert.Equal("parent.disabled", Assert.Single(outcome.Failure!.Issues).Code);
    }

    [Fact]
    public async Task An_import_with_one_bad_row_writes_nothing_and_reports_that_row()
    {
        var (city, county, town) = (TestData.NewCreditCode(), TestData.NewCreditCode(), TestData.NewCreditCode());
        var csv = $"""
            code,name,level,parentCode,isDataAuthority
            {city},福州市卫生健康委员会,市级,,否
            {county},鼓楼区卫生健康局,县级,{city},否
            {town},,乡镇级,{county},否
            """;

        var outcome = await WithService(s => s.ImportAsync(Encoding.UTF8.GetBytes(csv), null, Admin, CancellationToken.None));

        Assert.False(outcome.Succeeded);
        var issue = Assert.Single(outcome.Issues);
        Assert.Equal((4, "name", "is required"), (issue.Row, issue.Issue.Field, issue.Issue.Reason));
        Assert.Null(await FindByCodeAsync(city));
        Assert.Null(await FindByCodeAsync(county));
    }

    [Fact]
    public async Task A_gb18030_import_creates_the_tree_with_its_chinese_names_and_one_audit_event_each()
    {
        var existing = await CreatedAsync("福州市农业农村局", "City");
        var (county, town, village) = (TestData.NewCreditCode(), TestData.NewCreditCode(), TestData.NewCreditCode());
        var csv = $"统一社会信用代码,名称,层级,上级机构代码,是否数据主管部门\r\n" +
                  $"{county},闽侯县农业农村局,县级,{existing.Code},否\r\n" +
                  $"{town},\"上街镇农业服务中心（含\"\"三农\"\"窗口）\",乡镇级,{county},\r\n" +
                  $"{village},𠀀溪村村民委员会,村级,{town},是\r\n";

        var outcome = await WithService(s => s.ImportAsync(Gb18030.GetBytes(csv), "GBK", Admin, CancellationToken.None));

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Issues));
        Assert.Equal(3, outcome.Created.Count);
        var townRow = await FindByCodeAsync(town);
        var villageRow = await FindByCodeAsync(village);
        Assert.Equal("上街镇农业服务中心（含\"三农\"窗口）", townRow?.Name);
        Assert.Equal(("𠀀溪村村民委员会", OrganizationLevel.Village, townRow!.Id, true), (villageRow?.Name, villageRow?.Level, villageRow?.ParentId, villageRow?.IsDataAuthority));
        Assert.Equal(existing.Id, (await FindByCodeAsync(county))?.ParentId);
        var audit = Assert.Single(await AuditAsync(villageRow!.Id));
        Assert.Equal(("organization.import", (string?)null), (audit.Action, audit.Before));
        Assert.Contains(village, audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_repeating_an_existing_code_or_its_own_is_refused_with_every_row_named()
    {
        var existing = await CreatedAsync("福州市医疗保障局", "City");
        var fresh = TestData.NewCreditCode();
        var csv = $"code,name,level\r\n{existing.Code},福州市医疗保障局,市级\r\n{fresh},福州市医保中心,市级\r\n{fresh},福州市医保中心二,市级\r\n";

        var outcome = await WithService(s => s.ImportAsync(Encoding.UTF8.GetBytes(csv), "utf-8", Admin, CancellationToken.None));

        Assert.Equal([(2, "code.taken"), (4, "code.repeated")], outcome.Issues.Select(i => (i.Row, i.Issue.Code)));
        Assert.Null(await FindByCodeAsync(fresh));
    }

    [Fact]
    public async Task A_gb18030_file_sent_as_utf8_is_refused_as_a_whole_file()
    {
        var outcome = await WithService(s => s.ImportAsync(Gb18030.GetBytes("名称\r\n"), null, Admin, CancellationToken.None));

        var issue = Assert.Single(outcome.Issues);
        Assert.Equal((0, "file", "file.notUtf8"), (issue.Row, issue.Issue.Field, issue.Issue.Code));
    }

    [Fact]
    public async Task The_tree_and_the_children_lists_follow_the_parents()
    {
        var province = await CreatedAsync("福建省林业局", "Province");
        var city = await CreatedAsync("福州市林业局", "City", province.Id);
        var county = await CreatedAsync("永泰县林业局", "County", city.Id);

        var tree = await WithService(s => s.TreeAsync(null, CancellationToken.None));
        var children = await WithService(s => s.ChildrenAsync(province.Id, CancellationToken.None));
        var ancestors = await WithService(s => s.AncestorsAsync(county.Id, CancellationToken.None));

        var node = tree.Single(n => n.Organization.Id == province.Id);
        Assert.Equal(county.Id, node.Children.Single().Children.Single().Organization.Id);
        Assert.Equal((city.Id, 1), (children.Single().Organization.Id, children.Single().ChildCount));
        Assert.Equal([province.Id, city.Id], ancestors.Select(a => a.Id));
    }

    [Fact]
    public async Task The_list_filters_by_level_parent_status_and_search_and_pages_by_cursor()
    {
        var city = await CreatedAsync("福州市文旅局%检索", "City");
        var a = await CreatedAsync("鼓楼区文旅局", "County", city.Id);
        var b = await CreatedAsync("台江区文旅局", "County", city.Id);
        await WithService(s => s.DisableAsync(b.Id, Admin, CancellationToken.None));

        var underCity = await WithService(s => s.ListAsync(new OrganizationQuery(ParentId: city.Id), CancellationToken.None));
        var active = await WithService(s => s.ListAsync(new OrganizationQuery(ParentId: city.Id, Status: OrganizationStatus.Active), CancellationToken.None));
        var literalPercent = await WithService(s => s.ListAsync(new OrganizationQuery(Search: "文旅局%检"), CancellationToken.None));
        var byCode = await WithService(s => s.ListAsync(new OrganizationQuery(Search: a.Code.ToLowerInvariant()), CancellationToken.None));
        var firstPage = await WithService(s => s.ListAsync(new OrganizationQuery(Level: OrganizationLevel.County, ParentId: city.Id, Limit: 1), CancellationToken.None));
        var secondPage = await WithService(s => s.ListAsync(new OrganizationQuery(Level: OrganizationLevel.County, ParentId: city.Id, After: firstPage[0].Id, Limit: 1), CancellationToken.None));

        Assert.Equal([a.Id, b.Id], underCity.Select(o => o.Id));
        Assert.Equal([a.Id], active.Select(o => o.Id));
        Assert.Equal([city.Id], literalPercent.Select(o => o.Id));
        Assert.Equal([a.Id], byCode.Select(o => o.Id));
        Assert.Equal([a.Id, b.Id], firstPage.Concat(secondPage).Select(o => o.Id));
    }

    [Fact]
    public async Task Counts_by_level_include_the_new_organizations()
    {
        var before = await WithService(s => s.CountByLevelAsync(CancellationToken.None));
        var city = await CreatedAsync("福州市气象局", "City");
        var county = await CreatedAsync("长乐区气象局", "County", city.Id);
        await WithService(s => s.DisableAsync(county.Id, Admin, CancellationToken.None));

        var after = await WithService(s => s.CountByLevelAsync(CancellationToken.None));

        Assert.Equal(OrganizationLevels.All, after.Select(c => c.Level));
        Assert.Equal(before.Single(c => c.Level == OrganizationLevel.City).Active + 1, after.Single(c => c.Level == OrganizationLevel.City).Active);
        Assert.Equal(before.Single(c => c.Level == OrganizationLevel.County).Disabled + 1, after.Single(c => c.Level == OrganizationLevel.County).Disabled);
    }

    [Fact]
    public async Task An_organization_is_found_by_its_code_as_people_type_it()
    {
        var city = await CreatedAsync("福州市生态环境局", "City");
        var typed = string.Join(' ', city.Code.ToLowerInvariant().Chunk(6).Select(c => new string(c)));

        Assert.Equal(city.Id, (await FindByCodeAsync(typed))?.Id);
    }
}
