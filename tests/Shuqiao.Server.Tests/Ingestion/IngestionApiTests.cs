using System.Net;
using System.Text;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Ingestion.IngestionRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>POST /api/v1/resources/{code}/batches and the batch reports: all or nothing, partial, idempotency, history, deletes, bad input.</summary>
public sealed class IngestionApiTests(IngestionServer server) : IClassFixture<IngestionServer>
{
    private const string GoodCsv = "编号,姓名,年龄,等级\r\nA1,张三,30,A\r\nA2,李四,41,B\r\nA3,王五,,A\r\n";

    private const string OneBadRowCsv = "编号,姓名,年龄,等级\r\nA1,张三,30,A\r\nA2,李四,四十一,B\r\nA3,王五,,A\r\n";

    [Fact]
    public async Task One_bad_row_refuses_the_whole_batch_with_its_row_field_and_reason_and_stores_nothing()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(OneBadRowCsv));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Contains("1 of 3 rows", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var reason = Assert.Single(problem.GetProperty("errors").GetProperty("rows[2].age").EnumerateArray()).GetString();
        Assert.Contains("四十一", reason, StringComparison.Ordinal);
        var batch = problem.GetProperty("batch");
        Assert.Equal("Rejected", batch.GetProperty("status").GetString());
        Assert.Equal((3, 0, 1), (batch.GetProperty("counts").GetProperty("received").GetInt32(), batch.GetProperty("counts").GetProperty("accepted").GetInt32(), batch.GetProperty("counts").GetProperty("rejected").GetInt32()));
        Assert.Empty(await RecordsAsync(server, resourceId));

        var stored = await api.GetAsync(batch.GetProperty("self").GetString());
        Assert.Equal("Rejected", (await JsonAsync(stored)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Partial_mode_stores_the_valid_rows_and_offers_the_rejected_ones_as_csv()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(OneBadRowCsv), mode: "partial");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var batch = await JsonAsync(response);
        Assert.Equal(("Committed", "partial"), (batch.GetProperty("status").GetString(), batch.GetProperty("mode").GetString()));
        Assert.Equal(2, batch.GetProperty("counts").GetProperty("inserted").GetInt32());
        Assert.Equal(1, batch.GetProperty("counts").GetProperty("rejected").GetInt32());
        Assert.Equal(["A1", "A3"], (await RecordsAsync(server, resourceId)).Keys.Order());

        var csv = await api.GetAsync(batch.GetProperty("rejectionsCsv").GetString());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]);
        var rows = Core.Common.CsvRecords.Read(text).Select(r => r.Fields).ToList();
        Assert.Equal(["row", "field", "code", "reason", "raw"], rows[0]);
        Assert.Equal(["2", "age", "value.integer"], rows[1].Take(3));
        Assert.Contains("四十一", rows[1][3], StringComparison.Ordinal);
        Assert.Equal("A2,李四,四十一,B", rows[1][4]);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_answers_the_stored_batch_and_a_different_body_conflicts()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var first = await JsonAsync(await UploadAsync(api, slug, Csv(GoodCsv), idempotencyKey: "load-2026-03-01"));
        var retry = await UploadAsync(api, slug, Csv(GoodCsv), idempotencyKey: "load-2026-03-01");
        var other = await UploadAsync(api, slug, Csv(GoodCsv.Replace("张三", "张三丰", StringComparison.Ordinal)), idempotencyKey: "load-2026-03-01");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var again = await JsonAsync(retry);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(3, again.GetProperty("counts").GetProperty("inserted").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("Idempotency-Key", (await JsonAsync(other)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.All((await RecordsAsync(server, resourceId)).Values, r => Assert.Equal(1, r.Version));
        Assert.Equal(1, await CountAsync(server, "select count(*) from ingest_batches where resource_id = $1", resourceId));
    }

    [Fact]
    public async Task A_GB18030_csv_with_its_charset_is_stored_and_without_it_is_refused_as_the_wrong_encoding()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var wrong = await UploadAsync(api, slug, Body(Core.Ingestion.Charsets.Strict("gb18030")!.GetBytes(GoodCsv), "text/csv"));
        var right = await UploadAsync(api, slug, Csv(GoodCsv, "gb18030"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("not valid utf-8", (await JsonAsync(wrong)).GetProperty("errors").GetProperty("charset")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        Assert.Equal("gb18030", (await JsonAsync(right)).GetProperty("charset").GetString());
        Assert.Contains("张三", (await RecordsAsync(server, resourceId))["A1"].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_load_updates_changed_records_keeps_unchanged_ones_and_moves_old_versions_to_history()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);
        await UploadAsync(api, slug, Csv(GoodCsv));

        var response = await UploadAsync(api, slug, Body(Encoding.UTF8.GetBytes("""
            [{"code":"A1","name":"张三","age":31,"grade":"A"},{"code":"A2","name":"李四","age":41,"grade":"B"},{"code":"A4","name":"赵六"},{"_op":"delete","code":"A3"}]
            """), "application/json"));

        var counts = (await JsonAsync(response)).GetProperty("counts");
        Assert.Equal((1, 1, 1, 1), (counts.GetProperty("inserted").GetInt32(), counts.GetProperty("updated").GetInt32(), counts.GetProperty("unchanged").GetInt32(), counts.GetProperty("deleted").GetInt32()));
        var records = await RecordsAsync(server, resourceId);
        Assert.Equal(["A1", "A2", "A4"], records.Keys.Order());
        Assert.Equal((2, 1), (records["A1"].Version, records["A2"].Version));
        Assert.Equal(2, await CountAsync(server, "select count(*) from record_history where resource_id = $1", resourceId));
        Assert.Equal(1, await CountAsync(server, "select count(*) from record_history where resource_id = $1 and deleted and key = 'A3' and payload->>'name' = '王五'", resourceId));
    }

    [Fact]
    public async Task Duplicate_keys_in_one_batch_name_the_row_they_repeat_and_nothing_is_stored()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Body(Encoding.UTF8.GetBytes("{\"code\":\"K\",\"name\":\"甲\"}\n{\"code\":\"L\",\"name\":\"乙\"}\n{\"code\":\"K\",\"name\":\"丙\"}\n"), "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("also in data row 1", (await JsonAsync(response)).GetProperty("errors").GetProperty("rows[3].key")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await RecordsAsync(server, resourceId));
    }

    [Fact]
    public async Task A_first_load_in_partial_mode_with_a_repeated_key_stores_the_first_row_of_each_key()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv("编号,姓名\nK,甲\nL,乙\nK,丙\nM,丁\n"), mode: "partial");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var batch = await JsonAsync(response);
        var counts = batch.GetProperty("counts");
        Assert.Equal((4, 3, 1, 3), (counts.GetProperty("received").GetInt32(), counts.GetProperty("accepted").GetInt32(), counts.GetProperty("rejected").GetInt32(), counts.GetProperty("inserted").GetInt32()));
        Assert.Equal(3, Assert.Single(batch.GetProperty("rejections").EnumerateArray()).GetProperty("row").GetInt32());
        var records = await RecordsAsync(server, resourceId);
        Assert.Equal(["K", "L", "M"], records.Keys.Order());
        Assert.Contains("甲", records["K"].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_warn_field_stores_the_record_and_records_a_finding()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var batch = await JsonAsync(await UploadAsync(api, slug, Csv("编号,姓名,等级\nW1,张三,Z\n")));

        Assert.Equal(1, batch.GetProperty("counts").GetProperty("warnings").GetInt32());
        Assert.Single(await RecordsAsync(server, resourceId));
        Assert.Equal(1, await CountAsync(server, "select count(*) from ingest_findings where batch_id = $1 and field = 'grade'", batch.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("编号,姓名,电话\nA1,张三,1\n", "header", "电话")]
    [InlineData("编号,姓名\nA1,张三,多\n", "rows[1].row", "has 3 columns but the header has 2")]
    [InlineData("编号,姓名\nA1,\"张三\n", "rows[1].row", "quoted field is not closed")]
    [InlineData("编号,姓名,年龄\nA1,张三,9223372036854775808\n", "rows[1].age", "")]
    [InlineData("编号,姓名\n", "body", "no rows")]
    [InlineData("编号,姓名\nA1,张\u0000三\n", "rows[1].name", "NUL character")]
    [InlineData("编号,姓名\nA\u00001,张三\n", "rows[1].code", "NUL character")]
    public async Task Bad_csv_is_refused_with_a_precise_reason_and_nothing_is_stored(string csv, string field, string reason)
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(csv));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.Contains(reason, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await RecordsAsync(server, resourceId));
    }

    [Fact]
    public async Task A_json_value_with_an_escaped_NUL_is_refused_by_field_and_nothing_is_stored()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Body(Encoding.UTF8.GetBytes("""[{"code":"J1","name":"张三"},{"code":"J2","name":"李\u0000四"}]"""), "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("NUL character", (await JsonAsync(response)).GetProperty("errors").GetProperty("rows[2].name")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await RecordsAsync(server, resourceId));
    }

    [Fact]
    public async Task Unknown_resource_wrong_media_type_bad_mode_and_oversized_bodies_get_their_own_answers()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var unknown = await UploadAsync(api, "101999999-999999", Csv(GoodCsv));
        var media = await UploadAsync(api, slug, Body(Encoding.UTF8.GetBytes(GoodCsv), "application/vnd.ms-excel"));
        var charset = await UploadAsync(api, slug, Body(Encoding.UTF8.GetBytes(GoodCsv), "text/csv; charset=big5"));
        var mode = await UploadAsync(api, slug, Csv(GoodCsv), mode: "some");
        var large = new StringBuilder("编号,姓名\n");
        for (var i = 0; large.Length < IngestionServer.MaxBatchBytes; i++)
        {
            large.Append('K').Append(i).Append(",张三\n");
        }

        var tooLarge = await UploadAsync(api, slug, Csv(large.ToString()));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, media.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, charset.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, mode.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Empty(await RecordsAsync(server, resourceId));
    }

    [Fact]
    public async Task Only_the_provider_organizations_clients_and_stewards_load_and_read_its_batches()
    {
        var (org, api, slug, _) = await ResourceAsync(server);
        var (client, _, _) = await server.ApiAsClientAsync(org);
        var approver = await server.ApiAsUserAsync(org, Roles.Approver);
        var other = await OtherStewardAsync(server);

        var byClient = await UploadAsync(client, slug, Csv(GoodCsv));
        var byApprover = await UploadAsync(approver, slug, Csv(GoodCsv));
        var byOther = await UploadAsync(other, slug, Csv(GoodCsv));
        var self = (await JsonAsync(byClient)).GetProperty("self").GetString();

        Assert.Equal(HttpStatusCode.Created, byClient.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byApprover.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(self)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(self)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(self + "/rejections.csv")).StatusCode);
        var history = await JsonAsync(await api.GetAsync($"/api/v1/resources/{slug}/batches"));
        Assert.Single(history.GetProperty("items").EnumerateArray());
    }
}
