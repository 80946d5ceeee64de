using Xunit;

namespace Shuqiao.Testing;

/// <summary>
/// One throwaway cluster per test process, started on first use and removed when the process has ended (see
/// <see cref="ProcessCleanup"/>), so test classes can run in parallel, each in its own database. A missing
/// PostgreSQL fails the run: tests never skip.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(StartAsync);

    public static Task<PostgresCluster> GetAsync() => Cluster.Value;

    /// <summary>A fresh, empty database in the shared cluster.</summary>
    public static async Task<string> CreateDatabaseAsync() => await (await GetAsync()).CreateDatabaseAsync();

    private static async Task<PostgresCluster> StartAsync()
    {
        // Stopped and removed by ProcessCleanup once the process is gone: an exit handler would not get the time.
        return await PostgresCluster.StartAsync();
    }
}

/// <summary>A class fixture giving a test class its own empty database, with the real migrations applied.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public Npgsql.NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        DataSource = Storage.Database.ShuqiaoDataSource.Create(ConnectionString, "shuqiao-tests");
        await new Storage.Database.Migrator(DataSource, TimeProvider.System).ApplyAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}
