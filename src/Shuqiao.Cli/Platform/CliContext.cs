namespace Shuqiao.Cli;

/// <summary>
/// Everything a command touches outside itself: the terminal, the environment, the configuration folder and the
/// HTTP handler. The real console in production; strings, a dictionary and the test server's handler in tests.
/// </summary>
internal sealed class CliContext
{
    public required TextReader In { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>True when standard input is a terminal, so a password can be asked for without echo.</summary>
    public bool InputIsTerminal { get; init; }

    public required Func<string, string?> Environment { get; init; }

    /// <summary>Where <c>shuqiao login</c> keeps credentials.json (~/.config/shuqiao by default).</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>The handler under every API call (no redirects: a login page is not an API answer); tests pass the in-memory server's.</summary>
    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };

    /// <summary>Reads a secret typed at the terminal without echoing it; null when input ended.</summary>
    public Func<string, string?> ReadSecret { get; init; } = ConsoleSecret.Read;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static CliContext FromConsole()
    {
        var home = System.Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config");
        return new CliContext
        {
            In = Console.In,
            Out = Console.Out,
            Error = Console.Error,
            InputIsTerminal = !Console.IsInputRedirected,
            Environment = System.Environment.GetEnvironmentVariable,
            ConfigDirectory = Path.Combine(home, "shuqiao"),
        };
    }

    public string? Env(string name) => Environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>Writes "error: …" to standard error and returns the exit code, so handlers can <c>return cli.Fail(…)</c>.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"error: {message}");
        return exitCode;
    }
}

/// <summary>Exit codes of every command (docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Refused or failed: invalid input, a weak password, the server said no, not healthy.</summary>
    public const int Failed = 1;

    /// <summary>Wrong usage or missing configuration (no connection string, server or credential).</summary>
    public const int Usage = 2;

    /// <summary>The database or the server could not be reached.</summary>
    public const int Unavailable = 3;

    /// <summary>What was to be created already exists (a login, an organization code, a client name).</summary>
    public const int Conflict = 4;
}
