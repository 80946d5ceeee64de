using System.Text;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Ingestion;
using Shuqiao.Core.Tests.Catalog;

namespace Shuqiao.Core.Tests.Ingestion;

public sealed class BatchReaderTests
{
    // id (key, 编号), name (姓名, required), age (年龄, integer), grade (等级, code list, warns when wrong)
    private static readonly CompiledSchema Schema = Schemas.Compile(
        new FieldDraft("name", "姓名", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal"),
        new FieldDraft("age", "年龄", Type: "integer", Classification: "General", PersonalInfo: "None"),
        new FieldDraft("grade", "等级", Type: "string", Classification: "General", PersonalInfo: "None", Validators: [Schemas.Codes("A", "B")], OnInvalid: "Warn"));

    private static List<CheckedRow> Read(string text, BatchFormat format = BatchFormat.Csv, string charset = "utf-8")
    {
        var encoding = Charsets.Strict(charset)!;
        var bytes = charset == "utf-8" ? Encoding.UTF8.GetBytes(text) : encoding.GetBytes(text);
        return BatchReader.Read(new MemoryStream(bytes), format, encoding, Schema).ToList();
    }

    // Payloads escape non-ASCII characters (PostgreSQL's jsonb stores them decoded); tests read them decoded.
    private static string? Plain(string? payload) => payload is null
        ? null
        : System.Text.Json.Nodes.JsonNode.Parse(payload)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static List<CheckedRow> ReadBytes(byte[] bytes, BatchFormat format, string charset) =>
        BatchReader.Read(new MemoryStream(bytes), format, Charsets.Strict(charset)!, Schema).ToList();

    [Fact]
    public void Csv_columns_are_matched_by_Chinese_label_or_field_name()
    {
        var rows = Read("编号,name,年龄,等级\r\n1,张三,30,A\r\n2,李四,,B\r\n");

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.False(r.Rejected));
        Assert.Equal("1", rows[0].Key);
        Assert.Equal("""{"id":"1","name":"张三","age":30,"grade":"A"}""", Plain(rows[0].Payload));
        Assert.Equal("""{"id":"2","name":"李四","grade":"B"}""", Plain(rows[1].Payload));
    }

    [Fact]
    public void A_GB18030_file_reads_as_the_same_records_as_UTF8()
    {
        var text = "编号,姓名,年龄\n1,王𠀀,30\n";
        var gb = Read(text, charset: "gb18030");
        var utf8 = Read(text);

        Assert.Equal(utf8.Select(r => r.Payload), gb.Select(r => r.Payload));
        Assert.Equal("王𠀀", System.Text.Json.Nodes.JsonNode.Parse(gb[0].Payload!)!["name"]!.GetValue<string>());
    }

    [Fact]
    public void GB18030_bytes_sent_as_UTF8_refuse_the_upload_with_the_charset_reason()
    {
        var bytes = Charsets.Strict("gb18030")!.GetBytes("编号,姓名\n1,张三\n");

        var error = Assert.Throws<IngestAbortedException>(() => ReadBytes(bytes, BatchFormat.Csv, "utf-8"));

        Assert.Equal("encoding", Assert.Single(error.Issues).Code);
    }

    [Fact]
    public void An_unknown_column_and_a_missing_key_column_refuse_the_upload_before_any_row()
    {
        var error = Assert.Throws<IngestAbortedException>(() => Read("姓名,电话\n张三,1\n"));

        Assert.Equal(["header.unknown", "header.keyMissing"], error.Issues.Select(i => i.Code));
        Assert.Contains("电话", error.Issues[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_with_extra_or_missing_columns_are_rejected_with_the_counts()
    {
        var rows = Read("编号,姓名\n1,张三,多余\n2\n3,王五\n");

        Assert.Equal("columns", Assert.Single(rows[0].Rejections).Code);
        Assert.Contains("has 3 columns but the header has 2", rows[0].Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal("columns", Assert.Single(rows[1].Rejections).Code);
        Assert.False(rows[2].Rejected);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Row));
    }

    [Fact]
    public void Broken_quoting_rejects_the_row_and_an_unclosed_quote_ends_the_reading()
    {
        var rows = Read("编号,姓名\n1,张\"三\n2,\"李四\"x\n3,\"王五\n4,赵六\n");

        Assert.Equal(["csv.quoteInField", "csv.textAfterQuote", "csv.quoteNotClosed"], rows.Select(r => Assert.Single(r.Rejections).Code));
    }

    [Fact]
    public void A_value_that_overflows_its_type_rejects_the_row_naming_the_field()
    {
        var row = Assert.Single(Read("编号,姓名,年龄\n1,张三,99999999999999999999\n"));

        var issue = Assert.Single(row.Rejections);
        Assert.Equal("age", issue.Field);
        Assert.Equal("1,张三,99999999999999999999", row.Raw);
    }

    [Fact]
    public void A_warn_field_keeps_the_row_and_reports_a_finding()
    {
        var row = Assert.Single(Read("编号,姓名,等级\n1,张三,Z\n"));

        Assert.False(row.Rejected);
        Assert.Equal("grade", Assert.Single(row.Warnings).Field);
        Assert.Contains("\"grade\":\"Z\"", Plain(row.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_delete_row_needs_only_the_key()
    {
        var rows = Read("_op,编号,姓名\ndelete,7,\n删除,,\nremove,8,\n");

        Assert.Equal(RowOperation.Delete, rows[0].Operation);
        Assert.Equal("7", rows[0].Key);
        Assert.False(rows[0].Rejected);
        Assert.Equal("id", Assert.Single(rows[1].Rejections).Field);
        Assert.Equal("operation", Assert.Single(rows[2].Rejections).Code);
    }

    [Fact]
    public void Json_arrays_and_ndjson_give_the_same_records_as_csv()
    {
        var csv = Read("编号,姓名,年龄\n1,张三,30\n");
        var json = Read("""[{"id":"1","name":"张三","age":30}]""", BatchFormat.Json);
        var ndjson = Read("{\"id\":\"1\",\"name\":\"张三\",\"age\":\"30\"}\n\n", BatchFormat.Ndjson);

        Assert.NotNull(csv[0].Payload);
        Assert.Equal(csv[0].Payload, json[0].Payload);
        Assert.Equal(csv[0].Payload, ndjson[0].Payload);
    }

    [Fact]
    public void Json_rows_may_carry_the_operation_and_unknown_properties_are_rejected()
    {
        var rows = Read("""[{"_op":"delete","id":"9"},{"_op":"upsert","id":"1","name":"张三"},{"id":"2","name":"李四","phone":"1"}]""", BatchFormat.Json);

        Assert.Equal((RowOperation.Delete, "9"), (rows[0].Operation, rows[0].Key));
        Assert.Equal("""{"id":"1","name":"张三"}""", Plain(rows[1].Payload));
        Assert.Equal("record.unknownField", Assert.Single(rows[2].Rejections).Code);
    }

    [Fact]
    public void Malformed_json_refuses_the_upload_with_its_position_and_a_bad_ndjson_line_only_its_row()
    {
        var error = Assert.Throws<IngestAbortedException>(() => Read("""[{"id":"1","name":"张三"},{"id":""", BatchFormat.Json));
        Assert.Equal("json.syntax", Assert.Single(error.Issues).Code);

        var rows = Read("{\"id\":\"1\",\"name\":\"a\"}\n{oops\n", BatchFormat.Ndjson);
        Assert.False(rows[0].Rejected);
        Assert.Equal("json.syntax", Assert.Single(rows[1].Rejections).Code);
    }

    // The CSV reader reads common spellings itself and hands the rest to the catalog; either way a row must be stored
    // exactly as the catalog's record check stores it.
    [Theory]
    [InlineData(" A1 ", "张三", "42", "12.50", "true", "2024-02-29", "2024-02-29T23:30:00+08:00")]
    [InlineData("A2", "  李四\u3000", "-7", "0.0", "FALSE", "2024-3-1", "2024-02-29T23:30:00Z")]
    [InlineData("A3", "王五", "+8", "-0.50", "是", "2024年3月1日", "2024-02-29T23:30:00")]
    [InlineData("A4", "赵六", "４２", "100.", "1", "20240301", "2024-02-29 23:30:00-05:00")]
    [InlineData("A5", "x", "9223372036854775807", ".5", "t", "2024-02-30", "2024-02-29T23:30:00+0800")]
    [InlineData("A6", "", "9223372036854775808", "-0", "yes", "0000-01-01", "2024-13-01T00:00:00")]
    [InlineData("A7", "y", "1.5", "1e3", "maybe", "2024-02-29", "2024-02-29T24:00:00+08:00")]
    [InlineData("A8", "z", "", "12345678901234567890.5", "", "", "0001-01-01T00:00:00+08:00")]
    public void Csv_rows_are_stored_exactly_as_the_catalog_checks_them(string id, string name, string count, string amount, string active, string opened, string updated)
    {
        var schema = Schemas.Compile(
            new FieldDraft("name", "名称", Type: "string", Required: true, Classification: "General", PersonalInfo: "None"),
            Schemas.Field("count", "integer"), Schemas.Field("amount", "decimal"), Schemas.Field("active", "boolean"),
            Schemas.Field("opened", "date"), Schemas.Field("updated", "datetime"));
        var cells = new[] { id, name, count, amount, active, opened, updated };
        var csv = "id,name,count,amount,active,opened,updated\n" + string.Join(',', cells.Select(Core.Common.CsvRecords.Quote)) + "\n";

        var row = Assert.Single(BatchReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), BatchFormat.Csv, new UTF8Encoding(false, true), schema));
        var check = schema.CheckRow(schema.Fields.Select((f, i) => (f.Name, cells[i])).ToDictionary(c => c.Name, c => (string?)c.Item2));

        Assert.Equal(check.Findings.Where(f => f.Action == InvalidValueAction.Reject).Select(f => (f.Issue.Field, f.Issue.Code, f.Issue.Reason)), row.Rejections.Select(i => (i.Field, i.Code, i.Reason)));
        Assert.Equal(check.Rejected ? null : check.ToJson(schema.Fields), row.Payload);
        Assert.Equal(check.Rejected ? "" : BatchReader.Key(check.KeyParts), row.Key);
    }

    [Fact]
    public void Composite_keys_escape_the_separator()
    {
        Assert.Equal("a\\|b|c", BatchReader.Key(["a|b", "c"]));
        Assert.Equal("a|b", BatchReader.Key(["a|b"]));
    }
}
