using System.CommandLine;
using Shuqiao.Storage.Database;

namespace Shuqiao.Cli.Database;

/// <summary>
/// <c>shuqiao db script</c>: the SQL of the pending migrations, for a DBA who applies changes by hand. Each
/// migration is wrapped in its own transaction and journaled in schema_migrations, as the migrator would.
/// </summary>
internal static class DbScriptCommand
{
    // The migrator creates its journal itself; a script applied by hand needs it too (same columns as Migrator's).
    private const string CreateJournal = """
        create table if not exists schema_migrations (
            version integer primary key, name text not null, checksum text not null, applied_at timestamptz not null);
        """;

    public static Command Create(CliContext cli)
    {
        var database = DatabaseTarget.Option();
        var all = new Option<bool>("--all") { Description = "Every migration, for an empty database (no connection needed)" };
        var command = new Command("script", "Print the SQL of the pending migrations") { database, all };
        command.SetAction((parse, ct) => RunAsync(cli, parse, database, parse.GetValue(all), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, Option<string> database, bool all, CancellationToken cancellationToken)
    {
        if (all)
        {
            cli.Out.WriteLine(CreateJournal);
            cli.Out.Write(Migrator.Script(Migration.LoadEmbedded()));
            return ExitCodes.Ok;
        }

        await using var dataSource = DatabaseTarget.Open(parse, database, cli);
        if (dataSource is null)
        {
            return ExitCodes.Usage;
        }

        return await DatabaseTarget.RunAsync(cli, async () =>
        {
            var status = await new Migrator(dataSource, cli.Clock).StatusAsync(cancellationToken);
            if (status.Pending.Count == 0)
            {
                cli.Error.WriteLine("-- no pending migrations");
                return ExitCodes.Ok;
            }

            cli.Out.WriteLine(CreateJournal);
            cli.Out.Write(Migrator.Script(status.Pending));
            return ExitCodes.Ok;
        });
    }
}
