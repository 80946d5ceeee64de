using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Ledger;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Ledger;

/// <summary>A server signing checkpoints five times a second, each test class (or test) on its own database.</summary>
public sealed class FastLedgerServer : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Ledger:CheckpointIntervalMilliseconds"] = "200",
        ["Shuqiao:Ledger:IntegrityCheckMinutes"] = "0",
    };

    public CliRunner Cli() => new() { Handler = () => Server.CreateHandler() };

    /// <summary>Appends entries through the group-commit writer and waits until a checkpoint covers them.</summary>
    public async Task<List<(long Index, byte[] Entry)>> AppendAsync(int count)
    {
        var writer = Services.GetRequiredService<LedgerWriter>();
        var run = Guid.NewGuid().ToString("N")[..8];
        var entries = Enumerable.Range(0, count).Select(i => LedgerBenchEndpoints.Entry(run, i)).ToList();
        var indices = await Task.WhenAll(entries.Select(e => writer.AppendAsync(e)));
        await WaitForCheckpointAsync();
        return indices.Zip(entries).OrderBy(p => p.First).ToList();
    }

    public async Task WaitForCheckpointAsync()
    {
        var reader = Services.GetRequiredService<LedgerReader>();
        var size = (await reader.HeadAsync(default)).Size;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (((await reader.LatestCheckpointAsync(default))?.Size ?? -1) < size)
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint within 20 s");
            await Task.Delay(50);
        }
    }

    public async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("set session_replication_role = replica", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var edit = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await edit.ExecuteNonQueryAsync());
    }
}

public sealed class LedgerVerifyCommandTests
{
    [Fact]
    public async Task Verify_recomputes_the_tree_saves_the_checkpoint_and_next_time_proves_the_log_only_grew()
    {
        await using var server = new FastLedgerServer();
        await server.InitializeAsync();
        await server.AppendAsync(600);
        var cli = server.Cli();

        var first = await cli.RunAsync("ledger", "verify", "--from", "http://localhost");
        await server.AppendAsync(300);
        var again = await cli.RunAsync("ledger", "verify", "--from", "http://localhost/ledger", "--since-last");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("VERDICT: OK", first.Out, StringComparison.Ordinal);
        Assert.Contains("first verification of this log on this machine", first.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cli.ConfigDirectory, "ledger", "localhost_ledger", "checkpoint")));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("consistent with the checkpoint of size", again.Out, StringComparison.Ordinal);
        Assert.Matches(@"recomputed  entries \d+–\d+", again.Out);
    }

    [Fact]
    public async Task An_entry_edited_in_postgresql_is_found_by_verify_at_its_index()
    {
        await using var server = new FastLedgerServer();
        await server.InitializeAsync();
        var appended = await server.AppendAsync(700);
        var bad = appended[543].Index;
        await server.TamperAsync($"update ledger_entries set entry = convert_to('{{\"type\":\"bench\"}}', 'UTF8') where index = {bad}");

        var result = await server.Cli().RunAsync("ledger", "verify", "--from", "http://localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("VERDICT: BROKEN", result.Out, StringComparison.Ordinal);
        Assert.Contains($"first bad index: {bad}\n", result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leaf_hash_edited_in_postgresql_is_found_at_its_index_and_the_state_is_not_advanced()
    {
        await using var server = new FastLedgerServer();
        await server.InitializeAsync();
        var appended = await server.AppendAsync(300);
        var cli = server.Cli();
        Assert.Equal(0, (await cli.RunAsync("ledger", "verify", "--from", "http://localhost")).ExitCode);
        var saved = File.ReadAllText(Path.Combine(cli.ConfigDirectory, "ledger", "localhost_ledger", "checkpoint"));
        var bad = appended[12].Index;
        await server.TamperAsync($"update ledger_entries set leaf_hash = sha256('forged'::bytea) where index = {bad}");
        await server.AppendAsync(5);

        var result = await cli.RunAsync("ledger", "verify", "--from", "http://localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"first bad index: {bad}", result.Out, StringComparison.Ordinal);
        Assert.Equal(saved, File.ReadAllText(Path.Combine(cli.ConfigDirectory, "ledger", "localhost_ledger", "checkpoint")));
    }

    [Fact]
    public async Task A_node_serving_another_key_for_a_log_seen_before_is_reported_unless_the_key_is_pinned()
    {
        await using var first = new FastLedgerServer();
        await first.InitializeAsync();
        await using var impostor = new FastLedgerServer(); // same origin (localhost/ledger), its own key and tree
        await impostor.InitializeAsync();
        await first.AppendAsync(3);
        await impostor.AppendAsync(3);
        var cli = first.Cli();
        Assert.Equal(0, (await cli.RunAsync("ledger", "verify", "--from", "http://localhost")).ExitCode);
        var other = new CliRunner { Handler = () => impostor.Server.CreateHandler() };
        CopyState(cli, other);

        var refused = await other.RunAsync("ledger", "verify", "--from", "http://localhost");
        var firstKey = (await first.CreateClient().GetStringAsync("/ledger/vkey")).Trim();
        var pinned = await other.RunAsync("ledger", "verify", "--from", "http://localhost", "--vkey", firstKey);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("the log's key changed", refused.Out, StringComparison.Ordinal);
        Assert.Equal(1, pinned.ExitCode);
        Assert.Contains("does not verify", pinned.Out, StringComparison.Ordinal);
    }

    private static void CopyState(CliRunner from, CliRunner to)
    {
        var source = Path.Combine(from.ConfigDirectory, "ledger", "localhost_ledger");
        var target = Path.Combine(to.ConfigDirectory, "ledger", "localhost_ledger");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }
}

public sealed class LedgerReceiptCommandTests(FastLedgerServer server) : IClassFixture<FastLedgerServer>
{
    [Fact]
    public async Task A_receipt_fetched_for_an_audit_event_checks_offline_and_a_changed_one_does_not()
    {
        var session = await ApiSession.StartAsync(server, Roles.Auditor);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var eventId = await connection.QuerySingleAsync<Guid>(
            "select id from admin_audit_events where action = 'user.create' and target_id = @Id", new { Id = session.Admin.Id.ToString() });
        await server.WaitForCheckpointAsync();
        var file = Path.Combine(session.Cli.ConfigDirectory, "event.tlog-proof");
        Directory.CreateDirectory(session.Cli.ConfigDirectory);
        var vkey = (await server.CreateClient().GetStringAsync("/ledger/vkey")).Trim();

        var saved = await session.Cli.RunAsync("ledger", "receipt", eventId.ToString(), "--out", file);
        var checkedOk = await session.Cli.RunAsync("ledger", "check-receipt", file, "--vkey", vkey);
        var lines = File.ReadAllLines(file);
        lines[3] = Convert.ToBase64String(new byte[32]); // a proof hash changed
        var changed = Path.Combine(session.Cli.ConfigDirectory, "changed.tlog-proof");
        File.WriteAllText(changed, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        var refused = await session.Cli.RunAsync("ledger", "check-receipt", changed, "--vkey", vkey);

        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.StartsWith(TlogProof.Header + "\nextra ", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.True(checkedOk.ExitCode == 0, checkedOk.ToString());
        Assert.Contains("VERDICT: OK", checkedOk.Out, StringComparison.Ordinal);
        Assert.Contains(eventId.ToString(), checkedOk.Out, StringComparison.Ordinal);
        Assert.Contains("\"action\": \"user.create\"", checkedOk.Out, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("VERDICT: INVALID", refused.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_receipt_uses_the_key_that_verify_saved_and_can_demand_witness_cosignatures()
    {
        var appended = await server.AppendAsync(20);
        var cli = server.Cli();
        Assert.Equal(0, (await cli.RunAsync("ledger", "verify", "--from", "http://localhost")).ExitCode);
        var receipt = (await server.WithScopeAsync(sp => sp.GetRequiredService<LedgerService>().ReceiptAsync(appended[7].Index, default))).Value!;
        var file = Path.Combine(cli.ConfigDirectory, "entry.tlog-proof");
        File.WriteAllText(file, receipt);
        var witness = Ed25519CosignatureSigner.Generate("witness.example/w1", TimeProvider.System).VerifierKey;

        var ok = await cli.RunAsync("ledger", "check-receipt", file);
        var needsWitness = await cli.RunAsync("ledger", "check-receipt", file, "--witness-vkey", witness, "--min-cosignatures", "1");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("\"type\": \"bench\"", ok.Out, StringComparison.Ordinal);
        Assert.Equal(1, needsWitness.ExitCode);
        Assert.Contains("0 witness cosignatures, 1 required", needsWitness.Out, StringComparison.Ordinal);
    }
}
