using System.CommandLine;
using Npgsql;
using Shuqiao.Storage.Database;

namespace Shuqiao.Cli.Database;

/// <summary>
/// The node's database, for the commands an operator runs on the server host: <c>--database</c> or the same
/// variable the server reads (Shuqiao__Database__ConnectionString).
/// </summary>
internal static class DatabaseTarget
{
    public const string Variable = "Shuqiao__Database__ConnectionString";

    public static Option<string> Option() => new("--database", "-d")
    {
        Description = $"Npgsql connection string of the node's database (default: ${Variable}); prefer the variable, which stays out of the shell history",
        HelpName = "connection-string",
    };

    /// <summary>The data source, or null after printing why there is none.</summary>
    public static NpgsqlDataSource? Open(ParseResult parse, Option<string> option, CliContext cli)
    {
        var connectionString = parse.GetValue(option) is { Length: > 0 } given ? given : cli.Env(Variable);
        if (connectionString is null)
        {
            cli.Fail(ExitCodes.Usage, $"no database: pass --database \"Host=…;Username=…;Database=…\" or set {Variable}");
            return null;
        }

        try
        {
            return ShuqiaoDataSource.Create(connectionString, "shuqiao-cli");
        }
        catch (ArgumentException e)
        {
            // Npgsql names the bad keyword; the connection string itself (maybe with a password) is not echoed.
            cli.Fail(ExitCodes.Usage, $"the connection string is not valid: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs a database action and turns PostgreSQL's refusals into messages and exit codes.</summary>
    public static async Task<int> RunAsync(CliContext cli, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (PostgresException e)
        {
            return cli.Fail(ExitCodes.Failed, $"PostgreSQL refused: {e.MessageText} (SQLSTATE {e.SqlState})");
        }
        catch (NpgsqlException e)
        {
            return cli.Fail(ExitCodes.Unavailable, $"cannot reach the database: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.Source?.StartsWith("Shuqiao", StringComparison.Ordinal) == true)
        {
            // The migrator's own refusals (an edited migration, a database newer than this build).
            return cli.Fail(ExitCodes.Failed, e.Message);
        }
    }
}
