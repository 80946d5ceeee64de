using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Storage.Database;

namespace Shuqiao.Server.Platform;

/// <summary>
/// Before the server takes requests: waits for PostgreSQL (it may still be starting), applies pending migrations,
/// then runs the start-up tasks (e.g. the demo data set) in registration order.
/// </summary>
public sealed partial class DatabaseStartup(
    Migrator migrator,
    IOptions<DatabaseOptions> options,
    IEnumerable<IStartupTask> tasks,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.Value.StartupWaitSeconds);
        while (true)
        {
            try
            {
                var applied = await migrator.ApplyAsync(cancellationToken);
                LogMigrated(logger, applied.Count, migrator.Migrations.Count == 0 ? 0 : migrator.Migrations[^1].Version);
                break;
            }
            catch (NpgsqlException e) when (e.IsTransient && DateTime.UtcNow < deadline)
            {
                LogWaiting(logger, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        foreach (var task in tasks)
        {
            await task.RunAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1001, LogLevel.Information, "Database schema is at migration {Version:D4}; applied {Count} now")]
    private static partial void LogMigrated(ILogger logger, int count, int version);

    [LoggerMessage(1002, LogLevel.Warning, "Waiting for PostgreSQL ({Error})")]
    private static partial void LogWaiting(ILogger logger, string error);
}

/// <summary>Work that must finish after migrations and before the first request (e.g. loading demo data).</summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken cancellationToken);
}
