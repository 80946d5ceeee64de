using System.CommandLine;
using Shuqiao.Core.Identity;

namespace Shuqiao.Cli.Identity;

/// <summary>
/// <c>shuqiao login --server URL</c>: saves a personal access token (created in the console under
/// 个人访问令牌, or with POST /api/v1/tokens) for later commands. The token is read from standard input, never
/// from the command line, checked against the server, then saved in credentials.json (0600).
/// </summary>
internal static class LoginCommand
{
    public static Command Create(CliContext cli)
    {
        var server = new Option<string>("--server", "-s") { Description = "Server base URL, e.g. https://shuqiao.example.gov.cn", Required = true, HelpName = "url" };
        var command = new Command("login", "Save a personal access token for a server (read from standard input, or typed without echo)") { server };
        command.SetAction((parse, ct) => RunAsync(cli, parse.GetRequiredValue(server), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string serverText, CancellationToken cancellationToken)
    {
        if (ShuqiaoHttp.NormalizeServer(serverText) is not { } server)
        {
            return cli.Fail(ExitCodes.Usage, $"'{serverText}' is not an http:// or https:// URL");
        }

        var token = (cli.InputIsTerminal ? cli.ReadSecret("Personal access token: ") : cli.In.ReadLine())?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            return cli.Fail(ExitCodes.Usage, "no token was given on standard input");
        }

        if (!SecretCredential.TryParse(token, out _))
        {
            return cli.Fail(ExitCodes.Usage, "that is not a personal access token (expected <id>.<secret>)");
        }

        // Checked before saving, so a mistyped token never replaces a working one.
        using var http = ShuqiaoHttp.WithToken(cli, server, token);
        var me = await http.GetAsync("api/v1/users/me", cancellationToken);
        if (me is null)
        {
            return ExitCodes.Unavailable;
        }

        if (!me.IsSuccess)
        {
            return http.Refused(me);
        }

        var store = new CredentialStore(cli.ConfigDirectory);
        store.Save(ShuqiaoHttp.Key(server), token, cli.Clock.GetUtcNow());
        cli.Out.WriteLine($"Logged in to {ShuqiaoHttp.Key(server)} as {me.Json?.String("login") ?? "?"}; the token is saved in {store.FilePath}.");
        return ExitCodes.Ok;
    }
}
