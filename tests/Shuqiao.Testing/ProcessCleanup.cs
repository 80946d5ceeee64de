using System.Diagnostics;

namespace Shuqiao.Testing;

/// <summary>
/// Work that must happen when this test process ends, however it ends: vstest kills a test host about 100 ms after
/// the run (VSTEST_TESTHOST_SHUTDOWN_TIMEOUT), a suite timeout kills it outright, and exit handlers do not run then.
/// A detached watchdog (its own session, so neither a process-tree kill nor a Ctrl-C to the process group takes it
/// along) reads the commands registered here from a pipe whose only writer is this process; when the kernel closes
/// that pipe — this process is gone — it runs them in order. Commands must be harmless when there is nothing left
/// to do (stopping a stopped server, deleting a deleted folder).
/// </summary>
public static class ProcessCleanup
{
    // One command per line, its arguments separated by tabs; run after EOF, each allowed to fail.
    private const string WatchdogScript = """
        exec >/dev/null 2>&1
        commands=()
        while IFS= read -r line; do commands+=("$line"); done
        for line in "${commands[@]}"; do
            IFS=$'\t' read -r -a argv <<< "$line"
            "${argv[@]}" || true
        done
        """;

    private static readonly Lazy<StreamWriter> Watchdog = new(Start);
    private static readonly Lock Gate = new();

    // Kept so that nothing finalizes the pipe's write end before this process ends.
    private static Process? _setsid;

    /// <summary>Runs <paramref name="command"/> (no shell; no tabs or line breaks in arguments) when this process has ended.</summary>
    public static void AtExit(params string[] command)
    {
        if (command.Length == 0 || command.Any(a => a.Contains('\t', StringComparison.Ordinal) || a.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A clean-up command needs a program, and arguments without tabs or line breaks.", nameof(command));
        }

        lock (Gate)
        {
            Watchdog.Value.WriteLine(string.Join('\t', command));
        }
    }

    /// <summary>Deletes <paramref name="path"/> (a file or a whole folder) when this process has ended.</summary>
    public static void DeleteAtExit(string path) => AtExit("rm", "-rf", "--", path);

    private static StreamWriter Start()
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--fork", "bash", "-c", WatchdogScript, "shuqiao-test-cleanup"])
        {
            start.ArgumentList.Add(argument);
        }

        // setsid --fork exits at once; the watchdog it leaves behind holds the read end of the pipe, this process
        // the only write end, open for as long as this process lives.
        _setsid = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test clean-up watchdog (setsid, util-linux).");
        var writer = _setsid.StandardInput;
        writer.AutoFlush = true;
        return writer;
    }
}
