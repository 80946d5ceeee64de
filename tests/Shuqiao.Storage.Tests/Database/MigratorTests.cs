using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Shuqiao.Storage.Database;
using Shuqiao.Testing;

namespace Shuqiao.Storage.Tests.Database;

/// <summary>
/// The embedded migrations against brand-new databases of the shared throwaway cluster (each test its own), as a node
/// meets them at its first start, at every later start, and when several instances start together.
/// </summary>
public sealed partial class MigratorTests
{
    private static readonly IReadOnlyList<Migration> Embedded = Migration.LoadEmbedded();

    [Fact]
    public async Task On_an_empty_database_every_migration_applies_in_order_and_creates_every_table_it_names()
    {
        await using var database = await EmptyDatabase.CreateAsync();

        var applied = await database.Migrator().ApplyAsync(CancellationToken.None);

        Assert.Equal(Embedded.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(Enumerable.Range(1, Embedded.Count), applied.Select(m => m.Version));
        var journal = await database.JournalAsync();
        Assert.Equal(Embedded.Select(m => (m.Version, m.Name, m.Checksum)), journal.Select(j => (j.Version, j.Name, j.Checksum)));

        var expected = TablesCreatedBy(Embedded).Append("schema_migrations").Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 5, "the migrations name their tables with 'create table'");
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var actual = (await connection.QueryAsync<string>(
            "select tablename from pg_tables where schemaname = 'public' order by tablename collate \"C\"")).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Applying_again_is_a_no_op_that_leaves_the_journal_as_it_was()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        await database.Migrator().ApplyAsync(CancellationToken.None);
        var before = await database.JournalAsync();

        var second = await database.Migrator().ApplyAsync(CancellationToken.None);

        Assert.Empty(second);
        Assert.Equal(
            before.Select(j => (j.Version, j.Checksum, j.AppliedAt)),
            (await database.JournalAsync()).Select(j => (j.Version, j.Checksum, j.AppliedAt)));
    }

    [Fact]
    public async Task Status_lists_every_migration_as_pending_on_an_empty_database_and_none_once_applied()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        var migrator = database.Migrator();

        var empty = await migrator.StatusAsync(CancellationToken.None);
        await migrator.ApplyAsync(CancellationToken.None);
        var current = await migrator.StatusAsync(CancellationToken.None);

        Assert.Empty(empty.Applied);
        Assert.Equal(Embedded.Select(m => m.Version), empty.Pending.Select(m => m.Version));
        Assert.Empty(current.Pending);
        Assert.Equal(Embedded.Select(m => (m.Version, m.Checksum)), current.Applied.Select(a => (a.Version, a.Checksum)));
    }

    [Fact]
    public async Task A_migration_whose_checksum_differs_from_the_applied_one_is_refused_with_a_message_naming_it()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        await database.Migrator().ApplyAsync(CancellationToken.None);
        var first = Embedded[0];
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update schema_migrations set checksum = @Checksum where version = 1", new { Checksum = new string('0', 64) });
        }

        var apply = await Assert.ThrowsAsync<InvalidOperationException>(() => database.Migrator().ApplyAsync(CancellationToken.None));
        var status = await Assert.ThrowsAsync<InvalidOperationException>(() => database.Migrator().StatusAsync(CancellationToken.None));

        foreach (var message in new[] { apply.Message, status.Message })
        {
            Assert.Contains($"{first.Version:D4}_{first.Name}.sql was changed after it was applied", message, StringComparison.Ordinal);
            Assert.Contains("Add a new migration instead", message, StringComparison.Ordinal);
        }

        // The refusal released the advisory lock: another start is refused the same way instead of waiting forever.
        var again = database.Migrator().ApplyAsync(CancellationToken.None);
        Assert.Same(again, await Task.WhenAny(again, Task.Delay(TimeSpan.FromSeconds(30))));
        await Assert.ThrowsAsync<InvalidOperationException>(() => again);
    }

    [Fact]
    public async Task A_database_with_a_migration_this_build_does_not_know_is_refused()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        await database.Migrator().ApplyAsync(CancellationToken.None);
        var unknown = Embedded.Count + 1;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "insert into schema_migrations (version, name, checksum, applied_at) values (@unknown, 'from_the_future', 'x', now())", new { unknown });
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => database.Migrator().ApplyAsync(CancellationToken.None));

        Assert.Contains($"newer than this build knows ({Embedded.Count:D4})", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_migrating_the_same_empty_database_at_once_apply_each_migration_once()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        // Separate data sources: server instances share nothing but the database.
        var migrators = new[] { database.Migrator(), database.OtherInstance(), database.OtherInstance() };

        var results = await Task.WhenAll(migrators.Select(m => Task.Run(() => m.ApplyAsync(CancellationToken.None))));

        // The advisory lock lets one instance apply everything while the others wait, then find nothing to do.
        Assert.Single(results, r => r.Count == Embedded.Count);
        Assert.Equal(migrators.Length - 1, results.Count(r => r.Count == 0));
        var journal = await database.JournalAsync();
        Assert.Equal(Embedded.Select(m => m.Version), journal.Select(j => j.Version));
    }

    /// <summary>The tables the migrations leave behind: every <c>create table</c> minus every later <c>drop table</c>.</summary>
    private static List<string> TablesCreatedBy(IEnumerable<Migration> migrations)
    {
        var tables = new List<string>();
        foreach (var migration in migrations)
        {
            var sql = LineComment().Replace(migration.Sql, "");
            foreach (Match statement in TableStatement().Matches(sql))
            {
                var names = statement.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (statement.Groups["verb"].Value.Equals("create", StringComparison.OrdinalIgnoreCase))
                {
                    tables.Add(names[0].ToLowerInvariant());
                }
                else
                {
                    tables.RemoveAll(t => names.Contains(t, StringComparer.OrdinalIgnoreCase));
                }
            }
        }

        return tables;
    }

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"(?im)^\s*(?<verb>create|drop)\s+(?:unlogged\s+)?table\s+(?:if\s+(?:not\s+)?exists\s+)?(?<names>[a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)")]
    private static partial Regex TableStatement();

    /// <summary>A new, empty database (no migrations) in the shared cluster, with a data source of its own.</summary>
    private sealed class EmptyDatabase : IAsyncDisposable
    {
        private readonly List<NpgsqlDataSource> _extra = [];

        private EmptyDatabase(string connectionString)
        {
            ConnectionString = connectionString;
            DataSource = ShuqiaoDataSource.Create(connectionString, "shuqiao-tests");
        }

        public string ConnectionString { get; }

        public NpgsqlDataSource DataSource { get; }

        public static async Task<EmptyDatabase> CreateAsync() => new(await SharedPostgres.CreateDatabaseAsync());

        public Migrator Migrator() => new(DataSource, TimeProvider.System);

        /// <summary>A migrator with its own connection pool, as another server instance would have.</summary>
        public Migrator OtherInstance()
        {
            var source = ShuqiaoDataSource.Create(ConnectionString, "shuqiao-tests-" + _extra.Count);
            _extra.Add(source);
            return new Migrator(source, TimeProvider.System);
        }

        public async Task<IReadOnlyList<AppliedMigration>> JournalAsync()
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            return (await connection.QueryAsync<AppliedMigration>(
                "select version, name, checksum, applied_at as AppliedAt from schema_migrations order by version")).ToList();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var source in _extra)
            {
                await source.DisposeAsync();
            }

            await DataSource.DisposeAsync();
        }
    }
}
