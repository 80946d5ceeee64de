using System.Text;
using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Audit;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>The group-commit writer, and admin changes appended inside their own audit transaction.</summary>
public sealed class LedgerWriterTests
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Concurrent_callers_get_distinct_indices_of_their_own_entries_after_a_few_batches()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        await using var writer = new LedgerWriter(db.Database.DataSource, appender, new LedgerWriterOptions(Capacity: 500, MaxBatch: 300));
        var batches = new List<LedgerBatchInfo>();
        writer.BatchCommitted += b => { lock (batches) { batches.Add(b); } };
        writer.Start();

        var entries = Enumerable.Range(0, 2000).Select(i => LedgerDatabase.Entry(i)).ToList();
        var indices = await Task.WhenAll(entries.Select(e => writer.AppendAsync(e, Guid.CreateVersion7())));

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), indices.Order());
        var stored = await new LedgerReader(db.Database.DataSource).EntriesAsync(0, 2000, default);
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(entries[i], stored[(int)indices[i]].Entry.ToArray());
        }

        // Grouped, not one transaction per caller; and never more than MaxBatch per transaction.
        Assert.True(batches.Count < 2000 / 2, $"{batches.Count} batches for 2000 entries");
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 300));
        Assert.Equal(2000, batches.Sum(b => b.Count));
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task A_failing_batch_fails_its_callers_and_leaves_nothing_then_the_writer_goes_on()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var participant = new FailingOnce();
        await using var writer = new LedgerWriter(db.Database.DataSource, appender, participants: [participant]);
        writer.Start();

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.AppendAsync(LedgerDatabase.Entry(1)));
        var index = await writer.AppendAsync(LedgerDatabase.Entry(2));

        Assert.Equal("participant failed", failed.Message);
        Assert.Equal(0, index); // the failed batch took no index
        Assert.Equal(1, (await new LedgerReader(db.Database.DataSource).HeadAsync(default)).Size);
        Assert.Equal(2, participant.Calls);
    }

    [Fact]
    public async Task A_statement_failing_in_PostgreSQL_takes_the_whole_batch_back_and_the_next_batch_goes_on()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var participant = new FailingInDatabaseOnce();
        await using var writer = new LedgerWriter(db.Database.DataSource, appender, participants: [participant]);
        writer.Start();
        // The first batch takes the careful path (no edge yet); the second is the one-round-trip batch.
        Assert.Equal(0, await writer.AppendAsync(LedgerDatabase.Entry(1)));
        participant.FailNext = true;

        await Assert.ThrowsAsync<PostgresException>(() => writer.AppendAsync(LedgerDatabase.Entry(2)));
        var index = await writer.AppendAsync(LedgerDatabase.Entry(3));

        // The head moved first in the failed batch; it went back with the rest.
        Assert.Equal(1, index);
        Assert.Equal(2, (await new LedgerReader(db.Database.DataSource).HeadAsync(default)).Size);
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task A_head_moved_by_another_appender_is_noticed_and_the_batch_written_after_it()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        using var otherInstance = new LedgerAppender(db.Database.DataSource, _clock);
        var attempts = new CountingParticipant();
        await using var writer = new LedgerWriter(db.Database.DataSource, appender, participants: [attempts]);
        writer.Start();
        Assert.Equal(0, await writer.AppendAsync(LedgerDatabase.Entry(1))); // no edge yet: head locked (one attempt)
        Assert.Equal(1, await writer.AppendAsync(LedgerDatabase.Entry(2))); // one round trip (one attempt)
        Assert.Equal(2, attempts.Calls);

        // As another server instance would: the writer's edge is now stale.
        await otherInstance.AppendAsync([LedgerDatabase.Entry(3), LedgerDatabase.Entry(4)], default);
        var index = await writer.AppendAsync(LedgerDatabase.Entry(5));

        Assert.Equal(4, index);
        Assert.Equal(4, attempts.Calls); // the one-round-trip attempt failed on the moved head, then the head was locked
        Assert.Equal(5, (await new LedgerReader(db.Database.DataSource).HeadAsync(default)).Size);
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task A_stopped_writer_drains_what_was_queued_and_refuses_more()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        var writer = new LedgerWriter(db.Database.DataSource, appender);
        writer.Start();
        var queued = Enumerable.Range(0, 100).Select(i => writer.AppendAsync(LedgerDatabase.Entry(i))).ToList();

        await writer.StopAsync();

        Assert.Equal(100, (await Task.WhenAll(queued)).Distinct().Count());
        await Assert.ThrowsAnyAsync<Exception>(() => writer.AppendAsync(LedgerDatabase.Entry(100)));
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_change_and_its_ledger_entry_commit_or_roll_back_together()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        var actor = new Actor(ActorKind.User, Guid.CreateVersion7(), "王五", null);
        var change = new AdminChange("organization.update", "Organization", "org-1", "示范市民政局", new { name = "旧名" }, new { name = "示范市民政局" });

        await using (var connection = await db.Database.DataSource.OpenConnectionAsync())
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            await AdminAuditWriter.AppendAsync(connection, rolledBack, actor, change, _clock.Now, default);
            await rolledBack.RollbackAsync();
        }

        await using (var connection = await db.Database.DataSource.OpenConnectionAsync())
        await using (var committed = await connection.BeginTransactionAsync())
        {
            // Two changes in one transaction (as an import does): the second append reuses the head the first locked.
            await AdminAuditWriter.AppendAsync(connection, committed, actor, change, _clock.Now, default);
            await AdminAuditWriter.AppendAsync(connection, committed, actor, change with { TargetId = "org-2" }, _clock.Now, default);
            await committed.CommitAsync();
        }

        // Without a transaction of the caller's, the writer makes its own.
        await using (var connection = await db.Database.DataSource.OpenConnectionAsync())
        {
            await AdminAuditWriter.AppendAsync(connection, null, actor, change with { TargetId = "org-3" }, _clock.Now, default);
        }

        await using var check = await db.Database.DataSource.OpenConnectionAsync();
        var events = (await check.QueryAsync<Guid>("select id from admin_audit_events order by target_id")).ToList();
        var reader = new LedgerReader(db.Database.DataSource);
        Assert.Equal(3, events.Count);
        Assert.Equal(3, (await reader.HeadAsync(default)).Size);
        foreach (var id in events)
        {
            var index = await reader.IndexOfEventAsync(id, default);
            var entry = Encoding.UTF8.GetString((await reader.EntryAsync(index!.Value, default))!.Entry.Span);
            Assert.Contains(id.ToString(), entry, StringComparison.Ordinal);
            Assert.DoesNotContain("王五", entry, StringComparison.Ordinal);
            Assert.DoesNotContain("民政局", entry, StringComparison.Ordinal);
        }

        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    [Fact]
    public async Task Admin_changes_and_the_writer_interleave_on_one_tree()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        using var appender = new LedgerAppender(db.Database.DataSource, _clock);
        await using var writer = new LedgerWriter(db.Database.DataSource, appender);
        writer.Start();
        var actor = Actor.System("tests");

        var appends = Enumerable.Range(0, 500).Select(i => writer.AppendAsync(LedgerDatabase.Entry(i))).ToList();
        var changes = Enumerable.Range(0, 20).Select(async i =>
        {
            await using var connection = await db.Database.DataSource.OpenConnectionAsync();
            await AdminAuditWriter.AppendAsync(connection, null, actor, new AdminChange("test.change", "Test", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, null), _clock.Now, default);
        }).ToList();
        await Task.WhenAll(appends);
        await Task.WhenAll(changes);

        Assert.Equal(520, (await new LedgerReader(db.Database.DataSource).HeadAsync(default)).Size);
        Assert.True((await new LedgerIntegrityChecker(db.Database.DataSource).CheckAsync(default)).IsIntact);
    }

    private sealed class CountingParticipant : ILedgerBatchParticipant
    {
        public int Calls { get; private set; }

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<LedgerItem> items) => Calls++;
    }

    private sealed class FailingInDatabaseOnce : ILedgerBatchParticipant
    {
        public bool FailNext { get; set; }

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<LedgerItem> items)
        {
            if (FailNext)
            {
                FailNext = false;
                batch.BatchCommands.Add(new NpgsqlBatchCommand("select 1 / 0"));
            }
        }
    }

    private sealed class FailingOnce : ILedgerBatchParticipant
    {
        public int Calls { get; private set; }

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<LedgerItem> items)
        {
            if (++Calls == 1)
            {
                throw new InvalidOperationException("participant failed");
            }
        }
    }
}

/// <summary>The KEK's sealing of private keys and the key table.</summary>
public sealed class LedgerKeyStoreTests
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_sealed_key_opens_only_with_its_kek_purpose_and_public_key()
    {
        var kek = KeyEncryptionKey.Generate();
        var (skey, vkey) = Ed25519NoteSigner.Generate("ledger.example/350100");

        var sealedKey = kek.Seal(LedgerKeyPurpose.LogEd25519, vkey, skey);

        Assert.Equal(skey, kek.Open(LedgerKeyPurpose.LogEd25519, vkey, sealedKey));
        Assert.Null(KeyEncryptionKey.Generate().Open(LedgerKeyPurpose.LogEd25519, vkey, sealedKey));
        Assert.Null(kek.Open(LedgerKeyPurpose.Witness, vkey, sealedKey));
        Assert.Null(kek.Open(LedgerKeyPurpose.LogEd25519, Ed25519NoteSigner.Generate("ledger.example/350100").VerifierKey, sealedKey));
        sealedKey[20] ^= 1;
        Assert.Null(kek.Open(LedgerKeyPurpose.LogEd25519, vkey, sealedKey));
        Assert.DoesNotContain(kek.ToBase64(), kek.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kek_is_base64_of_exactly_32_bytes()
    {
        Assert.True(KeyEncryptionKey.TryParse(Convert.ToBase64String(new byte[32]), out _, out _));
        Assert.False(KeyEncryptionKey.TryParse(Convert.ToBase64String(new byte[16]), out _, out var shortError));
        Assert.False(KeyEncryptionKey.TryParse("not base64!", out _, out _));
        Assert.Contains("32 bytes", shortError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_stored_key_wins_so_instances_starting_together_share_one()
    {
        await using var db = await LedgerDatabase.CreateAsync();
        var store = new LedgerKeyStore(db.Database.DataSource, _clock);
        var kek = KeyEncryptionKey.Generate();
        var (skey1, vkey1) = Ed25519NoteSigner.Generate("ledger.example/350100");
        var (skey2, vkey2) = Ed25519NoteSigner.Generate("ledger.example/350100");

        var first = await store.AddAsync(LedgerKeyPurpose.LogEd25519, "ledger.example/350100", vkey1, skey1, kek, default);
        var second = await store.AddAsync(LedgerKeyPurpose.LogEd25519, "ledger.example/350100", vkey2, skey2, kek, default);

        Assert.Equal(vkey1, first.VerifierKey);
        Assert.Equal(vkey1, second.VerifierKey);
        Assert.Equal(skey1, kek.Open(second.Purpose, second.VerifierKey, second.SealedKey));
        Assert.Equal((await store.InsecureKekAsync(default)).Id, (await store.InsecureKekAsync(default)).Id);
    }

    [Fact]
    public void Keys_are_read_from_pkcs8_pem_files_and_from_go_note_key_texts()
    {
        var seed = new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var der = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(seed).GetDerEncoded();
        var pem = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PRIVATE KEY-----\n";
        var (skey, _) = Ed25519NoteSigner.Generate("ledger.example/350100");

        var fromPem = Ed25519NoteSigner.FromSignerKey(LedgerKeyFile.ToSignerKeyText(pem, NoteSignatureType.Ed25519, "ledger.example/350100", _clock));
        var fromText = LedgerKeyFile.ToSignerKeyText(skey + "\n", NoteSignatureType.Ed25519, "ledger.example/350100", _clock);

        Assert.Equal(seed.GeneratePublicKey().GetEncoded(), fromPem.PublicKey);
        Assert.Equal(skey, fromText);
        Assert.Throws<FormatException>(() => LedgerKeyFile.ToSignerKeyText(skey, NoteSignatureType.Ed25519, "other.example/ledger", _clock));
        Assert.Throws<FormatException>(() => LedgerKeyFile.ToSignerKeyText(skey, NoteSignatureType.CosignatureV1, "ledger.example/350100", _clock));
    }
}
