using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>The node's keys: generated once, sealed with the configured KEK, refused without it in production.</summary>
public sealed class LedgerKeyTests
{
    private static readonly string KekA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KekB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task A_production_node_without_a_key_encryption_key_does_not_start_and_says_what_to_set()
    {
        await using var server = new Node(await SharedPostgres.CreateDatabaseAsync(), production: true);

        var error = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);

        Assert.Contains("Shuqiao:Ledger:KeyEncryptionKey is required in production", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_sealed_with_the_kek_kept_across_restarts_and_resealed_when_the_kek_rotates()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        string vkey;
        await using (var first = new Node(database, production: true, ("Shuqiao:Ledger:KeyEncryptionKey", KekA)))
        {
            await first.InitializeAsync();
            vkey = (await LedgerTesting.Anonymous(first).GetStringAsync("/ledger/vkey")).TrimEnd('\n');
        }

        await using var connection = new NpgsqlConnection(database);
        var rows = (await connection.QueryAsync<(string Purpose, byte[] Sealed, string KekId, string VerifierKey)>(
            "select purpose, sealed_key, kek_id, verifier_key from ledger_keys order by purpose")).ToList();
        Assert.Equal(["log-ed25519", "witness"], rows.Select(r => r.Purpose));
        Assert.All(rows, r => Assert.DoesNotContain("PRIVATE+KEY", Encoding.UTF8.GetString(r.Sealed), StringComparison.Ordinal));
        Assert.Equal(vkey, rows[0].VerifierKey);

        // Same KEK: same key. Another KEK: refused, naming the KEK that sealed the keys.
        await using (var again = new Node(database, production: true, ("Shuqiao:Ledger:KeyEncryptionKey", KekA)))
        {
            await again.InitializeAsync();
            Assert.Equal(vkey, (await LedgerTesting.Anonymous(again).GetStringAsync("/ledger/vkey")).TrimEnd('\n'));
        }

        await using (var wrong = new Node(database, production: true, ("Shuqiao:Ledger:KeyEncryptionKey", KekB)))
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(wrong.InitializeAsync);
            Assert.Contains($"sealed with key-encryption key {rows[0].KekId}", Flatten(error), StringComparison.Ordinal);
        }

        // Rotation: the new KEK, with the old one as PreviousKeyEncryptionKey, opens and reseals them.
        await using (var rotated = new Node(database, production: true, ("Shuqiao:Ledger:KeyEncryptionKey", KekB), ("Shuqiao:Ledger:PreviousKeyEncryptionKey", KekA)))
        {
            await rotated.InitializeAsync();
            Assert.Equal(vkey, (await LedgerTesting.Anonymous(rotated).GetStringAsync("/ledger/vkey")).TrimEnd('\n'));
        }

        var kekIds = await connection.QueryAsync<string>("select distinct kek_id from ledger_keys");
        Assert.NotEqual(rows[0].KekId, Assert.Single(kekIds));
    }

    [Fact]
    public async Task With_sm2_on_checkpoints_carry_a_second_signature_and_still_verify_with_the_ed25519_key_alone()
    {
        await using var server = new Node(await SharedPostgres.CreateDatabaseAsync(), production: false, ("Shuqiao:Ledger:Sm2Signature", "true"));
        await server.InitializeAsync();
        var client = LedgerTesting.Anonymous(server);
        await LedgerTesting.AppendAsync(server, 3);

        var (checkpoint, note) = await LedgerTesting.WaitForCheckpointAsync(client, 3); // verifies with /ledger/vkey only
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var sm2Key = await connection.QuerySingleAsync<string>("select verifier_key from ledger_keys where purpose = 'log-sm2'");

        Assert.Equal(2, note.Signatures.Count);
        Assert.All(note.Signatures, s => Assert.Equal(checkpoint.Origin, s.KeyName));
        Assert.True(note.Verify([NoteKeys.Verifier(sm2Key)]).IsVerified);
    }

    private static string Flatten(Exception error)
    {
        var text = new StringBuilder();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            text.AppendLine(e.Message);
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    text.AppendLine(Flatten(inner));
                }
            }
        }

        return text.ToString();
    }

    /// <summary>A node on a given database; "production" runs it in the Production environment, where no demo KEK is allowed.</summary>
    private sealed class Node(string database, bool production, params (string Key, string Value)[] settings) : LedgerServerFactory
    {
        // A production node also needs the exchange gateway's pseudonym secret (docs/exchange.md).
        protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
            settings.Append((Key: "Shuqiao:Exchange:PseudonymSecret", Value: Convert.ToBase64String(new byte[32]))).ToDictionary(s => s.Key, s => (string?)s.Value);

        protected override Task<string> CreateDatabaseAsync() => Task.FromResult(database);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (production)
            {
                builder.UseEnvironment("Production");
            }
        }
    }
}
