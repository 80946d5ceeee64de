using Shuqiao.Core.Audit;

namespace Shuqiao.Server.Tests.Audit;

public sealed class SnapshotDiffTests
{
    [Fact]
    public void An_update_lists_only_the_fields_that_changed()
    {
        var before = """{"id":"1","login":"zhangsan","displayName":"张三","roles":["DataSteward"],"status":"Active"}""";
        var after = """{"id":"1","login":"zhangsan","displayName":"张三丰","roles":["DataSteward","Approver"],"status":"Active"}""";

        var changes = SnapshotDiff.Compare(before, after);

        Assert.Equal(
            [
                new FieldChange("displayName", "张三", "张三丰", FieldChangeKind.Changed),
                new FieldChange("roles", "DataSteward", "DataSteward, Approver", FieldChangeKind.Changed),
            ],
            changes);
    }

    [Fact]
    public void A_create_adds_every_field_and_nested_objects_become_dotted_paths()
    {
        var changes = SnapshotDiff.Compare(null, """{"name":"市数据局","address":{"city":"福州","zip":null}}""");

        Assert.Equal(
            [
                new FieldChange("name", null, "市数据局", FieldChangeKind.Added),
                new FieldChange("address.city", null, "福州", FieldChangeKind.Added),
                new FieldChange("address.zip", null, null, FieldChangeKind.Added),
            ],
            changes);
    }

    [Fact]
    public void A_removed_field_is_listed_after_the_others()
    {
        var changes = SnapshotDiff.Compare("""{"a":1,"b":2}""", """{"a":3}""");

        Assert.Equal([new FieldChange("a", "1", "3", FieldChangeKind.Changed), new FieldChange("b", "2", null, FieldChangeKind.Removed)], changes);
    }
}
