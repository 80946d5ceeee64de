using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Database;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>
/// PostgreSQL stops dead (immediate shutdown, as in a crash) in the middle of a batch. On its own cluster, since it
/// stops the server.
/// </summary>
public sealed class LedgerCrashTests
{
    private const string Origin = "ledger.example/350100";

    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_batch_cut_off_by_a_crash_leaves_no_trace_and_the_tree_continues_consistently_after_restart()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        // The test cluster runs with synchronous_commit off for speed, which may lose the last commits in a crash
        // by design. A node runs with it on (the default): a commit is in the WAL before it is acknowledged.
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await admin.OpenAsync();
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using var on = new NpgsqlCommand($"alter database \"{database}\" set synchronous_commit = on", admin);
            await on.ExecuteNonQueryAsync();
        }

        var (skey, vkey) = Ed25519NoteSigner.Generate(Origin);
        var signer = Ed25519NoteSigner.FromSignerKey(skey);
        var mirror = new MemoryTree();
        StoredCheckpoint before;

        await using (var dataSource = ShuqiaoDataSource.Create(connectionString, "crash-test"))
        {
            await new Migrator(dataSource, _clock).ApplyAsync(default);
            using var appender = new LedgerAppender(dataSource, _clock);
            var committed = Enumerable.Range(0, 700).Select(i => LedgerDatabase.Entry(i)).ToList();
            await appender.AppendAsync(committed, default);
            committed.ForEach(e => mirror.AppendEntry(e));
            before = await new LedgerCheckpointPublisher(dataSource, _clock).PublishAsync(Origin, [signer], default);

            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await appender.AppendAsync(connection, transaction, Enumerable.Range(700, 500).Select(i => LedgerDatabase.Entry(i)).ToList(), default);

            await cluster.StopServerAsync(); // no commit ever arrives
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => transaction.CommitAsync());
        }

        NpgsqlConnection.ClearAllPools();
        await cluster.StartServerAsync();

        await using (var dataSource = ShuqiaoDataSource.Create(connectionString, "crash-test"))
        {
            var reader = new LedgerReader(dataSource);
            Assert.Equal(700, (await reader.HeadAsync(default)).Size);

            using var appender = new LedgerAppender(dataSource, _clock); // the restarted process
            var more = Enumerable.Range(700, 300).Select(i => LedgerDatabase.Entry(10_000 + i)).ToList();
            var result = await appender.AppendAsync(more, default);
            more.ForEach(e => mirror.AppendEntry(e));
            var after = await new LedgerCheckpointPublisher(dataSource, _clock).PublishAsync(Origin, [signer], default);

            Assert.Equal(700, result.FirstIndex);
            Assert.Equal(Convert.ToHexString(mirror.Root()), Convert.ToHexString(result.Root.Span));
            Assert.True((await new LedgerIntegrityChecker(dataSource).CheckAsync(default)).IsIntact);

            // A witness holding the pre-crash checkpoint accepts the new one: it is consistent.
            var verifier = NoteKeys.Verifier(vkey);
            var old = Checkpoint.Open(System.Text.Encoding.UTF8.GetBytes(before.Note), Origin, [verifier]).Checkpoint!;
            var current = Checkpoint.Open(System.Text.Encoding.UTF8.GetBytes(after.Note), Origin, [verifier]).Checkpoint!;
            var proof = (await reader.ConsistencyProofAsync(old.Size, current.Size, default)).Value!;
            Assert.True(MerkleProof.VerifyConsistency(old.Size, current.Size, proof, old.RootHash, current.RootHash).IsValid);
        }
    }
}
