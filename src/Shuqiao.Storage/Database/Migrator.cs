using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Database;

public sealed class AppliedMigration
{
    public int Version { get; init; }

    public string Name { get; init; } = "";

    public string Checksum { get; init; } = "";

    public DateTimeOffset AppliedAt { get; init; }
}

public sealed record MigrationStatus(IReadOnlyList<AppliedMigration> Applied, IReadOnlyList<Migration> Pending);

/// <summary>
/// Applies the embedded migrations in order, each in its own transaction, under an advisory lock so that
/// several server instances starting together apply each migration once.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, TimeProvider clock)
{
    // An arbitrary constant shared by every Shuqiao instance: "shuqiao" in ASCII.
    private const long AdvisoryLockKey = 0x73687571_69616f;

    private const string CreateJournal = """
        create table if not exists schema_migrations (
            version     integer primary key,
            name        text not null,
            checksum    text not null,
            applied_at  timestamptz not null
        )
        """;

    private const string SelectApplied = """
        select version, name, checksum, applied_at as AppliedAt from schema_migrations order by version
        """;

    private const string InsertApplied = """
        insert into schema_migrations (version, name, checksum, applied_at) values (@Version, @Name, @Checksum, @AppliedAt)
        """;

    public IReadOnlyList<Migration> Migrations { get; } = Migration.LoadEmbedded();

    public async Task<IReadOnlyList<Migration>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken));
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var pending = Pending(applied);
            foreach (var migration in pending)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    InsertApplied,
                    new { migration.Version, migration.Name, migration.Checksum, AppliedAt = clock.GetUtcNow() },
                    transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
            }

            return pending;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    public async Task<MigrationStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select to_regclass('schema_migrations') is not null", cancellationToken: cancellationToken));
        var applied = exists ? await ReadAppliedAsync(connection, cancellationToken) : [];
        return new MigrationStatus(applied, Pending(applied));
    }

    /// <summary>The SQL of the pending migrations, for an operator who applies them by hand.</summary>
    public static string Script(IEnumerable<Migration> migrations) =>
        string.Join("\n", migrations.Select(m => $"-- {m.Version:D4}_{m.Name}.sql\nbegin;\n{m.Sql.TrimEnd()}\ninsert into schema_migrations (version, name, checksum, applied_at) values ({m.Version}, '{m.Name}', '{m.Checksum}', now());\ncommit;\n"));

    private static async Task<List<AppliedMigration>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(SelectApplied, cancellationToken: cancellationToken))).AsList();

    private List<Migration> Pending(List<AppliedMigration> applied)
    {
        var byVersion = applied.ToDictionary(a => a.Version);
        foreach (var migration in Migrations)
        {
            // Editing an applied migration would leave databases that differ while claiming the same version.
            if (byVersion.TryGetValue(migration.Version, out var done) && done.Checksum != migration.Checksum)
            {
                throw new InvalidOperationException($"Migration {migration.Version:D4}_{migration.Name}.sql was changed after it was applied (checksum {done.Checksum} in the database). Add a new migration instead.");
            }
        }

        var newest = Migrations.Count == 0 ? 0 : Migrations[^1].Version;
        if (applied.Count > 0 && applied[^1].Version > newest)
        {
            throw new InvalidOperationException($"The database is at migration {applied[^1].Version:D4}, newer than this build knows ({newest:D4}). Run a newer Shuqiao.");
        }

        return Migrations.Where(m => !byVersion.ContainsKey(m.Version)).ToList();
    }
}
