using Shuqiao.Core.Catalog;
using static Shuqiao.Core.Tests.Catalog.Schemas;

namespace Shuqiao.Core.Tests.Catalog;

/// <summary>Which schema changes keep consumers of the published version working (additive) and which do not (breaking).</summary>
public sealed class SchemaEvolutionTests
{
    private static FieldDraft Name(bool required = true, string label = "姓名", string classification = "Important", string? onInvalid = null, params ValidatorDraft[] validators) =>
        new("name", label, Type: "string", Required: required, Classification: classification, PersonalInfo: "Personal", Validators: validators, OnInvalid: onInvalid);

    private static SchemaComparison Compare(FieldDraft[] before, FieldDraft[] after) => SchemaEvolution.Compare(Read(before), Read(after));

    private static (string Code, bool Breaking) Only(SchemaComparison comparison)
    {
        var difference = Assert.Single(comparison.Differences);
        return (difference.Change.Code, difference.Breaking);
    }

    [Fact]
    public void The_same_schema_is_unchanged() => Assert.True(Compare([Name()], [Name()]).Unchanged);

    [Fact]
    public void A_new_optional_field_is_additive()
    {
        var comparison = Compare([Name()], [Name(), Field("phone", "string")]);

        Assert.Equal(("evolution.fieldAdded", false), Only(comparison));
        Assert.Equal(SchemaChangeKind.Additive, comparison.Kind);
        Assert.Equal("fields.phone", comparison.Differences[0].Change.Field);
    }

    [Fact]
    public void A_new_required_field_is_breaking() =>
        Assert.Equal(("evolution.requiredFieldAdded", true), Only(Compare([Name()], [Name(), new FieldDraft("phone", "电话", Type: "string", Required: true, Classification: "General", PersonalInfo: "None")])));

    [Fact]
    public void Removing_a_field_is_breaking()
    {
        var comparison = Compare([Name()], []);

        Assert.Equal(("evolution.fieldRemoved", true), Only(comparison));
        Assert.Equal(SchemaChangeKind.Breaking, comparison.Kind);
    }

    [Fact]
    public void Changing_a_type_is_breaking_and_reported_once() =>
        Assert.Equal(("evolution.typeChanged", true), Only(Compare([Field("n", "integer", Range("0", "9"))], [Field("n", "decimal")])));

    [Fact]
    public void Making_a_field_required_breaks_and_making_it_optional_does_not()
    {
        Assert.Equal(("evolution.requiredAdded", true), Only(Compare([Name(required: false)], [Name()])));
        Assert.Equal(("evolution.requiredRemoved", false), Only(Compare([Name()], [Name(required: false)])));
    }

    [Fact]
    public void Changing_the_key_is_breaking()
    {
        var comparison = Compare([Field("n", "string")], [new FieldDraft("n", "n标签", Type: "string", Key: true, Classification: "General", PersonalInfo: "None")]);

        Assert.Contains(comparison.Differences, d => d.Change.Code == "evolution.keyAdded" && d.Breaking);
        Assert.Equal(SchemaChangeKind.Breaking, comparison.Kind);
    }

    [Fact]
    public void Relabelling_and_reclassifying_are_additive()
    {
        var comparison = Compare([Name()], [Name(label: "姓名（中文）", classification: "Core")]);

        Assert.Equal(["evolution.labelChanged", "evolution.classificationChanged"], comparison.Differences.Select(d => d.Change.Code));
        Assert.Equal(SchemaChangeKind.Additive, comparison.Kind);
    }

    [Fact]
    public void Reordering_fields_is_additive() =>
        Assert.Equal(("evolution.orderChanged", false), Only(Compare([Name(), Field("b", "string")], [Field("b", "string"), Name()])));

    [Theory]
    [InlineData(2, 50, 2, 100, "evolution.lengthLoosened", false)]
    [InlineData(2, 50, 2, 20, "evolution.lengthTightened", true)]
    [InlineData(null, 50, 1, 50, "evolution.lengthTightened", true)]
    [InlineData(2, 50, null, 50, "evolution.lengthLoosened", false)]
    public void Length_bounds_tighten_or_loosen(int? min1, int? max1, int? min2, int? max2, string code, bool breaking) =>
        Assert.Equal((code, breaking), Only(Compare([Name(validators: Length(min1, max1))], [Name(validators: Length(min2, max2))])));

    [Theory]
    [InlineData("0", "150", "0", "200", "evolution.rangeLoosened", false)]
    [InlineData("0", "150", "18", "150", "evolution.rangeTightened", true)]
    [InlineData("0", null, "0", "120", "evolution.rangeTightened", true)]
    [InlineData("0", "150", null, "150", "evolution.rangeLoosened", false)]
    public void Ranges_narrow_or_widen(string? min1, string? max1, string? min2, string? max2, string code, bool breaking) =>
        Assert.Equal((code, breaking), Only(Compare([Field("age", "integer", Range(min1, max1))], [Field("age", "integer", Range(min2, max2))])));

    [Fact]
    public void Dates_in_ranges_are_compared_as_dates_not_text() =>
        Assert.Equal(("evolution.rangeLoosened", false), Only(Compare([Field("d", "date", Range("2000-01-01", null))], [Field("d", "date", Range("1999-12-31", null))])));

    [Fact]
    public void Adding_codes_is_additive_and_removing_codes_is_breaking()
    {
        Assert.Equal(("evolution.codesAdded", false), Only(Compare([Field("sex", "string", Codes("1", "2"))], [Field("sex", "string", Codes("1", "2", "9"))])));
        Assert.Equal(("evolution.codesRemoved", true), Only(Compare([Field("sex", "string", Codes("1", "2", "9"))], [Field("sex", "string", Codes("1", "2"))])));
        Assert.True(Compare([Field("sex", "string", Codes("1", "2"))], [Field("sex", "string", Codes("1", "2"))]).Unchanged);
    }

    [Fact]
    public void Adding_a_check_breaks_and_removing_one_does_not()
    {
        Assert.Equal(("evolution.validatorAdded", true), Only(Compare([Field("m", "string")], [Field("m", "string", Kind("mobile"))])));
        Assert.Equal(("evolution.validatorRemoved", false), Only(Compare([Field("m", "string", Kind("mobile"))], [Field("m", "string")])));
    }

    [Fact]
    public void Any_change_of_a_pattern_is_breaking() =>
        Assert.Equal(("evolution.patternChanged", true), Only(Compare([Field("z", "string", Regex(@"\d{6}"))], [Field("z", "string", Regex(@"\d{6,}"))])));

    [Fact]
    public void Rejecting_what_used_to_warn_is_breaking()
    {
        Assert.Equal(("evolution.onInvalidTightened", true), Only(Compare([Name(onInvalid: "Warn")], [Name(onInvalid: "Reject")])));
        Assert.Equal(("evolution.onInvalidLoosened", false), Only(Compare([Name()], [Name(onInvalid: "Warn")])));
    }

    [Fact]
    public void Decimal_precision_reduced_breaks_widened_does_not()
    {
        FieldDraft Amount(int precision, int scale) => new("amount", "金额", Type: "decimal", Precision: precision, Scale: scale, Classification: "General", PersonalInfo: "None");

        Assert.Equal(("evolution.precisionWidened", false), Only(Compare([Amount(10, 2)], [Amount(12, 2)])));
        Assert.Equal(("evolution.precisionReduced", true), Only(Compare([Amount(10, 2)], [Amount(10, 1)])));
    }

    [Fact]
    public void Versions_advance_by_the_kind_of_change()
    {
        var v = SchemaVersion.First;

        Assert.Equal("1.1", v.Next(SchemaChangeKind.Additive).ToString());
        Assert.Equal("2.0", v.Next(SchemaChangeKind.Additive).Next(SchemaChangeKind.Breaking).ToString());
        Assert.True(SchemaVersion.TryParse("v2.3", out var parsed) && parsed == new SchemaVersion(2, 3));
        Assert.False(SchemaVersion.TryParse("0.1", out _));
    }
}
