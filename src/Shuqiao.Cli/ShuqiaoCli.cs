using System.CommandLine;
using Shuqiao.Cli.Credentials;
using Shuqiao.Cli.Database;
using Shuqiao.Cli.Identity;
using Shuqiao.Cli.Ledger;
using Shuqiao.Cli.Ingestion;
using Shuqiao.Cli.Operations;
using Shuqiao.Cli.Organizations;
using Shuqiao.Cli.Quality;
using Shuqiao.Cli.Sharing;

namespace Shuqiao.Cli;

/// <summary>The command tree of <c>shuqiao</c>, by capability; docs/cli.md describes every command.</summary>
internal static class ShuqiaoCli
{
    public static RootCommand Build(CliContext cli) => new("shuqiao — command-line client of Shuqiao (数桥), the government data-sharing platform")
    {
        new Command("db", "The node's database schema (run on the server host; needs the connection string)")
        {
            DbApplyCommand.Create(cli),
            DbStatusCommand.Create(cli),
            DbScriptCommand.Create(cli),
        },
        new Command("admin", "Platform administrators, written straight into the database (first run of a node)")
        {
            AdminCreateCommand.Create(cli),
        },
        LoginCommand.Create(cli),
        HealthCommand.Create(cli),
        new Command("org", "Organizations (机构) through the server's API")
        {
            OrgImportCommand.Create(cli),
        },
        new Command("client", "API clients (应用系统) through the server's API")
        {
            ClientCreateCommand.Create(cli),
            ClientRotateCommand.Create(cli),
            ClientSuspendCommand.Create(cli),
            ClientListCommand.Create(cli),
        },
        LedgerCommands.Create(cli),
        new Command("credential", "Electronic licences (电子证照): verify a credential offline; local keys and signing for tests")
        {
            CredentialVerifyCommand.Create(cli),
            CredentialSignCommand.CreateKeygen(cli),
            CredentialSignCommand.CreateSign(cli),
            CredentialSignCommand.CreateStatusList(cli),
        },
        IngestCommand.Create(cli),
        QualityCommands.Create(cli),
        SharingCommands.CreateSharing(cli),
        SharingCommands.CreateGrants(cli),
    };

    /// <summary>Parses and runs; a command line that does not parse exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext cli, CancellationToken cancellationToken = default)
    {
        var parse = Build(cli).Parse(args);
        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = cli.Out, Error = cli.Error }, cancellationToken);
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }
}
