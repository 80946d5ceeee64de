using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>信息资源代码: 类(1) 项(2) 目(3) 细目(3) / 顺序码(6), its written forms and the taxonomy it is filed under.</summary>
public sealed class ResourceCodeTests
{
    [Theory]
    [InlineData("101001000/000001")]
    [InlineData("1-01-001-000/000001")]
    [InlineData("101001000-000001")]
    [InlineData("1-01-001-000-000001")]
    [InlineData("101001000000001")]
    [InlineData("101001000%2F000001")]
    [InlineData(" 1 01 001 000 / 000001 ")]
    [InlineData("１０１００１０００／０００００１")]
    public void Every_written_form_reads_as_one_code(string text)
    {
        Assert.Equal(ResourceCodeError.None, ResourceCode.TryParse(text, out var code));
        Assert.Equal("101001000/000001", code.Value);
        Assert.Equal("101001000-000001", code.Slug);
        Assert.Equal("1-01-001-000/000001", code.Display);
        Assert.Equal((1, "101", 1), (code.Category.Class, code.Category.ItemPrefix, code.Sequence));
    }

    [Theory]
    [InlineData("", ResourceCodeError.Required)]
    [InlineData("10100100/000001", ResourceCodeError.Format)]
    [InlineData("101001000/00001", ResourceCodeError.Format)]
    [InlineData("101001000/000001/2", ResourceCodeError.Format)]
    [InlineData("A01-02-03-04/00001", ResourceCodeError.Format)]
    [InlineData("401001000/000001", ResourceCodeError.Class)]
    [InlineData("001001000/000001", ResourceCodeError.Class)]
    [InlineData("100001000/000001", ResourceCodeError.Item)]
    [InlineData("101001000/000000", ResourceCodeError.Sequence)]
    public void A_malformed_code_is_refused_by_kind(string text, ResourceCodeError error)
    {
        Assert.Equal(error, ResourceCode.TryParse(text, out _));
        if (error != ResourceCodeError.None)
        {
            Assert.NotNull(ResourceCode.Describe(error));
        }
    }

    [Theory]
    [InlineData("1-01", "101000000")]
    [InlineData("1-01-001", "101001000")]
    [InlineData("101001002", "101001002")]
    [InlineData("3 07 012 001", "307012001")]
    public void A_category_may_leave_out_its_trailing_levels(string text, string digits)
    {
        Assert.Equal(ResourceCodeError.None, ResourceCategory.TryParse(text, out var category));
        Assert.Equal(digits, category.Digits);
    }

    [Fact]
    public void A_category_of_another_length_is_refused() =>
        Assert.Equal(ResourceCodeError.Format, ResourceCategory.TryParse("1010", out _));

    [Fact]
    public void The_national_taxonomy_knows_the_classes_and_items_of_the_guide()
    {
        var taxonomy = CatalogTaxonomy.Default;
        ResourceCategory.TryParse("1-01-001", out var population);
        ResourceCategory.TryParse("1-09", out var unknownItem);

        Assert.Null(taxonomy.Check(population));
        Assert.Equal("基础信息资源/人口基础信息", taxonomy.PathText(population));
        var issue = taxonomy.Check(unknownItem)!;
        Assert.Equal(("category", "category.unknown"), (issue.Field, issue.Code));
        Assert.Contains("项 '109'", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_level_constrains_its_siblings_but_an_unlisted_level_is_open()
    {
        var taxonomy = new CatalogTaxonomy([.. CatalogTaxonomy.National, new CatalogCategory("101001", "户籍人口"), new CatalogCategory("101002", "流动人口")]);
        ResourceCategory.TryParse("1-01-002", out var listed);
        ResourceCategory.TryParse("1-01-003", out var unlisted);
        ResourceCategory.TryParse("1-02-777", out var open);

        Assert.Null(taxonomy.Check(listed));
        Assert.Equal("category.unknown", taxonomy.Check(unlisted)?.Code);
        Assert.Null(taxonomy.Check(open));
        Assert.Equal("基础信息资源/人口基础信息/流动人口", taxonomy.PathText(listed));
    }

    [Fact]
    public void A_configured_node_must_hang_under_an_existing_one() =>
        Assert.Throws<ArgumentException>(() => new CatalogTaxonomy([new CatalogCategory("1", "基础"), new CatalogCategory("102003", "孤儿")]));

    [Fact]
    public void Codes_compare_by_value()
    {
        ResourceCode.TryParse("1-01-001-000/000001", out var a);
        ResourceCode.TryParse("101001000-000001", out var b);

        Assert.Equal(a, b);
        Assert.NotEqual(a, ResourceCode.Parse("101001000/000002"));
    }
}
