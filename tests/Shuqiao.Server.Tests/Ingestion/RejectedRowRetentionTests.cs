using System.Net;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Server.Ingestion;
using Shuqiao.Storage.Ingestion;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Ingestion.IngestionRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>A server whose clock moves only when told, keeping rejected rows for 30 days (the default).</summary>
public sealed class RetentionServer : ServerFactory
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class RejectedRowRetentionTests(RetentionServer server) : IClassFixture<RetentionServer>
{
    private const string Raw = "select row_number, field, code, reason, raw from ingest_rejections where batch_id = @Id order by ordinal";

    private const string Purges = "select after::text from admin_audit_events where action = 'rejections.purge' order by time";

    [Fact]
    public async Task Raw_rejected_rows_older_than_the_retention_are_removed_and_the_batch_says_so()
    {
        var (org, first, slug, _) = await ResourceAsync(server);
        var old = await BatchWithOneBadRowAsync(first, slug, "张三丰");
        server.Clock.Advance(TimeSpan.FromDays(31));
        var api = await server.ApiAsUserAsync(org, Core.Identity.Roles.DataSteward); // the first token has expired meanwhile
        var recent = await BatchWithOneBadRowAsync(api, slug, "李四光");
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var purgesBefore = (await connection.QueryAsync<string>(Purges)).Count();

        var purge = await RunAsync();

        Assert.True(purge.Rows >= 1);
        var cleared = Assert.Single(await connection.QueryAsync<(long Row, string Field, string Code, string Reason, string? Raw)>(Raw, new { Id = old }));
        Assert.Equal((1L, "age"), (cleared.Row, cleared.Field));
        Assert.False(string.IsNullOrEmpty(cleared.Reason));
        Assert.Null(cleared.Raw);
        var kept = Assert.Single(await connection.QueryAsync<(long Row, string Field, string Code, string Reason, string? Raw)>(Raw, new { Id = recent }));
        Assert.Contains("李四光", kept.Raw, StringComparison.Ordinal);

        var oldBatch = await JsonAsync(await api.GetAsync($"/api/v1/batches/{old}"));
        Assert.True(oldBatch.GetProperty("rawRowsRemoved").GetBoolean());
        Assert.Equal("age", oldBatch.GetProperty("rejections")[0].GetProperty("field").GetString());
        Assert.False((await JsonAsync(await api.GetAsync($"/api/v1/batches/{recent}"))).GetProperty("rawRowsRemoved").GetBoolean());

        var csv = await api.GetAsync($"/api/v1/batches/{old}/rejections.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains(RejectionCsv.RemovedByRetention, text, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", text, StringComparison.Ordinal);

        var steward = await server.CreateUserAsync(org, "rt-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Core.Identity.Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, steward.Login, ServerFactory.TestPassword);
        Assert.Contains("这些行的原始内容已删除", await browser.GetStringAsync($"/console/batches/{old}"), StringComparison.Ordinal);
        Assert.DoesNotContain("这些行的原始内容已删除", await browser.GetStringAsync($"/console/batches/{recent}"), StringComparison.Ordinal);
        Assert.Contains(RejectionCsv.RemovedByRetention, await browser.GetStringAsync($"/console/batches/{old}?handler=csv"), StringComparison.Ordinal);

        // One audit event per purge that removed something: counts only, never the rows.
        var purges = (await connection.QueryAsync<string>(Purges)).ToList();
        var audit = Assert.Single(purges.Skip(purgesBefore));
        Assert.Contains("\"rows\"", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", audit, StringComparison.Ordinal);
        await RunAsync();
        Assert.Equal(purges.Count, (await connection.QueryAsync<string>(Purges)).Count());
    }

    [Fact]
    public async Task Two_instances_purging_at_once_remove_each_row_once()
    {
        var (_, api, slug, _) = await ResourceAsync(server);
        await BatchWithOneBadRowAsync(api, slug, "王五");
        server.Clock.Advance(TimeSpan.FromDays(40));
        var store = server.Services.GetRequiredService<RejectedRowRetentionStore>();
        var now = server.Clock.GetUtcNow();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var due = await connection.ExecuteScalarAsync<long>(
            "select count(*) from ingest_rejections r join ingest_batches b on b.id = r.batch_id where r.raw is not null and b.finished_at < @Before",
            new { Before = now.AddDays(-30) });

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.PurgeAsync(now.AddDays(-30), RejectedRowRetention.Actor, now, CancellationToken.None))));

        // Whoever got the lock cleared the row; the others skipped or found nothing left.
        Assert.True(due >= 1);
        Assert.Equal(due, runs.Sum(r => r?.Rows ?? 0));
    }

    private static async Task<Guid> BatchWithOneBadRowAsync(HttpClient api, string slug, string name)
    {
        var response = await UploadAsync(api, slug, Csv($"编号,姓名,年龄\nP{Guid.NewGuid():N},{name},不详\nQ{Guid.NewGuid():N},赵六,30\n"), mode: "partial");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task<RetentionPurge> RunAsync()
    {
        var job = server.Services.GetRequiredService<RejectedRowRetention>();
        // The job's own start-up run may hold the lock for a moment.
        while (true)
        {
            if (await job.RunOnceAsync(CancellationToken.None) is { } purge)
            {
                return purge;
            }

            await Task.Delay(100);
        }
    }
}
