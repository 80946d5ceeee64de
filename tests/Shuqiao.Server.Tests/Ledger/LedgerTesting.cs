using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Ledger;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>A server whose checkpoints come five times a second, so tests do not wait long; no scheduled checks.</summary>
public class LedgerServerFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(ExtraSettings)
    {
        ["Shuqiao:Ledger:CheckpointIntervalMilliseconds"] = "200",
        ["Shuqiao:Ledger:IntegrityCheckMinutes"] = "0",
    };

    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();
}

internal static class LedgerTesting
{
    public static HttpClient Anonymous(ServerFactory server) =>
        server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Appends bench-style entries through the group-commit writer, as concurrent callers; returns them in index order.</summary>
    public static async Task<List<(long Index, byte[] Entry)>> AppendAsync(ServerFactory server, int count, string? run = null)
    {
        run ??= Guid.NewGuid().ToString("N")[..8];
        var writer = server.Services.GetRequiredService<LedgerWriter>();
        var entries = Enumerable.Range(0, count).Select(i => LedgerBenchEndpoints.Entry(run, i)).ToList();
        var indices = await Task.WhenAll(entries.Select(e => writer.AppendAsync(e)));
        return indices.Zip(entries).OrderBy(p => p.First).ToList();
    }

    public static async Task<INoteVerifier> VerifierAsync(HttpClient client)
    {
        var vkey = (await client.GetStringAsync("/ledger/vkey")).TrimEnd('\n');
        return NoteKeys.Verifier(vkey);
    }

    /// <summary>Polls /ledger/checkpoint until it covers <paramref name="minSize"/> entries and returns it opened with the node's key.</summary>
    public static async Task<(Checkpoint Checkpoint, SignedNote Note)> WaitForCheckpointAsync(HttpClient client, long minSize, Func<SignedNote, bool>? until = null)
    {
        var verifier = await VerifierAsync(client);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await client.GetAsync("/ledger/checkpoint");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var opened = Checkpoint.Open(bytes, verifier.KeyName, [verifier]);
                Assert.True(opened.IsVerified, opened.Reason);
                var note = SignedNote.Parse(Encoding.UTF8.GetString(bytes));
                if (opened.Checkpoint!.Size >= minSize && (until is null || until(note)))
                {
                    return (opened.Checkpoint, note);
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of size {minSize} within 20 s");
            await Task.Delay(100);
        }
    }

    public static async Task<long> TreeSizeAsync(ServerFactory server) =>
        (await server.Services.GetRequiredService<LedgerReader>().HeadAsync(default)).Size;

    public static async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(ServerFactory server, long size) =>
        await server.Services.GetRequiredService<LedgerReader>().EntriesAsync(0, (int)size, default);

    /// <summary>What a rogue superuser would do: switch off the append-only triggers for the session, then edit.</summary>
    public static async Task TamperAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("set session_replication_role = replica", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var edit = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await edit.ExecuteNonQueryAsync());
    }
}
