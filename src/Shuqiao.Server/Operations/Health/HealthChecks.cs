using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Storage.Database;

namespace Shuqiao.Server.Operations.Health;

/// <summary>PostgreSQL answers <c>select 1</c> within <see cref="OperationsOptions.HealthCheckTimeoutSeconds"/>.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, DatabaseConnectivity connectivity, IOptions<OperationsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.HealthCheckTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(deadline.Token);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", commandTimeout: (int)Math.Ceiling(timeout.TotalSeconds), cancellationToken: deadline.Token));
            connectivity.ReportSuccess();
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A server that accepts connections but does not answer is as unready as one that is gone.
            connectivity.ReportFailure(new TimeoutException("PostgreSQL did not answer select 1 in time."));
            return HealthCheckResult.Unhealthy($"PostgreSQL did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            connectivity.ReportFailure(e);
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable");
        }
    }
}

/// <summary>Every migration this build carries is applied (start-up applies them; a restored old backup would not have them).</summary>
public sealed class MigrationsHealthCheck(Migrator migrator, IOptions<OperationsOptions> options, ILogger<MigrationsHealthCheck> logger) : IHealthCheck
{
    private int _lastPending = -1;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.HealthCheckTimeoutSeconds));
        MigrationStatus status;
        try
        {
            status = await migrator.StatusAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The migration journal could not be read in time");
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The migration journal could not be read");
        }
        catch (InvalidOperationException)
        {
            // The migrator refuses a database newer than this build or with an edited migration.
            return HealthCheckResult.Unhealthy("The database schema does not match this build");
        }

        var pending = status.Pending.Count;
        if (pending > 0 && Interlocked.Exchange(ref _lastPending, pending) != pending)
        {
            OperationsLog.MigrationsPending(logger, pending);
        }

        return pending == 0
            ? HealthCheckResult.Healthy($"schema at migration {status.Applied[^1].Version:D4}")
            : HealthCheckResult.Unhealthy($"{pending} migration(s) pending");
    }
}

/// <summary>Reports unready as soon as shutdown begins, so a load balancer stops sending new requests while in-flight ones finish.</summary>
public sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy());
}
