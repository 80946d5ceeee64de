using Npgsql;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Storage.Tests.Ledger;

public sealed class LedgerStorageTests
{
    private const string Origin = "ledger.example/350100";

    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Batches_get_consecutive_indices_and_the_committed_root_matches_a_naive_tree()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var reader = new LedgerReader(db.Database.DataSource);

        var next = 0L;
        foreach (var batchSize in new[] { 1, 255, 1, 300, 1000, 7 })
        {
            var batch = Enumerable.Range(0, batchSize).Select(i => LedgerDatabase.Entry(next + i)).ToList();
            var result = await appender.AppendAsync(batch, default);
            db.Record(batch);

            Assert.Equal(next, result.FirstIndex);
            Assert.Equal(batchSize, result.Count);
            Assert.Equal(next + batchSize - 1, result.IndexOf(batchSize - 1));
            next += batchSize;
            Assert.Equal(next, result.TreeSize);
            Assert.Equal(Convert.ToHexString(db.Mirror.Root()), Convert.ToHexString(result.Root.Span));
        }

        var head = await reader.HeadAsync(default);
        Assert.Equal(1564, head.Size);
        Assert.Equal(Convert.ToHexString(MerkleHash.RootOf(db.Entries.Select(e => MerkleHash.Leaf(e)).ToList())), Convert.ToHexString(head.Root.Span));
        var stored = await reader.EntriesAsync(1000, 3, default);
        Assert.Equal(db.Entries.Skip(1000).Take(3), stored.Select(e => e.Entry.ToArray()));
        Assert.Equal(_clock.Now, stored[0].AppendedAt);
    }

    [Fact]
    public async Task A_new_appender_after_a_restart_continues_the_same_tree_and_matches_every_checkpoint()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        var publisher = new LedgerCheckpointPublisher(db.Database.DataSource, _clock);
        var (skey, vkey) = Ed25519NoteSigner.Generate(Origin);
        var signer = Ed25519NoteSigner.FromSignerKey(skey);
        var checkpoints = new List<StoredCheckpoint> { await publisher.PublishAsync(Origin, [signer], default) };

        for (var restart = 0; restart < 4; restart++)
        {
            using var appender = new LedgerAppender(db.Database.DataSource, _clock); // a fresh process's appender
            for (var b = 0; b < 3; b++)
            {
                var batch = Enumerable.Range(0, 97 + restart * 50).Select(i => LedgerDatabase.Entry(db.Entries.Count + i)).ToList();
                await appender.AppendAsync(batch, default);
                db.Record(batch);
                checkpoints.Add(await publisher.PublishAsync(Origin, [signer], default));
            }
        }

        var reader = new LedgerReader(db.Database.DataSource);
        Assert.Equal(db.Entries.Count, (await reader.HeadAsync(default)).Size);
        foreach (var checkpoint in checkpoints)
        {
            var opened = Checkpoint.Open(System.Text.Encoding.UTF8.GetBytes(checkpoint.Note), Origin, [NoteKeys.Verifier(vkey)]).Checkpoint!;
            var root = await reader.RootAsync(checkpoint.Size, default);
            Assert.Equal(Convert.ToHexString(MerkleHash.RootOf(db.Entries.Take((int)checkpoint.Size).Select(e => MerkleHash.Leaf(e)).ToList())), Convert.ToHexString(root.Value!));
            Assert.Equal(Convert.ToHexString(opened.RootHash), Convert.ToHexString(root.Value!));
        }

        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task Proofs_from_the_database_verify_and_equal_those_of_the_naive_tree()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        for (var b = 0; b < 5; b++)
        {
            var batch = Enumerable.Range(0, 250).Select(i => LedgerDatabase.Entry(db.Entries.Count + i)).ToList();
            await appender.AppendAsync(batch, default);
            db.Record(batch);
        }

        var reader = new LedgerReader(db.Database.DataSource);
        var random = new Random(9162);
        for (var i = 0; i < 25; i++)
        {
            var size = random.NextInt64(1, db.Entries.Count + 1);
            var index = random.NextInt64(0, size);
            var proof = (await reader.InclusionProofAsync(index, size, default)).Value!;
            var root = (await reader.RootAsync(size, default)).Value!;
            Assert.Equal((await TiledTree.InclusionProofAsync(index, size, db.Mirror, default)).Select(Convert.ToHexString), proof.Select(Convert.ToHexString));
            Assert.True(MerkleProof.VerifyInclusion(index, size, MerkleHash.Leaf(db.Entries[(int)index]), proof, root).IsValid);

            var size1 = random.NextInt64(1, size + 1);
            var consistency = (await reader.ConsistencyProofAsync(size1, size, default)).Value!;
            var root1 = (await reader.RootAsync(size1, default)).Value!;
            Assert.True(MerkleProof.VerifyConsistency(size1, size, consistency, root1, root).IsValid);
        }

        Assert.False((await reader.InclusionProofAsync(0, db.Entries.Count + 1, default)).Succeeded);
        Assert.False((await reader.InclusionProofAsync(10, 10, default)).Succeeded);
        Assert.False((await reader.ConsistencyProofAsync(5, db.Entries.Count + 1, default)).Succeeded);
    }

    [Fact]
    public async Task Tiles_and_entry_bundles_hold_what_the_naive_tree_has()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        // 3 full level-0 tiles and a partial one of 9: enough for a partial level-1 tile of width 3.
        var batch = Enumerable.Range(0, 256 * 3 + 9).Select(i => LedgerDatabase.Entry(i)).ToList();
        await appender.AppendAsync(batch, default);
        db.Record(batch);
        var reader = new LedgerReader(db.Database.DataSource);
        var leaves = db.Entries.Select(e => MerkleHash.Leaf(e)).ToList();

        var full = (await reader.TileAsync(new TileAddress(0, 2, 256), default)).Value!;
        var partial = (await reader.TileAsync(new TileAddress(0, 3, 9), default)).Value!;
        var older = (await reader.TileAsync(new TileAddress(0, 3, 4), default)).Value!;
        var level1 = (await reader.TileAsync(new TileAddress(1, 0, 3), default)).Value!;
        var bundle = (await reader.EntryBundleAsync(new TileAddress(0, 1, 256, IsEntries: true), default)).Value!;

        Assert.Equal(leaves.Skip(512).Take(256).SelectMany(h => h), full);
        Assert.Equal(leaves.Skip(768).SelectMany(h => h), partial);
        Assert.Equal(leaves.Skip(768).Take(4).SelectMany(h => h), older);
        Assert.Equal(Enumerable.Range(0, 3).SelectMany(t => MerkleHash.RootOf(leaves, t * 256, (t + 1) * 256)), level1);
        Assert.True(TlogTiles.TryDecodeBundle(bundle, out var entries));
        Assert.Equal(db.Entries.Skip(256).Take(256), entries);
        Assert.False((await reader.TileAsync(new TileAddress(0, 3, 10), default)).Succeeded);
        Assert.False((await reader.TileAsync(new TileAddress(0, 3, 256), default)).Succeeded);
        Assert.False((await reader.TileAsync(new TileAddress(1, 0, 256), default)).Succeeded);
        Assert.False((await reader.EntryBundleAsync(new TileAddress(0, 4, 1, IsEntries: true), default)).Succeeded);
    }

    [Fact]
    public async Task Appending_inside_the_callers_transaction_commits_with_it_and_a_rollback_leaves_no_trace()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var first = Enumerable.Range(0, 10).Select(i => LedgerDatabase.Entry(i)).ToList();
        await appender.AppendAsync(first, default);
        db.Record(first);

        await using (var connection = await db.Database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var lost = await appender.AppendAsync(connection, transaction, [LedgerDatabase.Entry(999), LedgerDatabase.Entry(998)], default);
            Assert.Equal(10, lost.FirstIndex);
            await transaction.RollbackAsync();
        }

        // The appender's in-memory edge still has the rolled-back entries; it must notice and rebuild.
        var next = Enumerable.Range(10, 5).Select(i => LedgerDatabase.Entry(i)).ToList();
        var result = await appender.AppendAsync(next, default);
        db.Record(next);

        Assert.Equal(10, result.FirstIndex);
        Assert.Equal(Convert.ToHexString(db.Mirror.Root()), Convert.ToHexString(result.Root.Span));
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task Two_server_instances_appending_to_one_database_build_one_consistent_tree()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var a = new LedgerAppender(db.Database.DataSource, _clock);
        using var b = new LedgerAppender(db.Database.DataSource, _clock);

        var tasks = Enumerable.Range(0, 20).Select(async n =>
        {
            var batch = Enumerable.Range(0, 50).Select(i => LedgerDatabase.Entry(n * 1000 + i)).ToList();
            var result = await (n % 2 == 0 ? a : b).AppendAsync(batch, default);
            return (result, batch);
        }).ToList();
        var results = await Task.WhenAll(tasks);

        // Whatever order the database chose, the batches are contiguous and the tree is their concatenation.
        foreach (var (_, batch) in results.OrderBy(r => r.result.FirstIndex))
        {
            db.Record(batch);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 50L), results.Select(r => r.result.FirstIndex).Order());
        var head = await new LedgerReader(db.Database.DataSource).HeadAsync(default);
        Assert.Equal(1000, head.Size);
        Assert.Equal(Convert.ToHexString(db.Mirror.Root()), Convert.ToHexString(head.Root.Span));
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task A_checkpoint_is_published_only_when_the_tree_grew_and_verifies_as_a_standard_note()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var publisher = new LedgerCheckpointPublisher(db.Database.DataSource, _clock);
        var reader = new LedgerReader(db.Database.DataSource);
        var (skey, vkey) = Ed25519NoteSigner.Generate(Origin);
        var (smSkey, _) = Sm2NoteSigner.Generate(Origin);
        INoteSigner[] signers = [NoteKeys.Signer(skey, _clock), NoteKeys.Signer(smSkey, _clock)];

        var empty = await publisher.PublishAsync(Origin, signers, default);
        Assert.Equal(0, empty.Size);
        Assert.StartsWith(Origin + "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— " + Origin + " ", empty.Note, StringComparison.Ordinal);

        var batch = Enumerable.Range(0, 20).Select(i => LedgerDatabase.Entry(i)).ToList();
        await appender.AppendAsync(batch, default);
        db.Record(batch);
        var published = await publisher.PublishAsync(Origin, signers, default);
        var again = await publisher.PublishAsync(Origin, signers, default);

        Assert.Equal(20, published.Size);
        Assert.Equal((published.Size, published.Note, published.PublishedAt), (again.Size, again.Note, again.PublishedAt));
        Assert.Equal(published.Note, (await reader.LatestCheckpointAsync(default))!.Note);
        var opened = Checkpoint.Open(System.Text.Encoding.UTF8.GetBytes(published.Note), Origin, [NoteKeys.Verifier(vkey)]);
        Assert.Equal(Convert.ToHexString(db.Mirror.Root()), Convert.ToHexString(opened.Checkpoint!.RootHash));
        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(Origin, [signers[1]], default));
    }

    [Fact]
    public async Task A_receipt_for_an_entry_verifies_against_the_first_checkpoint_that_contains_it_with_its_cosignatures()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var publisher = new LedgerCheckpointPublisher(db.Database.DataSource, _clock);
        var (skey, vkey) = Ed25519NoteSigner.Generate(Origin);
        var (witnessSkey, witnessVkey) = Ed25519CosignatureSigner.Generate("witness.example/w1", _clock);
        var signer = NoteKeys.Signer(skey, _clock);
        for (var b = 0; b < 3; b++)
        {
            var batch = Enumerable.Range(0, 100).Select(i => LedgerDatabase.Entry(db.Entries.Count + i)).ToList();
            await appender.AppendAsync(batch, default);
            db.Record(batch);
            await publisher.PublishAsync(Origin, [signer], default);
        }

        // A witness cosigns the size-200 checkpoint (the lead's witness client does this over HTTP).
        var reader = new LedgerReader(db.Database.DataSource);
        var at200 = SignedNote.Parse((await reader.CheckpointAsync(200, default))!.Note);
        var cosigned = at200.AddSignatures([NoteKeys.Signer(witnessSkey, _clock)]);
        await publisher.AddCosignaturesAsync(200, [cosigned.Signatures[^1]], default);

        var receipt = (await reader.ReceiptAsync(150, null, default)).Value!;
        var parsed = TlogProof.Parse(receipt.ToString());

        Assert.Equal(150, parsed.Index);
        var check = parsed.Verify(MerkleHash.Leaf(db.Entries[150]), Origin, NoteKeys.Verifier(vkey), [NoteKeys.Verifier(witnessVkey)], minCosignatures: 1);
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(200, check.Checkpoint!.Size);
        Assert.False((await reader.ReceiptAsync(300, null, default)).Succeeded); // no checkpoint covers it yet
    }

    [Fact]
    public async Task The_ledger_tables_refuse_updates_and_deletes()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        await appender.AppendAsync([LedgerDatabase.Entry(1)], default);
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();

        await using var update = new NpgsqlCommand("update ledger_entries set entry = '\\x00' where index = 0", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        await using var delete = new NpgsqlCommand("delete from ledger_entries", connection);
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }
}
