using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

public sealed class OrganizationRulesTests
{
    [Theory]
    [InlineData(OrganizationLevel.Province, OrganizationLevel.City, true)]
    [InlineData(OrganizationLevel.Province, OrganizationLevel.Village, true)]
    [InlineData(OrganizationLevel.Town, OrganizationLevel.Village, true)]
    [InlineData(OrganizationLevel.City, OrganizationLevel.City, false)]
    [InlineData(OrganizationLevel.Village, OrganizationLevel.Town, false)]
    public void A_level_is_above_another_when_it_is_nearer_the_province(OrganizationLevel level, OrganizationLevel other, bool above)
    {
        Assert.Equal(above, level.IsAbove(other));
    }

    [Theory]
    [InlineData("Province", OrganizationLevel.Province)]
    [InlineData("county", OrganizationLevel.County)]
    [InlineData(" TOWN ", OrganizationLevel.Town)]
    [InlineData("省级", OrganizationLevel.Province)]
    [InlineData("市级", OrganizationLevel.City)]
    [InlineData("县级", OrganizationLevel.County)]
    [InlineData("乡镇级", OrganizationLevel.Town)]
    [InlineData("村级", OrganizationLevel.Village)]
    public void Levels_are_read_by_english_or_chinese_name(string text, OrganizationLevel level)
    {
        Assert.True(OrganizationLevels.TryParse(text, out var parsed));
        Assert.Equal(level, parsed);
        Assert.Null(OrganizationRules.CheckLevel(text, out _));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("地级")]
    [InlineData("Prefecture")]
    public void Numbers_and_unknown_names_are_not_levels(string text)
    {
        Assert.False(OrganizationLevels.TryParse(text, out _));
        Assert.Equal("level.unknown", OrganizationRules.CheckLevel(text, out _)?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void A_missing_level_is_required(string? text)
    {
        Assert.Equal("level.required", OrganizationRules.CheckLevel(text, out _)?.Code);
    }

    [Fact]
    public void Every_level_has_a_chinese_name_that_reads_back()
    {
        foreach (var level in OrganizationLevels.All)
        {
            Assert.True(OrganizationLevels.TryParse(OrganizationLevels.ChineseName(level), out var parsed));
            Assert.Equal(level, parsed);
        }
    }

    [Fact]
    public void A_county_may_sit_under_a_city_or_directly_under_a_province()
    {
        Assert.Null(OrganizationRules.CheckParent(OrganizationLevel.County, "福州市", OrganizationLevel.City, OrganizationStatus.Active));
        Assert.Null(OrganizationRules.CheckParent(OrganizationLevel.County, "福建省", OrganizationLevel.Province, OrganizationStatus.Active));
    }

    [Theory]
    [InlineData(OrganizationLevel.County)]
    [InlineData(OrganizationLevel.Town)]
    public void A_parent_at_the_same_or_a_lower_level_is_refused(OrganizationLevel parentLevel)
    {
        var issue = OrganizationRules.CheckParent(OrganizationLevel.County, "鼓楼区", parentLevel, OrganizationStatus.Active);

        Assert.Equal(("parentId", "parent.level"), (issue?.Field, issue?.Code));
        Assert.Equal($"must be at a higher level than County, but '鼓楼区' is at level {parentLevel}", issue!.Reason);
    }

    [Fact]
    public void An_active_organization_needs_an_active_parent_but_a_disabled_one_does_not()
    {
        Assert.Equal("parent.disabled", OrganizationRules.CheckParent(OrganizationLevel.Town, "撤并县", OrganizationLevel.County, OrganizationStatus.Disabled)?.Code);
        Assert.Null(OrganizationRules.CheckParent(OrganizationLevel.Town, "撤并县", OrganizationLevel.County, OrganizationStatus.Disabled, OrganizationStatus.Disabled));
    }

    [Fact]
    public void The_nodes_top_level_is_the_highest_non_province_root_level()
    {
        Assert.Null(OrganizationRules.NodeTopLevel([]));
        Assert.Null(OrganizationRules.NodeTopLevel([OrganizationLevel.Province]));
        Assert.Equal(OrganizationLevel.City, OrganizationRules.NodeTopLevel([OrganizationLevel.Province, OrganizationLevel.County, OrganizationLevel.City]));
    }

    [Theory]
    [InlineData(OrganizationLevel.Province, null, true)]
    [InlineData(OrganizationLevel.Village, null, true)]      // an empty node takes its top from its first root
    [InlineData(OrganizationLevel.Province, OrganizationLevel.City, true)]
    [InlineData(OrganizationLevel.City, OrganizationLevel.City, true)]
    [InlineData(OrganizationLevel.City, OrganizationLevel.County, true)]   // the node's top may move up
    [InlineData(OrganizationLevel.County, OrganizationLevel.City, false)]
    [InlineData(OrganizationLevel.Village, OrganizationLevel.City, false)]
    public void Only_a_province_or_the_nodes_top_level_may_have_no_parent(OrganizationLevel level, OrganizationLevel? top, bool allowed)
    {
        var issue = OrganizationRules.CheckRoot(level, top);

        Assert.Equal(allowed, issue is null);
        if (!allowed)
        {
            Assert.Equal("parent.required", issue!.Code);
            Assert.Contains($"({top})", issue.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_level_change_must_keep_the_organization_above_every_child()
    {
        var children = new[] { ("鼓楼区", OrganizationLevel.County), ("洪山镇", OrganizationLevel.Town) };

        Assert.Null(OrganizationRules.CheckChildren(OrganizationLevel.City, children));
        var issue = OrganizationRules.CheckChildren(OrganizationLevel.County, children);
        Assert.Equal(("level", "level.belowChild"), (issue?.Field, issue?.Code));
        Assert.Equal("鼓楼区", issue!.Arguments[1]);
    }

    [Theory]
    [InlineData("福州市数据管理局", null)]
    [InlineData("", "name.required")]
    [InlineData("福州\n数据局", "name.control")]
    [InlineData("福州\t数据局", "name.control")]
    public void Names_are_required_and_single_line(string name, string? code)
    {
        Assert.Equal(code, OrganizationRules.CheckName(name)?.Code);
    }

    [Fact]
    public void Names_are_trimmed_and_limited_to_two_hundred_characters()
    {
        Assert.Equal("福州市数据管理局", OrganizationRules.NormalizeName("  福州市数据管理局 \t"));
        Assert.Equal("", OrganizationRules.NormalizeName(null));
        Assert.Null(OrganizationRules.CheckName(new string('局', 200)));
        var issue = OrganizationRules.CheckName(new string('局', 201));
        Assert.Equal("name.tooLong", issue?.Code);
        Assert.Equal("must be at most 200 characters but has 201", issue!.Reason);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("是", true)]
    [InlineData("1", true)]
    [InlineData("Y", true)]
    [InlineData("false", false)]
    [InlineData("否", false)]
    [InlineData("0", false)]
    [InlineData(" no ", false)]
    public void Yes_no_cells_are_read_as_spreadsheets_write_them(string text, bool expected)
    {
        Assert.True(OrganizationRules.TryParseFlag(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("也许")]
    [InlineData("2")]
    public void Other_yes_no_cells_are_refused(string text)
    {
        Assert.False(OrganizationRules.TryParseFlag(text, out _));
    }

    [Fact]
    public void Code_issues_carry_the_check_details_for_translation()
    {
        var issue = OrganizationRules.CheckCode("91110000600037341N");

        Assert.Equal(("code", "code.checksum"), (issue?.Field, issue?.Code));
        Assert.Equal(["N", "L"], issue!.Arguments);
        Assert.Null(OrganizationRules.CheckCode("91110000600037341L"));
    }

    [Fact]
    public void A_failure_becomes_the_house_failure_with_reasons_grouped_by_field()
    {
        var failure = Failure.Invalid([OrganizationIssues.NameRequired(), OrganizationIssues.LevelRequired(), OrganizationIssues.NameControlCharacters()]);

        Assert.Equal(FailureKind.Validation, failure.Kind);
        Assert.Equal(["is required", "must not contain line breaks or other control characters"], failure.Errors!["name"]);
        Assert.Equal(["is required"], failure.Errors["level"]);
        Assert.Null(Failure.NotFound("The organization").Errors);
    }
}
