using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

public sealed class OrganizationTreeTests
{
    private static readonly DateTimeOffset Time = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Organization Org(string name, OrganizationLevel level, Guid? parent = null) =>
        new(Guid.NewGuid(), CreditCode.Complete("11350100" + Random.Shared.Next(10_000_000, 99_999_999) + "0"), name, level, parent, false, OrganizationStatus.Active, Time, Time, 1);

    [Fact]
    public void Organizations_are_nested_under_their_parents_in_the_given_order()
    {
        var province = Org("福建省", OrganizationLevel.Province);
        var fuzhou = Org("福州市", OrganizationLevel.City, province.Id);
        var xiamen = Org("厦门市", OrganizationLevel.City, province.Id);
        var gulou = Org("鼓楼区", OrganizationLevel.County, fuzhou.Id);

        var tree = OrganizationTree.Build([province, fuzhou, xiamen, gulou]);

        var root = Assert.Single(tree);
        Assert.Equal(province, root.Organization);
        Assert.Equal(["福州市", "厦门市"], root.Children.Select(c => c.Organization.Name));
        Assert.Equal("鼓楼区", root.Children[0].Children.Single().Organization.Name);
    }

    [Fact]
    public void An_organization_whose_parent_is_not_listed_becomes_a_root()
    {
        var county = Org("鼓楼区", OrganizationLevel.County, Guid.NewGuid());

        Assert.Equal(county, Assert.Single(OrganizationTree.Build([county])).Organization);
    }

    [Fact]
    public void Organizations_in_a_parent_cycle_are_still_shown_once()
    {
        var a = Org("甲", OrganizationLevel.City);
        var b = Org("乙", OrganizationLevel.County, a.Id);
        a = a with { ParentId = b.Id };

        var tree = OrganizationTree.Build([a, b]);

        var all = Flatten(tree).ToList();
        Assert.Equal(2, all.Count);
        Assert.Equal(2, all.Select(n => n.Organization.Id).Distinct().Count());
    }

    private static IEnumerable<OrganizationTreeNode> Flatten(IEnumerable<OrganizationTreeNode> nodes) =>
        nodes.SelectMany(n => Flatten(n.Children).Prepend(n));
}
