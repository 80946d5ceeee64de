using System.CommandLine;
using System.Globalization;
using Shuqiao.Storage.Database;

namespace Shuqiao.Cli.Database;

/// <summary><c>shuqiao db status</c>: the applied and pending migrations.</summary>
internal static class DbStatusCommand
{
    public static Command Create(CliContext cli)
    {
        var database = DatabaseTarget.Option();
        var check = new Option<bool>("--check") { Description = "Exit with 1 when migrations are pending (for deployment scripts)" };
        var command = new Command("status", "Show the applied and the pending migrations") { database, check };
        command.SetAction((parse, ct) => RunAsync(cli, parse, database, parse.GetValue(check), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, Option<string> database, bool check, CancellationToken cancellationToken)
    {
        await using var dataSource = DatabaseTarget.Open(parse, database, cli);
        if (dataSource is null)
        {
            return ExitCodes.Usage;
        }

        return await DatabaseTarget.RunAsync(cli, async () =>
        {
            var status = await new Migrator(dataSource, cli.Clock).StatusAsync(cancellationToken);
            var table = new TextTable("version", "name", "state", "applied at (UTC)");
            foreach (var applied in status.Applied)
            {
                table.Add(applied.Version.ToString("D4", CultureInfo.InvariantCulture), applied.Name, "applied", applied.AppliedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            foreach (var pending in status.Pending)
            {
                table.Add(pending.Version.ToString("D4", CultureInfo.InvariantCulture), pending.Name, "pending", "");
            }

            if (table.Count > 0)
            {
                table.WriteTo(cli.Out);
                cli.Out.WriteLine();
            }

            cli.Out.WriteLine(status.Pending.Count == 0
                ? "Up to date: no pending migrations."
                : $"{status.Pending.Count} pending migration(s): run 'shuqiao db apply' (or start the server, which applies them).");
            return check && status.Pending.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
    }
}
