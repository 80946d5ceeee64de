using System.Collections.Concurrent;
using System.Net;
using Dapper;
using Npgsql;
using Shuqiao.Server.Tests.Ingestion;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>
/// The gateway process is killed (SIGKILL) under load: every answer a consumer received has its access event in the
/// database, because no answer leaves before its event's batch is committed; the restarted server serves again.
/// </summary>
public sealed class ExchangeCrashTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task Every_answer_received_before_a_SIGKILL_has_its_access_event_and_the_restarted_server_serves()
    {
        var world = await CreateAsync(server);
        var credential = world.Client.DefaultRequestHeaders.Authorization!;
        var user = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var answered = new ConcurrentBag<string>();
        var sent = 0;

        using (var process = await ServerProcess.StartAsync(server.ConnectionString))
        {
            using var http = process.Client(credential);
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var id = $"{user}-{worker}-{Interlocked.Increment(ref sent)}";
                    using var request = world.Get(worker % 4 == 0 ? Wang.IdNumber : Zhang.IdNumber, purpose: worker % 5 == 0 ? "别的目的" : Purpose, user: user);
                    request.Headers.Add("X-Request-Id", id);
                    try
                    {
                        using var response = await http.SendAsync(request, stop.Token);
                        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
                        {
                            answered.Add(id);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // cut off by the kill: no answer, no promise
                    }
                }
            })).ToList();

            var until = DateTime.UtcNow.AddSeconds(60);
            while (answered.Count < 300 && DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }

            Assert.True(answered.Count >= 300, $"only {answered.Count} answers before the kill");

            process.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var recorded = (await connection.QueryAsync<string>("select request_id from access_events where end_user = @U", new { U = user })).ToHashSet();
        var missing = answered.Where(id => !recorded.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered requests have no access event, e.g. {missing.FirstOrDefault()}");
        Assert.True(recorded.Count >= answered.Count);

        using (var restarted = await ServerProcess.StartAsync(server.ConnectionString))
        {
            using var http = restarted.Client(credential);
            using var after = world.Get(Zhang.IdNumber, user: user + "-after");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(after)).StatusCode);
        }

        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from access_events where end_user = @U", new { U = user + "-after" }));
    }
}
