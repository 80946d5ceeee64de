using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>
/// The tampering drill: someone with superuser rights bypasses the append-only triggers and edits the tables
/// directly. The integrity check must notice, and name the first bad entry.
/// </summary>
public sealed class LedgerTamperingTests
{
    private const string Origin = "ledger.example/350100";

    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_untouched_ledger_is_intact()
    {
        await using var db = await FilledLedgerAsync();

        var report = await Check(db);

        Assert.True(report.IsIntact, report.Detail);
        Assert.Equal(2000, report.CheckedEntries);
        Assert.Equal(5, report.CheckedCheckpoints);
    }

    [Fact]
    public async Task An_entry_changed_with_sql_is_found_at_its_exact_index()
    {
        await using var db = await FilledLedgerAsync();

        await TamperAsync(db, """update ledger_entries set entry = convert_to('{"kind":"access","rows":0}', 'UTF8') where index = 1234""");
        var report = await Check(db, pageSize: 500);

        Assert.Equal(LedgerProblem.LeafHashMismatch, report.Problem);
        Assert.Equal(1234, report.FirstBadIndex);
    }

    [Fact]
    public async Task An_entry_changed_together_with_its_leaf_hash_is_caught_by_the_stored_tile_hash_above_it()
    {
        await using var db = await FilledLedgerAsync();

        await TamperAsync(db, """
            update ledger_entries set entry = convert_to('{"kind":"access","rows":0}', 'UTF8'),
                                      leaf_hash = sha256('\x00'::bytea || convert_to('{"kind":"access","rows":0}', 'UTF8'))
            where index = 600
            """);
        var report = await Check(db);

        // The level-8 node over entries 512–767 completes before the next checkpoint (size 800) is reached.
        Assert.Equal(LedgerProblem.NodeMismatch, report.Problem);
        Assert.Equal(512, report.FirstBadIndex);
        Assert.Equal(768, report.BadRangeEnd);
    }

    [Fact]
    public async Task A_consistent_edit_on_the_right_edge_is_caught_by_the_signed_checkpoint()
    {
        await using var db = await FilledLedgerAsync();

        // Entry 1990 is in the last, partial tile: no stored node covers it, only the checkpoint of size 2000 does.
        await TamperAsync(db, """
            update ledger_entries set entry = convert_to('{"kind":"access","rows":0}', 'UTF8'),
                                      leaf_hash = sha256('\x00'::bytea || convert_to('{"kind":"access","rows":0}', 'UTF8'))
            where index = 1990
            """);
        var report = await Check(db);

        Assert.Equal(LedgerProblem.CheckpointMismatch, report.Problem);
        Assert.Equal(1600, report.FirstBadIndex); // the previous checkpoint (size 1600) still matched
        Assert.Equal(2000, report.BadRangeEnd);
    }

    [Fact]
    public async Task A_deleted_entry_is_reported_as_missing_at_its_index()
    {
        await using var db = await FilledLedgerAsync();

        await TamperAsync(db, "delete from ledger_entries where index = 777");
        var report = await Check(db);

        Assert.Equal(LedgerProblem.MissingEntry, report.Problem);
        Assert.Equal(777, report.FirstBadIndex);
    }

    [Fact]
    public async Task An_entry_slipped_in_beyond_the_committed_tree_is_reported()
    {
        await using var db = await FilledLedgerAsync();

        await TamperAsync(db, """insert into ledger_entries values (2000, sha256('\x00'::bytea), '', now())""");
        var report = await Check(db);

        Assert.Equal(LedgerProblem.UnexpectedEntry, report.Problem);
        Assert.Equal(2000, report.FirstBadIndex);
    }

    [Fact]
    public async Task A_forged_tile_hash_is_reported_with_the_entries_it_covers()
    {
        await using var db = await FilledLedgerAsync();

        await TamperAsync(db, """update ledger_nodes set hash = sha256('forged'::bytea) where level = 8 and index = 5""");
        var report = await Check(db);

        Assert.Equal(LedgerProblem.NodeMismatch, report.Problem);
        Assert.Equal(1280, report.FirstBadIndex);
        Assert.Equal(1536, report.BadRangeEnd);
    }

    [Fact]
    public async Task An_incremental_check_reads_only_the_entries_after_the_verified_prefix_and_vouches_for_the_whole_tree()
    {
        await using var db = await FilledLedgerAsync();
        var whole = await Check(db);
        await AppendBatchesAsync(db, 1);

        var incremental = await CheckFrom(db, whole);
        var again = await Check(db);

        Assert.True(incremental.IsIntact, incremental.Detail);
        Assert.True(incremental.IsIncremental);
        Assert.Equal(2000, incremental.FromSize);
        Assert.Equal(400, incremental.CheckedEntries);
        Assert.Equal(1, incremental.CheckedCheckpoints); // the one published after the new batch
        Assert.Equal(2400, incremental.TreeSize);
        Assert.Equal(again.Root, incremental.Root); // the same root as recomputing everything
    }

    [Fact]
    public async Task An_incremental_check_finds_a_changed_new_entry_at_its_index()
    {
        await using var db = await FilledLedgerAsync();
        var whole = await Check(db);
        await AppendBatchesAsync(db, 1);

        await TamperAsync(db, """update ledger_entries set entry = convert_to('{"kind":"access","rows":0}', 'UTF8') where index = 2100""");
        var report = await CheckFrom(db, whole);

        Assert.Equal(LedgerProblem.LeafHashMismatch, report.Problem);
        Assert.Equal(2100, report.FirstBadIndex);
    }

    [Fact]
    public async Task An_incremental_check_notices_a_forged_stored_hash_on_the_verified_edge()
    {
        await using var db = await FilledLedgerAsync();
        var whole = await Check(db);

        // A tree of 2,000 entries is rebuilt from its level-8 tile hashes; node 8/6 covers entries 1536–1791.
        await TamperAsync(db, """update ledger_nodes set hash = sha256('forged'::bytea) where level = 8 and index = 6""");
        var report = await CheckFrom(db, whole);

        Assert.Equal(LedgerProblem.NodeMismatch, report.Problem);
        Assert.Equal(0, report.FirstBadIndex);
        Assert.Equal(2000, report.BadRangeEnd);
    }

    [Fact]
    public async Task An_old_entry_edited_with_its_leaf_hash_escapes_an_incremental_check_but_not_the_whole_one()
    {
        await using var db = await FilledLedgerAsync();
        var whole = await Check(db);

        // Entry 600 lies under node 8/2, which is not on the edge: what the daily whole-tree check is for.
        await TamperAsync(db, """
            update ledger_entries set entry = convert_to('{"kind":"access","rows":0}', 'UTF8'),
                                      leaf_hash = sha256('\x00'::bytea || convert_to('{"kind":"access","rows":0}', 'UTF8'))
            where index = 600
            """);
        var incremental = await CheckFrom(db, whole);
        var again = await Check(db);

        Assert.True(incremental.IsIntact);
        Assert.Equal(0, incremental.CheckedEntries);
        Assert.Equal(LedgerProblem.NodeMismatch, again.Problem);
        Assert.Equal(512, again.FirstBadIndex);
    }

    [Fact]
    public async Task A_tree_shorter_than_the_verified_prefix_is_reported_as_missing_entries()
    {
        await using var db = await FilledLedgerAsync();
        var whole = await Check(db);

        var report = await CheckFrom(db, whole, extraSize: 5);

        Assert.Equal(LedgerProblem.MissingEntry, report.Problem);
        Assert.Equal(2000, report.FirstBadIndex);
        Assert.Equal(2005, report.BadRangeEnd);
    }

    // 2,000 entries in batches of 400, a checkpoint after each batch.
    private async Task<LedgerDatabase> FilledLedgerAsync()
    {
        var db = await LedgerDatabase.CreateAsync();
        await AppendBatchesAsync(db, 5);
        return db;
    }

    private async Task AppendBatchesAsync(LedgerDatabase db, int batches)
    {
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var publisher = new LedgerCheckpointPublisher(db.Database.DataSource, _clock);
        var signer = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate(Origin).SignerKey);
        for (var b = 0; b < batches; b++)
        {
            var batch = Enumerable.Range(0, 400).Select(i => LedgerDatabase.Entry(db.Entries.Count + i)).ToList();
            await appender.AppendAsync(batch, default);
            db.Record(batch);
            await publisher.PublishAsync(Origin, [signer], default);
        }
    }

    private static Task<LedgerIntegrityReport> Check(LedgerDatabase db, int pageSize = 10_000) =>
        new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default, pageSize);

    // An incremental check after the tree an earlier (intact) check verified; extraSize claims more than it verified.
    private static Task<LedgerIntegrityReport> CheckFrom(LedgerDatabase db, LedgerIntegrityReport verified, long extraSize = 0) =>
        new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default, from: new LedgerVerifiedPrefix(verified.TreeSize + extraSize, verified.Root!));

    // What a rogue superuser would do: switch off ordinary triggers for the session, then edit.
    private static async Task TamperAsync(LedgerDatabase db, string sql)
    {
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("set session_replication_role = replica", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using (var edit = new NpgsqlCommand(sql, connection))
        {
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        await using var on = new NpgsqlCommand("set session_replication_role = origin", connection);
        await on.ExecuteNonQueryAsync();
    }
}
