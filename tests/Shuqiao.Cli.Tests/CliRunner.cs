namespace Shuqiao.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the real command tree in process, with the terminal, environment and HTTP handler of the test's choosing.
/// The process environment is never read, so a developer's SHUQIAO_TOKEN cannot leak into a test.
/// </summary>
public sealed class CliRunner
{
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string ConfigDirectory { get; } = Path.Combine(Shuqiao.Testing.TestTemp.NewDirectory("cli"), "config");

    public Func<HttpMessageHandler>? Handler { get; init; }

    /// <summary>When set, standard input is a terminal and each prompt takes the next of these answers.</summary>
    public Queue<string?>? TypedSecrets { get; init; }

    public async Task<CliResult> RunWithStdinAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            In = new StringReader(stdin),
            Out = output,
            Error = error,
            InputIsTerminal = TypedSecrets is not null,
            ReadSecret = _ => TypedSecrets!.Dequeue(),
            Environment = name => Environment.GetValueOrDefault(name),
            ConfigDirectory = ConfigDirectory,
            CreateHttpHandler = Handler ?? (() => new SocketsHttpHandler()),
        };
        var exitCode = await ShuqiaoCli.RunAsync(args, context);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithStdinAsync("", args);
}
