using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Privacy;

namespace Shuqiao.Core.Tests.Privacy;

public class MaskerTests
{
    private static readonly MaskingContext NoKey = MaskingContext.ForChina(null);

    private static readonly byte[] KeyBytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static string? Masked(TypedValue value, MaskingRule rule, MaskingContext? context = null) =>
        Masker.Mask(value, rule, context ?? NoKey)?.Text;

    [Theory]
    [InlineData("110101199003071234", 6, 4, "110101********1234")] // 居民身份证号码
    [InlineData("13812345678", 3, 4, "138****5678")]               // 手机号码
    [InlineData("张三", 1, 0, "张*")]
    [InlineData("欧阳娜娜", 1, 0, "欧***")]
    [InlineData("欧阳娜娜", 2, 0, "欧阳**")]
    [InlineData("李小明", 1, 1, "李*明")]
    [InlineData("张三", 1, 1, "张*")]    // too short for both ends: the tail gives way first
    [InlineData("张", 1, 1, "*")]        // a single character is always masked
    [InlineData("𠀀𠀁𠀂", 1, 1, "𠀀*𠀂")] // CJK Extension B: one character each, not two UTF-16 units
    [InlineData("e\u0301张", 1, 0, "e\u0301*")] // e + combining acute is one text element
    [InlineData("张三", 0, 0, "**")]
    public void Keep_first_last_counts_what_a_reader_sees_as_characters(string value, int first, int last, string expected) =>
        Assert.Equal(expected, Masked(TypedValue.Of(value), MaskingRule.KeepFirstLastOf(first, last)));

    [Fact]
    public void Redaction_hides_the_length_and_the_type()
    {
        Assert.Equal("******", Masked(TypedValue.Of("福建省福州市鼓楼区东街街道杨桥东路17号"), new MaskingRule(MaskingKind.Redact)));
        var number = Masker.Mask(TypedValue.Of(42L), new MaskingRule(MaskingKind.Redact), NoKey)!;
        Assert.Equal(FieldType.String, number.Type);
        Assert.Equal("******", number.Text);
    }

    [Fact]
    public void Null_rule_leaves_the_value_out_and_an_absent_value_stays_absent()
    {
        Assert.Null(Masker.Mask(TypedValue.Of("张三"), new MaskingRule(MaskingKind.Null), NoKey));
        Assert.Null(Masker.Mask(null, new MaskingRule(MaskingKind.Redact), NoKey));
    }

    [Fact]
    public void Date_to_year_gives_the_year_as_a_number_and_reads_instants_in_china_time()
    {
        var year = Masker.Mask(TypedValue.Of(new DateOnly(1990, 5, 17)), new MaskingRule(MaskingKind.DateToYear), NoKey)!;
        Assert.Equal(FieldType.Integer, year.Type);
        Assert.Equal(1990L, year.AsInteger);

        // 2025-12-31 16:30 UTC is already 2026-01-01 00:30 in 示范市.
        var instant = TypedValue.Of(new DateTimeOffset(2025, 12, 31, 16, 30, 0, TimeSpan.Zero));
        Assert.Equal("2026", Masked(instant, new MaskingRule(MaskingKind.DateToYear)));
    }

    [Theory]
    [InlineData(37, 10, "[30, 40)")]
    [InlineData(40, 10, "[40, 50)")]
    [InlineData(-3, 10, "[-10, 0)")]
    [InlineData(8500, 1000, "[8000, 9000)")]
    public void Number_range_gives_the_half_open_band_of_the_step(long value, int step, string expected) =>
        Assert.Equal(expected, Masked(TypedValue.Of(value), MaskingRule.NumberRangeOf(step)));

    [Fact]
    public void Number_range_handles_decimals_and_fails_closed_on_text()
    {
        Assert.Equal("[3.5, 4)", Masked(TypedValue.Of(3.75m), MaskingRule.NumberRangeOf(0.5m)));
        Assert.Equal("******", Masked(TypedValue.Of("三十七"), MaskingRule.NumberRangeOf(10)));
    }

    [Theory]
    [InlineData("示范市鼓楼区东街街道幸福路88号3栋501室", RegionLevel.County, "示范市鼓楼区")]
    [InlineData("示范市鼓楼区东街街道幸福路88号3栋501室", RegionLevel.City, "示范市")]
    [InlineData("示范市鼓楼区东街街道幸福路88号3栋501室", RegionLevel.Town, "示范市鼓楼区东街街道")]
    [InlineData("示范市鼓楼区东街街道幸福路88号3栋501室", RegionLevel.Province, "******")] // names no province
    [InlineData("福建省福州市鼓楼区东街街道杨桥东路17号", RegionLevel.Province, "福建省")]
    [InlineData("福建省福州市鼓楼区东街街道杨桥东路17号", RegionLevel.County, "福建省福州市鼓楼区")]
    [InlineData("北京市朝阳区建国门外街道光华路1号", RegionLevel.City, "北京市")]
    [InlineData("北京市朝阳区建国门外街道光华路1号", RegionLevel.County, "北京市朝阳区")]
    [InlineData("新疆维吾尔自治区乌鲁木齐市天山区解放北路", RegionLevel.City, "新疆维吾尔自治区乌鲁木齐市")]
    [InlineData("江苏省苏州市昆山市玉山镇同丰路8号", RegionLevel.County, "江苏省苏州市昆山市")]
    [InlineData("江苏省苏州市昆山市玉山镇同丰路8号", RegionLevel.Town, "江苏省苏州市昆山市玉山镇")]
    [InlineData("山东省济南市市中区七贤街道", RegionLevel.County, "山东省济南市市中区")]
    [InlineData("内蒙古自治区锡林郭勒盟锡林浩特市", RegionLevel.City, "内蒙古自治区锡林郭勒盟")]
    [InlineData("示范市东街88号", RegionLevel.County, "示范市")]  // the street is never taken for a division
    [InlineData("幸福路88号", RegionLevel.County, "******")]
    [InlineData("示范市鼓楼区东乡路88号", RegionLevel.Town, "示范市鼓楼区")] // a road named after a 乡 is not a 乡
    [InlineData("广西壮族自治区南宁市青秀区", RegionLevel.Province, "广西壮族自治区")]
    [InlineData("湖北省神农架林区松柏镇", RegionLevel.County, "湖北省神农架林区")]
    [InlineData("示范市鼓楼区城市花园小区3栋", RegionLevel.Town, "示范市鼓楼区")]
    public void Region_truncation_cuts_an_address_at_administrative_boundaries(string address, RegionLevel level, string expected) =>
        Assert.Equal(expected, Masked(TypedValue.Of(address), MaskingRule.RegionTruncateTo(level)));

    [Theory]
    [InlineData("350102", RegionLevel.Province, "350000")]
    [InlineData("350102", RegionLevel.City, "350100")]
    [InlineData("350102", RegionLevel.County, "350102")]
    [InlineData("350102001", RegionLevel.County, "350102000")]
    [InlineData("350102001001", RegionLevel.Town, "350102001000")]
    public void Region_truncation_keeps_the_digits_of_a_region_code_level(string code, RegionLevel level, string expected) =>
        Assert.Equal(expected, Masked(TypedValue.Of(code), MaskingRule.RegionTruncateTo(level)));

    [Fact]
    public void Pseudonyms_are_hmac_sha256_in_base32_with_their_algorithm_prefix()
    {
        var context = MaskingContext.ForChina(PseudonymKey.HmacSha256(KeyBytes));
        var rule = new MaskingRule(MaskingKind.Pseudonym);

        // Known answers computed independently (Python hmac + base64.b32encode, lower case, unpadded).
        Assert.Equal("h1_2tkukbcsfjoxm7gayr3noed76a", Masked(TypedValue.Of("110101199003071234"), rule, context));
        Assert.Equal("h1_7all6a7za3ebuv32nzk4oh5q6i", Masked(TypedValue.Of("张三"), rule, context));
        Assert.Equal("mzxw6ytboi", PseudonymKey.Base32("foobar"u8));
    }

    [Fact]
    public void Pseudonyms_are_stable_for_one_consumer_and_differ_between_consumers()
    {
        var secret = Enumerable.Repeat((byte)7, 32).ToArray();
        var consumerA = Guid.Parse("0191c2a0-0000-7000-8000-00000000000a");
        var consumerB = Guid.Parse("0191c2a0-0000-7000-8000-00000000000b");
        var rule = new MaskingRule(MaskingKind.Pseudonym);
        var a1 = Masked(TypedValue.Of("110101199003071234"), rule, MaskingContext.ForChina(PseudonymKey.DeriveHmacSha256(secret, consumerA)));
        var a2 = Masked(TypedValue.Of("110101199003071234"), rule, MaskingContext.ForChina(PseudonymKey.DeriveHmacSha256(secret, consumerA)));
        var b = Masked(TypedValue.Of("110101199003071234"), rule, MaskingContext.ForChina(PseudonymKey.DeriveHmacSha256(secret, consumerB)));
        var other = Masked(TypedValue.Of("110101199003071235"), rule, MaskingContext.ForChina(PseudonymKey.DeriveHmacSha256(secret, consumerA)));

        Assert.Equal(a1, a2);
        Assert.NotEqual(a1, b);
        Assert.NotEqual(a1, other);
        Assert.Matches("^h1_[a-z2-7]{26}$", a1);
    }

    [Fact]
    public void A_pseudonym_rule_without_a_key_is_a_programming_error_not_a_leak() =>
        Assert.Throws<ArgumentException>(() => Masker.Mask(TypedValue.Of("张三"), new MaskingRule(MaskingKind.Pseudonym), NoKey));

    [Fact]
    public void Short_keys_are_refused() =>
        Assert.Throws<ArgumentException>(() => PseudonymKey.HmacSha256(new byte[16]));

    [Fact]
    public void Stored_json_values_are_read_as_their_field_type_before_masking()
    {
        var birth = new ResourceField("birthDate", "出生日期", null, FieldType.Date, null, null, false, false, false,
            DataClassification.General, PersonalInfoKind.Personal, [], InvalidValueAction.Reject, new MaskingRule(MaskingKind.DateToYear), []);
        using var document = JsonDocument.Parse("\"1990-05-17\"");
        Assert.Equal(1990L, Masker.MaskJson(birth, document.RootElement, birth.Masking, NoKey)!.AsInteger);

        // A stored value that no longer parses as the field's type is redacted, never shown.
        using var broken = JsonDocument.Parse("\"not a date\"");
        Assert.Equal("******", Masker.MaskJson(birth, broken.RootElement, birth.Masking, NoKey)!.Text);
    }
}
