using System.Diagnostics;
using Npgsql;

namespace Shuqiao.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster in a temporary folder, listening only on a Unix socket inside it.
/// When the tests run as root (CI), initdb and the server run as the unprivileged <c>postgres</c> user,
/// because PostgreSQL refuses to run as root. Disposing stops the server and deletes the folder.
/// </summary>
/// <remarks>
/// A test process does not always get to dispose, and a server started by pg_ctl is a daemon that outlives its
/// starter. So stopping the server and deleting the folder are also registered with <see cref="ProcessCleanup"/>,
/// which does both as soon as the test process is gone, however it ended; and each start sweeps the folders of
/// clusters whose test process no longer exists.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string FolderPrefix = "shuqiao-pg-";
    private const string OwnerFile = "owner";

    private static readonly string[] BinDirectories = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

    private static readonly Lazy<Task> Swept = new(() => Task.Run(SweepStaleFolders));

    private readonly string _bin;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string root, string bin, bool asPostgresUser, int port)
    {
        Root = root;
        _bin = bin;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string SocketDirectory => Root;

    public int Port { get; }

    /// <summary>A connection string for a database of this cluster (the superuser is <c>shuqiao</c>, trust auth on the socket only).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = "shuqiao",
        Database = database,
        Pooling = true,
        Timeout = 5,
    }.ConnectionString;

    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = BinDirectories.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries were not found (apt-get install postgresql-15); ./test installs them.");
        await Swept.Value;
        var asPostgres = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile), ProcessIdentity.Current, cancellationToken);

        // The socket name includes the port; with no TCP listener the number only has to be unique per folder.
        var cluster = new PostgresCluster(root, bin, asPostgres, 5432);
        ProcessCleanup.AtExit(cluster.StopCommand());
        ProcessCleanup.DeleteAtExit(root);
        try
        {
            if (asPostgres)
            {
                await RunAsync("chown", ["postgres:postgres", root], cancellationToken);
            }

            await cluster.RunPostgresToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", "shuqiao", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
            await cluster.StartServerAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public Task StartServerAsync(CancellationToken cancellationToken = default) =>
        RunPostgresToolAsync("pg_ctl", [
            "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses='' -k {SocketDirectory} -p {Port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
            "start",
        ], cancellationToken);

    /// <summary>Stops the server at once (as an operator's fast shutdown or a crash would), keeping the data.</summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default) =>
        RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);

    /// <summary>Creates an empty database; each test class uses its own, so tests never see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a test stopped it); the folder still goes.
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string[] StopCommand()
    {
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        string[] stop = [pgCtl, "-D", DataDirectory, "-m", "immediate", "-w", "stop"];
        return _asPostgresUser ? ["runuser", "-u", "postgres", "--", .. stop] : stop;
    }

    /// <summary>
    /// Removes clusters left behind by test processes that no longer exist (killed before their watchdog existed, or
    /// their watchdog was killed too): stops a server still running there, then deletes the folder. Folders of older
    /// test code carry no owner file; they go once their server is down and the folder has not changed for ten
    /// minutes (a live cluster of that code always has its server running, except for the seconds of initdb).
    /// </summary>
    private static async Task SweepStaleFolders()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            try
            {
                var owner = Path.Combine(folder, OwnerFile);
                var postmaster = PostmasterOf(Path.Combine(folder, "data"));
                if (File.Exists(owner))
                {
                    if (ProcessIdentity.IsAlive(await File.ReadAllTextAsync(owner)))
                    {
                        continue;
                    }
                }
                else if (postmaster is not null || Directory.GetLastWriteTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10))
                {
                    continue;
                }

                if (postmaster is { } pid)
                {
                    // SIGQUIT is PostgreSQL's immediate shutdown (pg_ctl -m immediate): the server ends its backends too.
                    await RunAsync("kill", ["-QUIT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], CancellationToken.None);
                    for (var waited = 0; Directory.Exists($"/proc/{pid}") && waited < 100; waited++)
                    {
                        await Task.Delay(100);
                    }
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another process is cleaning it up, or it is not ours to remove; the next run tries again.
            }
        }
    }

    /// <summary>The pid of the server running in <paramref name="dataDirectory"/>, if one is.</summary>
    private static int? PostmasterOf(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(file) || !int.TryParse(File.ReadLines(file).FirstOrDefault(), out var pid))
        {
            return null;
        }

        var command = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline");
        return File.Exists(command) && File.ReadAllText(command).Contains(dataDirectory, StringComparison.Ordinal) ? pid : null;
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : RunAsync(path, arguments, cancellationToken);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

/// <summary>A process named by its pid and its start time, so that a reused pid is not mistaken for the original.</summary>
internal static class ProcessIdentity
{
    public static string Current => $"{Environment.ProcessId} {StartTicks(Environment.ProcessId)}";

    public static bool IsAlive(string identity)
    {
        var parts = identity.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTicks(pid) is { } ticks && ticks == parts[1];
    }

    // Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (the command name before it may hold spaces).
    private static string? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
