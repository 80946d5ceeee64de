using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

public sealed class OrganizationImportTests
{
    private static int _serial;

    private static string NewCode() => CreditCode.Complete("11350100" + Interlocked.Increment(ref _serial).ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + "0");

    private static readonly Dictionary<string, ExistingOrganization> NoneExisting = new();

    private static ImportPlan Plan(string csv, IReadOnlyDictionary<string, ExistingOrganization>? existing = null, params OrganizationLevel[] rootLevels) =>
        OrganizationImport.Plan(OrganizationCsv.Parse(csv), existing ?? NoneExisting, rootLevels, Guid.NewGuid);

    private static List<(int Row, string Field, string Code)> Issues(ImportPlan plan) =>
        plan.Issues.Select(i => (i.Row, i.Issue.Field, i.Issue.Code)).ToList();

    [Fact]
    public void A_parent_defined_on_an_earlier_row_becomes_the_parent_of_the_new_organization()
    {
        var (province, city, county) = (NewCode(), NewCode(), NewCode());

        var plan = Plan($"""
            code,name,level,parentCode
            {province},福建省数据管理局,省级,
            {city},福州市数据管理局,市级,{province}
            {county},鼓楼区数据管理局,县级,{city}
            """);

        Assert.True(plan.IsValid);
        var (p, c, k) = (plan.Organizations[0], plan.Organizations[1], plan.Organizations[2]);
        Assert.Null(p.ParentId);
        Assert.Equal(p.Id, c.ParentId);
        Assert.Equal(c.Id, k.ParentId);
        Assert.Equal([2, 3, 4], plan.Organizations.Select(o => o.Row));
    }

    [Fact]
    public void A_parent_may_be_an_existing_organization()
    {
        var city = new ExistingOrganization(Guid.NewGuid(), NewCode(), "福州市数据管理局", OrganizationLevel.City, OrganizationStatus.Active);
        var county = NewCode();

        var plan = Plan($"code,name,level,parentCode\r\n{county},鼓楼区数据管理局,县级,{city.Code}\r\n", new Dictionary<string, ExistingOrganization> { [city.Code] = city }, OrganizationLevel.City);

        Assert.True(plan.IsValid);
        Assert.Equal(city.Id, plan.Organizations.Single().ParentId);
    }

    [Fact]
    public void A_parent_listed_below_its_child_is_reported_with_the_row_to_move()
    {
        var (province, city) = (NewCode(), NewCode());

        var plan = Plan($"code,name,level,parentCode\r\n{city},福州市数据管理局,市级,{province}\r\n{province},福建省数据管理局,省级,\r\n");

        var issue = Assert.Single(plan.Issues);
        Assert.Equal((2, "parentCode", "parent.later"), (issue.Row, issue.Issue.Field, issue.Issue.Code));
        Assert.Contains("row 3", issue.Issue.Reason, StringComparison.Ordinal);
        Assert.Empty(plan.Organizations);
    }

    [Fact]
    public void An_unknown_parent_code_is_reported()
    {
        var unknown = NewCode();

        var plan = Plan($"code,name,level,parentCode\r\n{NewCode()},福州市数据管理局,市级,{unknown}\r\n");

        Assert.Equal([(2, "parentCode", "parent.codeNotFound")], Issues(plan));
        Assert.Contains(unknown, plan.Issues[0].Issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_code_repeated_in_the_file_is_reported_on_the_later_row_with_the_first_one()
    {
        var code = NewCode();

        var plan = Plan($"code,name,level\r\n{code},福建省数据管理局,省级\r\n{NewCode()},福建省财政厅,省级\r\n{code},福建省大数据中心,省级\r\n");

        Assert.Equal([(4, "code", "code.repeated")], Issues(plan));
        Assert.Equal("appears again in this file (first on row 2)", plan.Issues[0].Issue.Reason);
    }

    [Fact]
    public void A_code_that_already_exists_is_reported_with_the_holders_name()
    {
        var existing = new ExistingOrganization(Guid.NewGuid(), NewCode(), "福建省数据管理局", OrganizationLevel.Province, OrganizationStatus.Active);

        var plan = Plan($"code,name,level\r\n{existing.Code},福建省数据管理局,省级\r\n", new Dictionary<string, ExistingOrganization> { [existing.Code] = existing });

        Assert.Equal([(2, "code", "code.taken")], Issues(plan));
        Assert.Contains("福建省数据管理局", plan.Issues[0].Issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_not_above_the_child_is_reported_for_file_and_existing_parents()
    {
        var existingCounty = new ExistingOrganization(Guid.NewGuid(), NewCode(), "鼓楼区人民政府", OrganizationLevel.County, OrganizationStatus.Active);
        var city = NewCode();

        var plan = Plan(
            $"code,name,level,parentCode\r\n{city},福州市数据管理局,市级,\r\n{NewCode()},福州市财政局,市级,{city}\r\n{NewCode()},台江区数据局,县级,{existingCounty.Code}\r\n",
            new Dictionary<string, ExistingOrganization> { [existingCounty.Code] = existingCounty },
            OrganizationLevel.City);

        Assert.Equal([(3, "parentCode", "parent.level"), (4, "parentCode", "parent.level")], Issues(plan));
        Assert.Equal(OrganizationLevel.County, plan.Issues[1].Issue.Arguments[0]);
    }

    [Fact]
    public void A_disabled_existing_parent_is_refused()
    {
        var city = new ExistingOrganization(Guid.NewGuid(), NewCode(), "撤并的市局", OrganizationLevel.City, OrganizationStatus.Disabled);

        var plan = Plan($"code,name,level,parentCode\r\n{NewCode()},某县局,县级,{city.Code}\r\n", new Dictionary<string, ExistingOrganization> { [city.Code] = city }, OrganizationLevel.City);

        Assert.Equal([(2, "parentCode", "parent.disabled")], Issues(plan));
    }

    [Fact]
    public void A_row_naming_itself_as_parent_is_refused()
    {
        var code = NewCode();

        Assert.Equal([(2, "parentCode", "parent.self")], Issues(Plan($"code,name,level,parentCode\r\n{code},某局,市级,{code}\r\n")));
    }

    [Fact]
    public void Only_the_nodes_top_level_or_a_province_may_come_without_a_parent()
    {
        var plan = Plan($"code,name,level\r\n{NewCode()},福建省数据管理局,省级\r\n{NewCode()},鼓楼区数据管理局,县级\r\n", null, OrganizationLevel.City);

        var issue = Assert.Single(plan.Issues);
        Assert.Equal((3, "parentCode", "parent.required"), (issue.Row, issue.Issue.Field, issue.Issue.Code));
        Assert.Equal(OrganizationLevel.City, issue.Issue.Arguments[0]);
    }

    [Fact]
    public void On_an_empty_node_the_files_highest_root_sets_the_top_whatever_the_row_order()
    {
        var county = $"{NewCode()},鼓楼区数据管理局,县级\r\n";
        var city = $"{NewCode()},福州市数据管理局,市级\r\n";

        Assert.Equal([(2, "parentCode", "parent.required")], Issues(Plan("code,name,level\r\n" + county + city)));
        Assert.Equal([(3, "parentCode", "parent.required")], Issues(Plan("code,name,level\r\n" + city + county)));
        Assert.True(Plan("code,name,level\r\n" + city + $"{NewCode()},福州市财政局,市级\r\n").IsValid);
    }

    [Fact]
    public void One_bad_row_means_nothing_is_planned_and_all_issues_come_back_in_row_order()
    {
        var (province, city) = (NewCode(), NewCode());

        var plan = Plan($"""
            code,name,level,parentCode
            {province},福建省数据管理局,省级,
            {city},福州市数据管理局,市级,{province}
            {NewCode()},,县级,{city}
            {NewCode()},鼓楼区财政局,区级,{city}
            {province},重复,省级,
            """);

        Assert.False(plan.IsValid);
        Assert.Empty(plan.Organizations);
        Assert.Equal([(4, "name", "name.required"), (5, "level", "level.unknown"), (6, "code", "code.repeated")], Issues(plan));
    }

    [Fact]
    public void A_child_of_a_row_with_other_problems_is_still_checked_against_that_rows_level()
    {
        var city = NewCode();

        var plan = Plan($"code,name,level,parentCode\r\n{city},,市级,\r\n{NewCode()},鼓楼区数据局,县级,{city}\r\n");

        Assert.Equal([(2, "name", "name.required")], Issues(plan));
    }

    [Fact]
    public void Header_and_syntax_issues_are_kept_in_the_plan()
    {
        var plan = Plan($"code,name,level,remark\r\n{NewCode()},福州市数据管理局,市级,x\r\n");

        Assert.Equal([(1, "header", "header.unknown")], Issues(plan));
    }

    [Fact]
    public void The_example_file_in_the_documentation_imports_as_a_five_level_chain()
    {
        // docs/organizations.md, section "Importing a CSV file"; keep the two in step.
        var plan = Plan("""
            统一社会信用代码,名称,层级,上级机构代码,是否数据主管部门
            11350000MB0000010T,福建省数据管理局,省级,,是
            11350100MB00000201,福州市数据管理局,市级,11350000MB0000010T,是
            11350102MB0000030Y,鼓楼区数据管理局,县级,11350100MB00000201,否
            11350102MB00000400,"鼓楼区东街街道办事处（含""一网通办""窗口）",乡镇级,11350102MB0000030Y,否
            N2350102MB00000609,洪山村股份经济合作社,村级,11350102MB00000400,否
            """);

        Assert.True(plan.IsValid, string.Join("; ", plan.Issues));
        Assert.Equal(OrganizationLevels.All, plan.Organizations.Select(o => o.Level));
        Assert.Equal("鼓楼区东街街道办事处（含\"一网通办\"窗口）", plan.Organizations[3].Name);
        Assert.Equal([true, true, false, false, false], plan.Organizations.Select(o => o.IsDataAuthority));
    }
}
