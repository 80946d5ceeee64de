using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Storage.Ingestion;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Ingestion.IngestionRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>
/// A resource's first load stages its rows in unlogged tables of 50,000 rows on a second connection while the batch's
/// transaction inserts them: a key repeated across those tables still refuses the batch row by row (or keeps the first
/// row in partial mode), and no staging table outlives its batch; tables a crash left are swept.
/// </summary>
public sealed class IngestionSplitStagingTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const int Rows = 120_000;

    [Fact]
    public async Task A_large_first_load_is_stored_whole_and_leaves_no_staging_table()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(Generate(Rows)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Rows, (await JsonAsync(response)).GetProperty("counts").GetProperty("inserted").GetInt32());
        Assert.Equal(Rows, await CountAsync(server, "select count(*) from records where resource_id = $1 and version = 1", resourceId));
        Assert.Equal(0, await StagingTablesAsync());
    }

    [Fact]
    public async Task A_key_repeated_in_a_later_staging_table_refuses_the_first_load_row_by_row_and_stores_nothing()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(Generate(Rows, "R5,重复\nR60000,重复\n")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.Contains("also in data row 5", errors.GetProperty($"rows[{Rows + 1}].key")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("also in data row 60000", errors.GetProperty($"rows[{Rows + 2}].key")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await RecordsAsync(server, resourceId));
        Assert.Equal(0, await StagingTablesAsync());
    }

    [Fact]
    public async Task A_first_load_in_partial_mode_with_keys_repeated_across_staging_tables_keeps_the_first_row_of_each_key()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(Generate(Rows, "R5,重复\nR60000,重复\n")), mode: "partial");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var counts = (await JsonAsync(response)).GetProperty("counts");
        Assert.Equal((Rows + 2, 2, Rows), (counts.GetProperty("received").GetInt32(), counts.GetProperty("rejected").GetInt32(), counts.GetProperty("inserted").GetInt32()));
        var records = await RecordsAsync(server, resourceId);
        Assert.Equal(Rows, records.Count);
        Assert.DoesNotContain("重复", records["R60000"].Payload, StringComparison.Ordinal);
        Assert.Equal(0, await StagingTablesAsync());
    }

    [Fact]
    public async Task A_bad_row_after_the_first_staging_table_refuses_the_first_load_and_stores_nothing()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);

        var response = await UploadAsync(api, slug, Csv(Generate(Rows, "X1,\n")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty($"rows[{Rows + 1}].name", out _));
        Assert.Empty(await RecordsAsync(server, resourceId));
        Assert.Equal(0, await StagingTablesAsync());
    }

    [Fact]
    public async Task Two_first_loads_at_once_are_both_stored_and_neither_sweeps_the_others_staging_tables()
    {
        var (_, api, slug, resourceId) = await ResourceAsync(server);
        var (_, otherApi, otherSlug, otherResourceId) = await ResourceAsync(server);

        var responses = await Task.WhenAll(UploadAsync(api, slug, Csv(Generate(Rows))), UploadAsync(otherApi, otherSlug, Csv(Generate(Rows))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(Rows, await CountAsync(server, "select count(*) from records where resource_id = $1", resourceId));
        Assert.Equal(Rows, await CountAsync(server, "select count(*) from records where resource_id = $1", otherResourceId));
        Assert.Equal(0, await StagingTablesAsync());
    }

    [Fact]
    public async Task Staging_tables_no_live_batch_holds_are_swept_and_those_of_a_live_batch_are_kept()
    {
        var dead = Guid.NewGuid().ToString("N");
        var live = Guid.NewGuid().ToString("N");
        await using var holder = new NpgsqlConnection(server.ConnectionString);
        await holder.OpenAsync();
        await using (var create = new NpgsqlCommand(
            $"create unlogged table ingest_stage_{dead}_1 (key text); create unlogged table ingest_stage_{live}_1 (key text); " +
            $"select pg_advisory_lock_shared(1397836103, hashtext('{live}'))", holder))
        {
            await create.ExecuteNonQueryAsync();
        }

        await server.Services.GetRequiredService<IngestStore>().SweepStagingAsync(CancellationToken.None);

        Assert.Equal(0, await StagingTablesAsync(dead));
        Assert.Equal(1, await StagingTablesAsync(live));
        await using (var release = new NpgsqlCommand($"select pg_advisory_unlock_all(); drop table ingest_stage_{live}_1", holder))
        {
            await release.ExecuteNonQueryAsync();
        }
    }

    // Data rows R1…Rn, then the extra lines.
    private static string Generate(int rows, string extra = "")
    {
        var csv = new StringBuilder("编号,姓名\n", rows * 12);
        for (var i = 1; i <= rows; i++)
        {
            csv.Append('R').Append(i).Append(",名").Append(i).Append('\n');
        }

        return csv.Append(extra).ToString();
    }

    private async Task<long> StagingTablesAsync(string batch = "")
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_class where relname like 'ingest\\_stage\\_' || $1 || '%'", connection) { Parameters = { new() { Value = batch } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
