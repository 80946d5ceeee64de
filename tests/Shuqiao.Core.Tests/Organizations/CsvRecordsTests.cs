using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Tests.Organizations;

public sealed class CsvRecordsTests
{
    private static List<CsvRecord> Read(string text) => CsvRecords.Read(text).ToList();

    [Fact]
    public void Plain_fields_are_split_on_commas_and_records_on_line_breaks()
    {
        var records = Read("a,b,c\r\nd,e,f\r\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["d", "e", "f"], records[1].Fields);
        Assert.All(records, r => Assert.Equal(CsvSyntaxError.None, r.Error));
    }

    [Fact]
    public void The_last_record_needs_no_line_break()
    {
        var records = Read("a,b\nc,d");

        Assert.Equal(["c", "d"], records[1].Fields);
    }

    [Fact]
    public void Lf_and_lone_cr_end_records_as_well_as_crlf()
    {
        var records = Read("a\nb\rc\r\nd");

        Assert.Equal(["a", "b", "c", "d"], records.Select(r => r.Fields.Single()));
    }

    [Fact]
    public void A_quoted_field_keeps_commas_line_breaks_and_doubled_quotes()
    {
        var records = Read("\"福州市,数据管理局\",\"第一行\r\n第二行\",\"所谓\"\"数据局\"\"\"\r\nx,y,z\r\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["福州市,数据管理局", "第一行\r\n第二行", "所谓\"数据局\""], records[0].Fields);
        Assert.Equal(CsvSyntaxError.None, records[0].Error);
    }

    [Fact]
    public void Rows_count_records_not_lines_so_they_match_the_spreadsheet()
    {
        var records = Read("h1,h2\r\n\"多\n行\",b\r\nc,d\r\n");

        Assert.Equal([1, 2, 3], records.Select(r => r.Row));
    }

    [Fact]
    public void Blank_lines_are_records_of_their_own_and_count_as_rows()
    {
        var records = Read("a\r\n\r\nb\r\n");

        Assert.Equal(3, records.Count);
        Assert.True(records[1].IsBlank);
        Assert.Equal(3, records[2].Row);
    }

    [Fact]
    public void Empty_fields_are_kept_including_a_trailing_one()
    {
        var records = Read(",a,,\r\n");

        Assert.Equal(["", "a", "", ""], records.Single().Fields);
    }

    [Fact]
    public void An_empty_quoted_field_is_an_empty_string()
    {
        Assert.Equal(["", "x"], Read("\"\",x").Single().Fields);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_on_the_row_where_it_starts_and_ends_the_reading()
    {
        var records = Read("a,b\r\nc,\"never closed\r\nd,e\r\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(CsvSyntaxError.QuoteNotClosed, records[1].Error);
        Assert.Equal(2, records[1].Row);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_reported_and_reading_goes_on()
    {
        var records = Read("某\"某\"局,b\r\nc,d\r\n");

        Assert.Equal(CsvSyntaxError.QuoteInField, records[0].Error);
        Assert.Equal(CsvSyntaxError.None, records[1].Error);
        Assert.Equal(["c", "d"], records[1].Fields);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_reported_and_reading_goes_on()
    {
        var records = Read("\"abc\"def,x\r\ny,z");

        Assert.Equal(CsvSyntaxError.TextAfterQuote, records[0].Error);
        Assert.Equal(2, records[0].Fields.Count);
        Assert.Equal(["y", "z"], records[1].Fields);
    }

    [Fact]
    public void Empty_text_has_no_records()
    {
        Assert.Empty(Read(""));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(" padded", "\" padded\"")]
    public void Quoting_round_trips_through_reading(string value, string quoted)
    {
        Assert.Equal(quoted, CsvRecords.Quote(value));
        Assert.Equal(value, Read(quoted).Single().Fields.Single());
    }
}
