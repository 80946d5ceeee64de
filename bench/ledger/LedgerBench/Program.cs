using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Database;
using Shuqiao.Storage.Ledger;

// bench/ledger/run drives this: ledger appends through the group-commit writer (with a checkpoint signed every second),
// proof latency at the final size, and the baseline — the same entries as a multi-row INSERT into a plain table with
// the same group-commit cadence — each on its own database of one durable PostgreSQL cluster.
var options = Args.Parse(args);
var entrySample = Load.Entry(Guid.CreateVersion7(), 0);
Console.Error.WriteLine($"ledger bench: {options.Seconds} s per phase, {options.Callers} concurrent callers, entries of ~{entrySample.Length} bytes");

var loadBefore = LoadAverage();
var ledger = await LedgerPhase.RunAsync(options);
var baseline = await BaselinePhase.RunAsync(options);
// The machine is shared: the 1-minute load average before and after says how much else was running.
ledger["loadAverage1m"] = new JsonArray(loadBefore, LoadAverage());

var result = new JsonObject
{
    ["name"] = "ledger",
    ["date"] = options.Date,
    ["commit"] = options.Commit,
    ["machine"] = JsonNode.Parse(options.Machine),
    ["figures"] = ledger,
    ["baseline"] = baseline,
    ["ratio"] = Math.Round(ledger["entriesPerSecond"]!.GetValue<double>() / baseline["entriesPerSecond"]!.GetValue<double>(), 3),
};
var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
await File.WriteAllTextAsync(options.Output, json + "\n");
Console.WriteLine(json);
return 0;

static double LoadAverage() =>
    File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : -1;

internal sealed record Options(string LedgerDatabase, string BaselineDatabase, int Seconds, int Callers, int LightCallers, string Output, string Date, string Commit, string Machine);

internal static class Args
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i]] = args[i + 1];
        }

        string Get(string key, string? fallback = null) =>
            map.TryGetValue(key, out var value) ? value : fallback ?? throw new ArgumentException($"missing {key}");

        return new Options(
            Get("--ledger-db"),
            Get("--baseline-db"),
            int.Parse(Get("--seconds", "30"), CultureInfo.InvariantCulture),
            int.Parse(Get("--callers", "1024"), CultureInfo.InvariantCulture),
            int.Parse(Get("--light-callers", "64"), CultureInfo.InvariantCulture),
            Get("--out"),
            Get("--date", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            Get("--commit", "unknown"),
            Get("--machine", "{}"));
    }
}

/// <summary>Closed-loop callers: each appends, waits for its acknowledgement, and appends again, for a fixed time.</summary>
internal static class Load
{
    // An access event as the exchange gateway will log it (design §3): ids, resource code, field names, counts — no values.
    public static byte[] Entry(Guid eventId, long n) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$"""{"client":"0190b3e4-7c1a-7d2e-9f00-{{n % 97:D12}}","event":"{{eventId}}","fields":["name","cnResidentId","address"],"grant":"0190b3e4-7c1a-7d2e-9f00-{{n % 31:D12}}","latencyMs":{{n % 40}},"masked":2,"org":"0190b3e4-0000-7000-8000-{{n % 13:D12}}","outcome":"Allowed","purpose":"5f2b0c7d1e3a","resource":"350100-01-{{n % 50:D3}}","rows":{{n % 100}},"time":"2025-03-01T08:00:00.{{n % 1000000:D6}}Z","type":"access","v":1}"""));

    /// <summary>Runs <paramref name="append"/> from <paramref name="callers"/> loops for <paramref name="duration"/>; returns the count, seconds and latencies (ms).</summary>
    public static async Task<(long Count, double Seconds, double[] LatenciesMs)> RunAsync(int callers, TimeSpan duration, Func<Guid, byte[], Task> append)
    {
        var counter = 0L;
        var latencies = new ConcurrentBag<double[]>();
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref counter);
                var eventId = Guid.CreateVersion7();
                var entry = Entry(eventId, n);
                var t = Stopwatch.GetTimestamp();
                await append(eventId, entry);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            latencies.Add([.. mine]);
        })).ToList();
        await Task.WhenAll(loops);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return (all.LongLength, seconds, all);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static JsonObject Summary(double[] sortedMs) => new()
    {
        ["p50"] = Math.Round(Percentile(sortedMs, 50), 2),
        ["p99"] = Math.Round(Percentile(sortedMs, 99), 2),
        ["max"] = Math.Round(sortedMs.Length == 0 ? 0 : sortedMs[^1], 2),
    };
}

internal static class LedgerPhase
{
    private const string Origin = "bench.shuqiao.example/ledger";

    public static async Task<JsonObject> RunAsync(Options options)
    {
        await using var dataSource = ShuqiaoDataSource.Create(options.LedgerDatabase, "ledger-bench");
        await new Migrator(dataSource, TimeProvider.System).ApplyAsync(default);
        using var appender = new LedgerAppender(dataSource, TimeProvider.System);
        var writer = new LedgerWriter(dataSource, appender, new LedgerWriterOptions());
        var batches = new ConcurrentQueue<int>();
        writer.BatchCommitted += b => batches.Enqueue(b.Count);
        writer.Start();

        // Checkpoints as the server's job signs them: every second, Ed25519, over the committed head.
        var signer = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate(Origin).SignerKey);
        var publisher = new LedgerCheckpointPublisher(dataSource, TimeProvider.System);
        using var stopSigning = new CancellationTokenSource();
        var signed = 0;
        var signing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var last = -1L;
            try
            {
                while (await timer.WaitForNextTickAsync(stopSigning.Token))
                {
                    var checkpoint = await publisher.PublishAsync(Origin, [signer], stopSigning.Token);
                    if (checkpoint.Size > last)
                    {
                        signed++;
                        last = checkpoint.Size;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        Console.Error.WriteLine("ledger: warm-up 3 s");
        await Load.RunAsync(options.Callers, TimeSpan.FromSeconds(3), (id, entry) => writer.AppendAsync(entry, id));
        while (batches.TryDequeue(out _))
        {
        }

        signed = 0;
        Console.Error.WriteLine($"ledger: measuring {options.Seconds} s");
        var (count, seconds, latencies) = await Load.RunAsync(options.Callers, TimeSpan.FromSeconds(options.Seconds), (id, entry) => writer.AppendAsync(entry, id));
        var signedDuring = signed;
        var sizes = batches.ToArray();
        Array.Sort(sizes);

        // The same writer under a moderate load, where the latency is the batch's own time rather than queueing.
        var lightSeconds = Math.Max(3, options.Seconds / 3);
        Console.Error.WriteLine($"ledger: {options.LightCallers} callers for {lightSeconds} s");
        var light = await Load.RunAsync(options.LightCallers, TimeSpan.FromSeconds(lightSeconds), (id, entry) => writer.AppendAsync(entry, id));
        await stopSigning.CancelAsync();
        await signing;
        await writer.StopAsync();
        var final = await publisher.PublishAsync(Origin, [signer], default);

        var reader = new LedgerReader(dataSource);
        var random = new Random(9162);
        var inclusion = await TimeAsync(1000, async () =>
        {
            var index = random.NextInt64(0, final.Size);
            _ = (await reader.InclusionProofAsync(index, final.Size, default)).Value ?? throw new InvalidOperationException("no proof");
        });
        var consistency = await TimeAsync(1000, async () =>
        {
            var size1 = random.NextInt64(1, final.Size);
            _ = (await reader.ConsistencyProofAsync(size1, final.Size, default)).Value ?? throw new InvalidOperationException("no proof");
        });
        var receipt = await TimeAsync(200, async () =>
        {
            var index = random.NextInt64(0, final.Size);
            _ = (await reader.ReceiptAsync(index, final.Size, default, includeEntry: true)).Value ?? throw new InvalidOperationException("no receipt");
        });

        Console.Error.WriteLine("ledger: integrity check of the whole tree");
        var integrityTimer = Stopwatch.StartNew();
        var integrity = await new LedgerIntegrityChecker(dataSource).CheckAsync(default);
        integrityTimer.Stop();
        if (!integrity.IsIntact)
        {
            throw new InvalidOperationException("the benchmark's ledger is not intact: " + integrity.Detail);
        }

        // A scheduled check between whole ones starts from the verified prefix: its fixed cost (the right edge rebuilt
        // from the stored hashes and compared with the verified root), here with no entries after the prefix.
        Console.Error.WriteLine("ledger: incremental integrity checks");
        var prefix = new LedgerVerifiedPrefix(integrity.TreeSize, integrity.Root!);
        var incremental = await TimeAsync(20, async () =>
        {
            var report = await new LedgerIntegrityChecker(dataSource).CheckAsync(default, from: prefix);
            _ = report.IsIntact ? report : throw new InvalidOperationException("an incremental check failed: " + report.Detail);
        });

        return new JsonObject
        {
            ["what"] = "ledger appends through the group-commit LedgerWriter (LedgerAppender, one transaction per batch, synchronous_commit on), a checkpoint signed (Ed25519) every second",
            ["entriesPerSecond"] = Math.Round(count / seconds),
            ["entries"] = count,
            ["seconds"] = Math.Round(seconds, 1),
            ["callers"] = options.Callers,
            ["entryBytes"] = Load.Entry(Guid.Empty, 1).Length,
            ["appendLatencyMs"] = Load.Summary(latencies),
            ["moderateLoad"] = new JsonObject
            {
                ["callers"] = options.LightCallers,
                ["entriesPerSecond"] = Math.Round(light.Count / light.Seconds),
                ["appendLatencyMs"] = Load.Summary(light.LatenciesMs),
            },
            ["batches"] = sizes.Length,
            ["batchSize"] = new JsonObject
            {
                ["mean"] = sizes.Length == 0 ? 0 : Math.Round(sizes.Average(), 1),
                ["p50"] = sizes.Length == 0 ? 0 : sizes[sizes.Length / 2],
                ["p99"] = sizes.Length == 0 ? 0 : sizes[Math.Min(sizes.Length - 1, (int)(sizes.Length * 0.99))],
                ["max"] = sizes.Length == 0 ? 0 : sizes[^1],
            },
            ["checkpointsSigned"] = signedDuring,
            ["finalTreeSize"] = final.Size,
            ["inclusionProofMs"] = Load.Summary(inclusion),
            ["consistencyProofMs"] = Load.Summary(consistency),
            ["receiptMs"] = Load.Summary(receipt),
            ["integrityCheckSeconds"] = Math.Round(integrityTimer.Elapsed.TotalSeconds, 1),
            ["incrementalIntegrityCheckMs"] = Load.Summary(incremental),
        };
    }

    private static async Task<double[]> TimeAsync(int times, Func<Task> action)
    {
        var results = new double[times];
        for (var i = 0; i < times; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await action();
            results[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        Array.Sort(results);
        return results;
    }
}

/// <summary>
/// The baseline: the same entries and callers, the same group-commit loop shape as <c>LedgerWriter</c> (a bounded
/// queue drained into one durable transaction per batch on a connection of the loop's own, synchronous_commit on,
/// one round trip per batch), but a plain multi-row INSERT into a table with the same columns and indexes — no
/// hashing, no tree, no head row. The ratio to it is the ledger's own cost.
/// </summary>
internal static class BaselinePhase
{
    private const string Create = """
        create table if not exists bench_raw (
            index bigint primary key, entry bytea not null, appended_at timestamptz not null, event_id uuid);
        create unique index if not exists bench_raw_event on bench_raw (event_id) where event_id is not null;
        """;

    private const string Insert = """
        insert into bench_raw (index, entry, appended_at, event_id)
        select * from unnest(@Indices, @Entries, @Times, @Events)
        """;

    public static async Task<JsonObject> RunAsync(Options options)
    {
        await using var dataSource = ShuqiaoDataSource.Create(options.BaselineDatabase, "ledger-bench-baseline");
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var create = new NpgsqlCommand(Create, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var queue = Channel.CreateBounded<(Guid Id, byte[] Entry, TaskCompletionSource Done)>(new BoundedChannelOptions(65_536) { SingleReader = true });
        var next = 0L;
        await using var loopConnection = await dataSource.OpenConnectionAsync();
        await using (var durable = new NpgsqlCommand("set synchronous_commit = on", loopConnection))
        {
            await durable.ExecuteNonQueryAsync();
        }

        var loop = Task.Run(async () =>
        {
            var batch = new List<(Guid Id, byte[] Entry, TaskCompletionSource Done)>(8192);
            while (await queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < 8192 && queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    // One statement outside an explicit transaction: it commits by itself, durably, in one round trip.
                    var now = DateTimeOffset.UtcNow;
                    await using var insert = new NpgsqlCommand(Insert, loopConnection);
                    insert.Parameters.Add(new NpgsqlParameter("Indices", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = batch.Select(_ => next++).ToArray() });
                    insert.Parameters.Add(new NpgsqlParameter("Entries", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = batch.Select(b => b.Entry).ToArray() });
                    insert.Parameters.Add(new NpgsqlParameter("Times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(_ => now).ToArray() });
                    insert.Parameters.Add(new NpgsqlParameter("Events", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = batch.Select(b => b.Id).ToArray() });
                    await insert.ExecuteNonQueryAsync();
                    batch.ForEach(b => b.Done.TrySetResult());
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    batch.ForEach(b => b.Done.TrySetException(e));
                }
            }
        });

        async Task Append(Guid id, byte[] entry)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await queue.Writer.WriteAsync((id, entry, done));
            await done.Task;
        }

        Console.Error.WriteLine("baseline: warm-up 3 s");
        await Load.RunAsync(options.Callers, TimeSpan.FromSeconds(3), Append);
        Console.Error.WriteLine($"baseline: measuring {options.Seconds} s");
        var (count, seconds, latencies) = await Load.RunAsync(options.Callers, TimeSpan.FromSeconds(options.Seconds), Append);
        queue.Writer.Complete();
        await loop;
        return new JsonObject
        {
            ["what"] = "the same entries and callers as a multi-row INSERT (unnest) into a plain table with the same columns and indexes, same group-commit loop, synchronous_commit on",
            ["entriesPerSecond"] = Math.Round(count / seconds),
            ["entries"] = count,
            ["seconds"] = Math.Round(seconds, 1),
            ["appendLatencyMs"] = Load.Summary(latencies),
        };
    }
}
