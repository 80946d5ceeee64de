using Shuqiao.Core.Common;
using System.Text;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

public sealed class OrganizationCsvTests
{
    private static readonly string ProvinceCode = CreditCode.Complete("11350000003591000");
    private static readonly string CityCode = CreditCode.Complete("11350100003591010");
    private static readonly string CountyCode = CreditCode.Complete("11350102003591020");

    // "数据局" in GB18030 (the same bytes in GBK), written out rather than produced by the encoder under test.
    private static readonly byte[] DataBureauGb18030 = [0xCA, 0xFD, 0xBE, 0xDD, 0xBE, 0xD6];

    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    // ---- Decoding

    [Fact]
    public void Utf8_is_the_default_encoding()
    {
        Assert.Null(OrganizationCsv.Decode(Encoding.UTF8.GetBytes("名称\r\n"), null, out var text));
        Assert.Equal("名称\r\n", text);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_removed()
    {
        Assert.Null(OrganizationCsv.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("code")], "utf-8", out var text));
        Assert.Equal("code", text);
    }

    [Fact]
    public void A_utf8_byte_order_mark_wins_over_a_declared_gb18030()
    {
        Assert.Null(OrganizationCsv.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("数据局")], "gb18030", out var text));
        Assert.Equal("数据局", text);
    }

    [Theory]
    [InlineData("gb18030")]
    [InlineData("GB18030")]
    [InlineData("gbk")]
    [InlineData("GB2312")]
    [InlineData("\"gb18030\"")]
    public void Gb18030_text_is_read_when_declared_by_any_of_its_names(string charset)
    {
        Assert.Null(OrganizationCsv.Decode(DataBureauGb18030, charset, out var text));
        Assert.Equal("数据局", text);
    }

    [Fact]
    public void Gb18030_four_byte_characters_outside_gbk_are_read()
    {
        // U+20000 (𠀀, CJK Extension B) is 95 32 82 36 in GB18030 and has no GBK encoding.
        Assert.Null(OrganizationCsv.Decode([0x95, 0x32, 0x82, 0x36], "gb18030", out var text));
        Assert.Equal("\U00020000", text);
    }

    [Fact]
    public void Gb18030_bytes_sent_as_utf8_are_refused_with_a_hint_to_declare_the_charset()
    {
        var issue = OrganizationCsv.Decode(DataBureauGb18030, null, out _);

        Assert.Equal("file.notUtf8", issue?.Code);
        Assert.Contains("charset=gb18030", issue!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8_chinese_declared_as_gb18030_is_refused_rather_than_garbled()
    {
        var issue = OrganizationCsv.Decode(Encoding.UTF8.GetBytes("名称,层级\r\n福州市数据管理局,市级\r\n"), "gb18030", out _);

        Assert.Equal("file.looksUtf8", issue?.Code);
    }

    [Fact]
    public void Plain_ascii_declared_as_gb18030_is_read()
    {
        Assert.Null(OrganizationCsv.Decode("code,name\r\n"u8, "gb18030", out var text));
        Assert.Equal("code,name\r\n", text);
    }

    [Fact]
    public void Bytes_that_are_not_gb18030_are_refused_not_replaced()
    {
        var issue = OrganizationCsv.Decode([0x41, 0x80, 0x42], "gb18030", out _);

        Assert.Equal("file.notGb18030", issue?.Code);
    }

    [Fact]
    public void An_unknown_charset_is_named_in_the_reason()
    {
        var issue = OrganizationCsv.Decode("a"u8, "big5", out _);

        Assert.Equal("file.charsetUnknown", issue?.Code);
        Assert.Equal("charset", issue!.Field);
        Assert.Contains("'big5'", issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excel_workbook_is_recognised_and_refused_with_advice()
    {
        Assert.Equal("file.workbook", OrganizationCsv.Decode([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], null, out _)?.Code);
        Assert.Equal("file.workbook", OrganizationCsv.Decode([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1], null, out _)?.Code);
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_is_read()
    {
        Assert.Null(OrganizationCsv.Decode([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("名称")], null, out var text));
        Assert.Equal("名称", text);
    }

    // ---- Parsing

    [Fact]
    public void English_headers_and_rows_are_read_into_organizations()
    {
        var parse = OrganizationCsv.Parse($"""
            code,name,level,parentCode,isDataAuthority
            {ProvinceCode},福建省数据管理局,Province,,true
            {CityCode},福州市数据管理局,City,{ProvinceCode},false
            """);

        Assert.Null(parse.FileIssue);
        Assert.Empty(parse.RowIssues);
        Assert.Equal(2, parse.Rows.Count);
        var city = parse.Rows[1];
        Assert.Equal((3, CityCode, "福州市数据管理局", OrganizationLevel.City, ProvinceCode, false, false),
            (city.Row, city.Code, city.Name, city.Level, city.ParentCode, city.IsDataAuthority, city.HasIssues));
        Assert.True(parse.Rows[0].IsDataAuthority);
    }

    [Fact]
    public void Chinese_headers_and_level_names_in_any_column_order_are_read()
    {
        var parse = OrganizationCsv.Parse($"""
            层级,名称,统一社会信用代码,是否数据主管部门,上级机构代码
            省级,福建省数据管理局,{ProvinceCode},是,
            市级,福州市数据管理局,{CityCode},否,{ProvinceCode}
            县级,鼓楼区数据管理局,{CountyCode},,{CityCode}
            """);

        Assert.Empty(parse.RowIssues);
        Assert.Equal([OrganizationLevel.Province, OrganizationLevel.City, OrganizationLevel.County], parse.Rows.Select(r => r.Level!.Value));
        Assert.Equal([true, false, false], parse.Rows.Select(r => r.IsDataAuthority));
        Assert.Equal(CityCode, parse.Rows[2].ParentCode);
    }

    [Fact]
    public void Optional_columns_may_be_left_out()
    {
        var parse = OrganizationCsv.Parse($"code,name,level\r\n{ProvinceCode},福建省数据管理局,省级\r\n");

        Assert.Empty(parse.RowIssues);
        Assert.Equal("", parse.Rows.Single().ParentCode);
        Assert.False(parse.Rows.Single().IsDataAuthority);
    }

    [Fact]
    public void Cells_are_trimmed_and_codes_normalized()
    {
        var lower = ProvinceCode.ToLowerInvariant();
        var parse = OrganizationCsv.Parse($"code,name,level\r\n  {lower} ,  福建省数据管理局  , province \r\n");

        var row = parse.Rows.Single();
        Assert.Empty(parse.RowIssues);
        Assert.Equal((ProvinceCode, "福建省数据管理局", OrganizationLevel.Province), (row.Code, row.Name, row.Level));
    }

    [Fact]
    public void A_quoted_name_may_hold_commas_and_quotes()
    {
        var parse = OrganizationCsv.Parse($"code,name,level\r\n{ProvinceCode},\"福建省人民政府办公厅（省大数据中心,\"\"数字福建\"\"）\",省级\r\n");

        Assert.Empty(parse.RowIssues);
        Assert.Equal("福建省人民政府办公厅（省大数据中心,\"数字福建\"）", parse.Rows.Single().Name);
    }

    [Fact]
    public void Every_problem_of_every_row_is_reported_with_row_and_field()
    {
        var parse = OrganizationCsv.Parse($"""
            code,name,level,parentCode,isDataAuthority
            91110000600037341N,,市级,,
            {CityCode},福州市数据管理局,地级,12345,也许
            """);

        var issues = parse.RowIssues.Select(i => (i.Row, i.Issue.Field, i.Issue.Code)).ToList();
        Assert.Equal(
            [
                (2, "code", "code.checksum"),
                (2, "name", "name.required"),
                (3, "level", "level.unknown"),
                (3, "parentCode", "parent.codeInvalid"),
                (3, "isDataAuthority", "flag.unknown"),
            ],
            issues);
        Assert.All(parse.Rows, r => Assert.True(r.HasIssues));
        Assert.Contains("'地级'", parse.RowIssues[2].Issue.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_or_repeated_column_is_reported_on_the_header_row_and_the_rows_still_checked()
    {
        var parse = OrganizationCsv.Parse($"code,name,level,备注,name\r\n{ProvinceCode},福建省数据管理局,省级,x,y\r\n{CityCode},,市级,,\r\n");

        Assert.Equal(
            [(1, "header", "header.unknown"), (1, "header", "header.repeated"), (3, "name", "name.required")],
            parse.RowIssues.Select(i => (i.Row, i.Issue.Field, i.Issue.Code)));
        Assert.Equal("福建省数据管理局", parse.Rows[0].Name); // the first "name" column counts
    }

    [Fact]
    public void A_missing_required_column_stops_at_the_header()
    {
        var parse = OrganizationCsv.Parse($"code,名称\r\n{ProvinceCode},福建省数据管理局\r\n");

        var issue = Assert.Single(parse.RowIssues);
        Assert.Equal((1, "header.missing"), (issue.Row, issue.Issue.Code));
        Assert.Contains("'level'", issue.Issue.Reason, StringComparison.Ordinal);
        Assert.Empty(parse.Rows);
    }

    [Fact]
    public void Trailing_empty_header_cells_from_spreadsheets_are_ignored_but_an_unnamed_middle_column_is_not()
    {
        Assert.Empty(OrganizationCsv.Parse($"code,name,level,,\r\n{ProvinceCode},福建省数据管理局,省级,,\r\n").RowIssues);

        var issue = Assert.Single(OrganizationCsv.Parse($"code,,name,level\r\n{ProvinceCode},,福建省数据管理局,省级\r\n").RowIssues);
        Assert.Equal("header.unnamed", issue.Issue.Code);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_fields_is_reported_as_such()
    {
        // The classic: a name with an unquoted comma.
        var parse = OrganizationCsv.Parse($"code,name,level\r\n{ProvinceCode},福建省,数据管理局,省级\r\n");

        var issue = Assert.Single(parse.RowIssues);
        Assert.Equal((2, "row", "csv.fieldCount"), (issue.Row, issue.Issue.Field, issue.Issue.Code));
        Assert.Equal("has 4 fields but the header has 3", issue.Issue.Reason);
    }

    [Fact]
    public void Syntax_errors_are_reported_per_row()
    {
        var parse = OrganizationCsv.Parse($"code,name,level\r\n{ProvinceCode},\"福建\"省,省级\r\n{CityCode},福\"州,市级\r\n");

        Assert.Equal([(2, "csv.textAfterQuote"), (3, "csv.quoteInField")], parse.RowIssues.Select(i => (i.Row, i.Issue.Code)));
    }

    [Fact]
    public void Blank_rows_are_skipped_but_keep_the_numbering()
    {
        var parse = OrganizationCsv.Parse($"\r\ncode,name,level\r\n\r\n,,\r\n{ProvinceCode},,省级\r\n");

        var issue = Assert.Single(parse.RowIssues);
        Assert.Equal(5, issue.Row);
    }

    [Fact]
    public void An_empty_file_and_a_header_without_rows_are_file_issues()
    {
        Assert.Equal("file.empty", OrganizationCsv.Parse("").FileIssue?.Code);
        Assert.Equal("file.empty", OrganizationCsv.Parse("\r\n \r\n").FileIssue?.Code);
        Assert.Equal("file.noRows", OrganizationCsv.Parse("code,name,level\r\n").FileIssue?.Code);
    }

    [Fact]
    public void A_file_with_too_many_rows_is_refused_as_a_whole()
    {
        var text = new StringBuilder("code,name,level\n");
        for (var i = 0; i <= OrganizationCsv.MaxRows; i++)
        {
            text.Append(ProvinceCode).Append(",x,省级\n");
        }

        var parse = OrganizationCsv.Parse(text.ToString());

        Assert.Equal("file.tooManyRows", parse.FileIssue?.Code);
        Assert.Empty(parse.Rows);
    }

    [Fact]
    public void A_leading_bom_character_left_in_the_text_does_not_spoil_the_header()
    {
        Assert.Empty(OrganizationCsv.Parse($"\uFEFFcode,name,level\r\n{ProvinceCode},福建省数据管理局,省级\r\n").RowIssues);
    }

    [Fact]
    public void A_gb18030_file_decodes_and_parses_end_to_end()
    {
        var bytes = Gb18030.GetBytes($"统一社会信用代码,名称,层级\r\n{ProvinceCode},福建省数据管理局,省级\r\n");

        Assert.Null(OrganizationCsv.Decode(bytes, "gb18030", out var text));
        var parse = OrganizationCsv.Parse(text);

        Assert.Empty(parse.RowIssues);
        Assert.Equal("福建省数据管理局", parse.Rows.Single().Name);
    }

    [Fact]
    public void The_template_is_a_utf8_header_with_a_bom_that_parses_back()
    {
        var bytes = OrganizationCsv.Template(chineseHeader: true);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Null(OrganizationCsv.Decode(bytes, null, out var text));
        Assert.Equal("统一社会信用代码,名称,层级,上级机构代码,是否数据主管部门\r\n", text);
        Assert.Equal("file.noRows", OrganizationCsv.Parse(text).FileIssue?.Code);
    }
}
