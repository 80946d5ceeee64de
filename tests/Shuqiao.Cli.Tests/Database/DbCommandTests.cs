using Shuqiao.Storage.Database;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Database;

public sealed class DbCommandTests
{
    private readonly CliRunner _cli = new();

    [Fact]
    public async Task Db_apply_on_a_fresh_database_applies_every_migration_then_nothing_the_second_time()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        var migrations = Migration.LoadEmbedded();

        var first = await _cli.RunAsync("db", "apply", "--database", database);
        var second = await _cli.RunAsync("db", "apply", "--database", database);

        Assert.True(first.ExitCode == 0, first.ToString());
        foreach (var migration in migrations)
        {
            Assert.Contains($"applied {migration.Version:D4}_{migration.Name}", first.Out, StringComparison.Ordinal);
        }

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("applied 0001", second.Out, StringComparison.Ordinal);
        Assert.Contains("up to date", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_status_after_apply_shows_every_migration_applied_and_nothing_pending()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        await _cli.RunAsync("db", "apply", "--database", database);

        var status = await _cli.RunAsync("db", "status", "--check", "--database", database);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Up to date: no pending migrations.", status.Out, StringComparison.Ordinal);
        Assert.Matches(@"0001\s+foundation\s+applied", status.Out);
        Assert.DoesNotContain("pending  ", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_status_on_an_empty_database_lists_the_pending_migrations_and_check_fails()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();

        var status = await _cli.RunAsync("db", "status", "--database", database);
        var check = await _cli.RunAsync("db", "status", "--check", "--database", database);

        Assert.Equal(0, status.ExitCode);
        Assert.Matches(@"0001\s+foundation\s+pending", status.Out);
        Assert.Contains("run 'shuqiao db apply'", status.Out, StringComparison.Ordinal);
        Assert.Equal(1, check.ExitCode);
    }

    [Fact]
    public async Task Db_script_prints_the_sql_of_the_pending_migrations_which_applies_cleanly_by_hand()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();

        var script = await _cli.RunAsync("db", "script", "--database", database);
        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Contains("create table organizations", script.Out, StringComparison.Ordinal);

        // A DBA applies the script with psql; here the same text through one command, then the CLI agrees.
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(script.Out, connection);
            await command.ExecuteNonQueryAsync();
        }

        var status = await _cli.RunAsync("db", "status", "--check", "--database", database);
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [Fact]
    public async Task The_connection_string_can_come_from_the_servers_environment_variable()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        _cli.Environment["Shuqiao__Database__ConnectionString"] = database;

        var result = await _cli.RunAsync("db", "apply");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Db_commands_without_a_connection_string_say_how_to_give_one()
    {
        var result = await _cli.RunAsync("db", "status");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Shuqiao__Database__ConnectionString", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_commands_against_an_unreachable_database_exit_with_3()
    {
        var result = await _cli.RunAsync("db", "status", "--database", "Host=/nonexistent-shuqiao-socket;Username=shuqiao;Database=shuqiao;Timeout=2");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the database", result.Error, StringComparison.Ordinal);
    }
}
