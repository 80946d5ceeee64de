using System.CommandLine;
using Shuqiao.Storage.Database;

namespace Shuqiao.Cli.Database;

/// <summary><c>shuqiao db apply</c>: applies the pending migrations, as the server does at start-up.</summary>
internal static class DbApplyCommand
{
    public static Command Create(CliContext cli)
    {
        var database = DatabaseTarget.Option();
        var command = new Command("apply", "Apply the pending migrations (each in its own transaction, under an advisory lock)") { database };
        command.SetAction((parse, ct) => RunAsync(cli, parse, database, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, Option<string> database, CancellationToken cancellationToken)
    {
        await using var dataSource = DatabaseTarget.Open(parse, database, cli);
        if (dataSource is null)
        {
            return ExitCodes.Usage;
        }

        return await DatabaseTarget.RunAsync(cli, async () =>
        {
            var migrator = new Migrator(dataSource, cli.Clock);
            var applied = await migrator.ApplyAsync(cancellationToken);
            foreach (var migration in applied)
            {
                cli.Out.WriteLine($"applied {migration.Version:D4}_{migration.Name}");
            }

            var newest = migrator.Migrations.Count == 0 ? 0 : migrator.Migrations[^1].Version;
            cli.Out.WriteLine(applied.Count == 0
                ? $"The database is up to date (migration {newest:D4})."
                : $"Applied {applied.Count} migration(s); the database is at migration {newest:D4}.");
            return ExitCodes.Ok;
        });
    }
}
