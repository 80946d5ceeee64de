using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Ledger;
using Shuqiao.Storage.Database;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;
using Xunit.Abstractions;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>
/// The "done when": the real server, as a separate process, is killed with SIGKILL while many callers append
/// through the group-commit writer; after a restart on the same database every acknowledged entry is there with its
/// bytes, and the tree is consistent with every checkpoint that was ever published.
/// </summary>
public sealed class LedgerCrashTests(ITestOutputHelper output)
{
    private const string Origin = "crash.test.example/ledger";
    private const int Workers = 16;
    private const int PerRequest = 100;

    [Fact]
    public async Task After_sigkill_during_heavy_appending_no_acknowledged_entry_is_missing_and_every_checkpoint_is_consistent()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var database = await cluster.CreateDatabaseAsync();
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
        {
            // The test cluster runs with synchronous_commit off for speed; a node runs with it on (the writer also
            // sets it for its own batches). Not that a killed server process could lose a commit PostgreSQL made.
            await admin.OpenAsync();
            await using var on = new NpgsqlCommand($"alter database \"{new NpgsqlConnectionStringBuilder(database).Database}\" set synchronous_commit = on", admin);
            await on.ExecuteNonQueryAsync();
        }

        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentDictionary<long, long>(); // seq → index
        var published = new ConcurrentDictionary<long, string>();  // size → checkpoint note

        await using (var first = await ServerProcess.StartAsync(database, kek, output))
        {
            using var stop = new CancellationTokenSource();
            var nextSeq = -PerRequest;
            var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var start = Interlocked.Add(ref nextSeq, PerRequest);
                    try
                    {
                        var response = await first.Http.PostAsJsonAsync("/bench/ledger/append", new BenchAppendRequest(run, start, PerRequest), CancellationToken.None);
                        var body = await response.Content.ReadFromJsonAsync<BenchAppendResponse>(CancellationToken.None);
                        for (var i = 0; i < PerRequest; i++)
                        {
                            acknowledged[start + i] = body!.Indices[i];
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                    {
                        return; // the server died under this request: its entries were never acknowledged
                    }
                }
            })).ToList();
            var watcher = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var note = await first.Http.GetStringAsync("/ledger/checkpoint");
                        published[Checkpoint.Parse(SignedNote.Parse(note).Text).Size] = note;
                        await Task.Delay(50);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return;
                    }
                }
            });

            // Heavy appending for a while, with several checkpoints published, then SIGKILL in the middle of it.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((acknowledged.Count < 20_000 || published.Count < 4) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(load);
            await watcher;
        }

        output.WriteLine($"acknowledged {acknowledged.Count} entries, saw {published.Count} checkpoints before SIGKILL");
        Assert.True(acknowledged.Count >= 1000, "the load never got going");
        Assert.True(published.Count >= 2, "too few checkpoints were published to test consistency");

        NpgsqlConnection.ClearAllPools();
        await using var second = await ServerProcess.StartAsync(database, kek, output);
        await using var dataSource = ShuqiaoDataSource.Create(database, "crash-check");
        var reader = new LedgerReader(dataSource);

        // Every acknowledged entry is where the server said, with the bytes that were sent.
        var head = await reader.HeadAsync(default);
        output.WriteLine($"after restart the tree has {head.Size} entries (the rest were in flight, never acknowledged)");
        var stored = await reader.EntriesAsync(0, (int)head.Size, default);
        foreach (var (seq, index) in acknowledged)
        {
            Assert.True(index < head.Size, $"acknowledged entry {index} is beyond the tree after restart ({head.Size})");
            Assert.Equal(LedgerBenchEndpoints.Entry(run, seq), stored[(int)index].Entry.ToArray());
        }

        // The restarted node keeps appending on the same tree and publishes a checkpoint that every earlier one is consistent with.
        var more = await second.Http.PostAsJsonAsync("/bench/ledger/append", new BenchAppendRequest(run, 10_000_000, 50));
        var moreIndices = (await more.Content.ReadFromJsonAsync<BenchAppendResponse>())!.Indices;
        Assert.Equal(head.Size, moreIndices.Min());
        var verifier = NoteKeys.Verifier((await second.Http.GetStringAsync("/ledger/vkey")).TrimEnd('\n'));
        Checkpoint latest;
        do
        {
            await Task.Delay(100);
            latest = Checkpoint.Open(Encoding.UTF8.GetBytes(await second.Http.GetStringAsync("/ledger/checkpoint")), Origin, [verifier]).Checkpoint!;
        }
        while (latest.Size < head.Size + 50);

        foreach (var (size, note) in published.OrderBy(p => p.Key))
        {
            var opened = Checkpoint.Open(Encoding.UTF8.GetBytes(note), Origin, [verifier]);
            Assert.True(opened.IsVerified, opened.Reason);
            var root = (await reader.RootAsync(size, default)).Value!;
            Assert.Equal(Convert.ToHexString(opened.Checkpoint!.RootHash), Convert.ToHexString(root));
            if (size > 0)
            {
                var proof = (await reader.ConsistencyProofAsync(size, latest.Size, default)).Value!;
                Assert.True(MerkleProof.VerifyConsistency(size, latest.Size, proof, opened.Checkpoint.RootHash, latest.RootHash).IsValid);
            }
        }

        var integrity = await new LedgerIntegrityChecker(dataSource).CheckAsync(default);
        Assert.True(integrity.IsIntact, integrity.Detail);
    }

    /// <summary><c>dotnet Shuqiao.Server.dll</c> on a free port of 127.0.0.1, in benchmark mode so the load endpoint exists.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri address)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Http { get; }

        public static async Task<ServerProcess> StartAsync(string database, string kek, ITestOutputHelper output)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shuqiao.Server.dll"));
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["Shuqiao__Mode"] = "Production";
            start.Environment["Shuqiao__BenchmarkMode"] = "true";
            start.Environment["Shuqiao__Database__ConnectionString"] = database;
            start.Environment["Shuqiao__Ledger__Origin"] = Origin;
            start.Environment["Shuqiao__Ledger__KeyEncryptionKey"] = kek;
            start.Environment["Shuqiao__Exchange__PseudonymSecret"] = Convert.ToBase64String(new byte[32]); // required in production too
            start.Environment["Shuqiao__Ledger__CheckpointIntervalMilliseconds"] = "250";
            start.Environment["Shuqiao__Ledger__IntegrityCheckMinutes"] = "0";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var log = new StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    if ((await server.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    string text;
                    lock (log)
                    {
                        text = log.ToString();
                    }

                    output.WriteLine(text);
                    await server.DisposeAsync();
                    throw new InvalidOperationException("The server process did not become ready:\n" + text[^Math.Min(text.Length, 3000)..]);
                }

                await Task.Delay(200);
            }
        }

        /// <summary>SIGKILL: no shutdown hooks, no draining, as in a crash.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            _process.Dispose();
            Http.Dispose();
            return ValueTask.CompletedTask;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
