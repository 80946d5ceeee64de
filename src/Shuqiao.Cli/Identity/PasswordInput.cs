namespace Shuqiao.Cli.Identity;

/// <summary>
/// A password comes from standard input (<c>--password-stdin</c>, for scripts) or is typed twice at the terminal
/// without echo. Never from the command line, where it would end up in the shell history and the process list.
/// </summary>
internal static class PasswordInput
{
    public static (string? Password, int ExitCode) Read(CliContext cli, bool fromStdin, string login)
    {
        if (fromStdin)
        {
            var line = cli.In.ReadLine();
            return line is null
                ? (null, cli.Fail(ExitCodes.Usage, "--password-stdin: standard input ended before a password line"))
                : (line.TrimEnd('\r', '\n'), ExitCodes.Ok);
        }

        if (!cli.InputIsTerminal)
        {
            return (null, cli.Fail(ExitCodes.Usage, "standard input is not a terminal, so the password cannot be asked for: pipe it in with --password-stdin"));
        }

        var first = cli.ReadSecret($"Password for {login}: ");
        var second = first is null ? null : cli.ReadSecret("Repeat the password: ");
        if (first is null || second is null)
        {
            return (null, cli.Fail(ExitCodes.Usage, "no password was entered"));
        }

        return first == second ? (first, ExitCodes.Ok) : (null, cli.Fail(ExitCodes.Failed, "the two passwords differ; nothing was created"));
    }
}
