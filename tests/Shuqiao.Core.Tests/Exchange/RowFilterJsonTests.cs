using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Tests.Sharing;

namespace Shuqiao.Core.Tests.Exchange;

public class RowFilterJsonTests
{
    private static readonly IReadOnlyList<ResourceField> Fields =
        [.. SharingData.PopulationFields, SharingData.Field("married", FieldType.Boolean)];

    private static List<string> Issues(string json)
    {
        using var document = JsonDocument.Parse(json);
        var read = RowFilterJson.Read(document.RootElement, Fields, SharingData.Options);
        Assert.False(read.Succeeded);
        return read.Failure!.Issues.Select(i => $"{i.Field}:{i.Code}").ToList();
    }

    [Fact]
    public void A_filter_reads_typed_values_and_writes_back_the_same_json()
    {
        const string json = """{"all":[{"field":"district","in":["350102","350103"]},{"field":"birthDate","gte":"1960-01-01","lt":"1970-01-01"},{"any":[{"field":"gender","eq":"1"},{"field":"name","prefix":"张"}]},{"field":"income","gt":3000}]}""";
        var filter = SharingData.Filter(json, Fields);
        Assert.Equal(json, RowFilterJson.Write(filter));
        Assert.Equal("all(in(district)[2],range(birthDate:gte,lt),any(eq(gender),prefix(name)),range(income:gt))", filter.Shape());
        Assert.Equal(["district", "birthDate", "gender", "name", "income"], filter.Fields());
    }

    [Fact]
    public void Values_are_read_as_the_catalog_reads_them()
    {
        // 1960年1月1日 and full-width digits are dates and numbers to the catalog's parser; written back canonically.
        var filter = SharingData.Filter("""{"all":[{"field":"birthDate","gte":"1960年1月1日"},{"field":"income","lte":"５０００"}]}""", Fields);
        Assert.Equal("""{"all":[{"field":"birthDate","gte":"1960-01-01"},{"field":"income","lte":5000}]}""", RowFilterJson.Write(filter));
    }

    [Fact]
    public void Filters_match_records_like_sql_with_missing_values_matching_nothing()
    {
        var filter = SharingData.Filter("""{"all":[{"field":"birthDate","gte":"1960-01-01","lt":"1970-01-01"},{"any":[{"field":"gender","eq":"1"},{"field":"name","prefix":"张"}]}]}""");
        Assert.True(filter.Matches(Row(new DateOnly(1960, 1, 1), "1", "李四")));
        Assert.True(filter.Matches(Row(new DateOnly(1969, 12, 31), "2", "张三")));
        Assert.False(filter.Matches(Row(new DateOnly(1970, 1, 1), "1", "张三")));  // lt is exclusive
        Assert.False(filter.Matches(Row(new DateOnly(1965, 6, 1), "2", "李四")));
        Assert.False(filter.Matches(new Dictionary<string, TypedValue> { ["gender"] = TypedValue.Of("1"), ["name"] = TypedValue.Of("张三") }));
    }

    [Fact]
    public void Unknown_and_repeated_properties_and_operator_mixtures_are_refused()
    {
        Assert.Equal(["filter:filter.unknownProperty"], Issues("""{"field":"gender","eq":"1","ne":"2"}"""));
        Assert.Equal(["filter:filter.operators"], Issues("""{"field":"gender","eq":"1","in":["2"]}"""));
        Assert.Equal(["filter:filter.operators"], Issues("""{"field":"income","gte":1,"gt":2}"""));
        Assert.Equal(["filter:filter.operators"], Issues("""{"field":"income"}"""));
        Assert.Equal(["filter:filter.combinator"], Issues("""{"all":[{"field":"gender","eq":"1"}],"field":"gender"}"""));
        Assert.Equal(["filter:filter.combinator"], Issues("""{"any":[]}"""));
        Assert.Equal(["filter:filter.empty"], Issues("{}"));
        Assert.Equal(["filter:filter.notObject"], Issues("""["gender"]"""));
    }

    [Fact]
    public void Every_problem_is_reported_at_its_json_path()
    {
        Assert.Equal(
            ["filter.all[0].field:field.unknown", "filter.all[1].gte:value.integer", "filter.all[2].any[0].prefix:filter.prefixType", "filter.all[3]:filter.rangeType", "filter.all[4].in:filter.inList", "filter.all[5].eq:filter.valueRequired"],
            Issues("""{"all":[{"field":"nickname","eq":"x"},{"field":"income","gte":"很多"},{"any":[{"field":"income","prefix":"1"}]},{"field":"married","gte":true},{"field":"district","in":[]},{"field":"gender","eq":null}]}"""));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var json = string.Concat(Enumerable.Repeat("""{"all":[""", 9)) + """{"field":"gender","eq":"1"}""" + string.Concat(Enumerable.Repeat("]}", 9));
        Assert.Contains(Issues(json), i => i.EndsWith(":filter.tooDeep", StringComparison.Ordinal));
    }

    private static Dictionary<string, TypedValue> Row(DateOnly birth, string gender, string name) => new()
    {
        ["birthDate"] = TypedValue.Of(birth),
        ["gender"] = TypedValue.Of(gender),
        ["name"] = TypedValue.Of(name),
    };
}
