using System.Diagnostics;
using Npgsql;

namespace Shuqiao.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster in a temporary folder, listening only on a Unix socket inside it.
/// When the tests run as root (CI), initdb and the server run as the unprivileged <c>postgres</c> user,
/// because PostgreSQL refuses to run as root. Disposing stops the server and deletes the folder.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly string[] BinDirectories = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

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
        var asPostgres = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "shuqiao-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres:postgres", root], cancellationToken);
        }

        // The socket name includes the port; with no TCP listener the number only has to be unique per folder.
        var cluster = new PostgresCluster(root, bin, asPostgres, 5432);
        await cluster.RunPostgresToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", "shuqiao", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
        await cluster.StartServerAsync(cancellationToken);
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
