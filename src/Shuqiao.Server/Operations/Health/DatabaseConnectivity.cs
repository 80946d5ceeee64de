using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Shuqiao.Server.Operations.Health;

/// <summary>
/// Notices when PostgreSQL goes away and makes sure the node recovers on its own when it comes back.
/// </summary>
/// <remarks>
/// Npgsql does not validate a pooled connection when it hands it out, and a PostgreSQL restart does not empty the
/// pool (npgsql/npgsql#5073): every idle connection of the pool is dead and fails on its next use, so without help
/// the first N requests after a restart each fail once. On the first sign of a lost server (a socket error, or
/// SQLSTATE 57P01/57P02/57P03/08xxx) we clear the data source's pool: idle connections are dropped at once, busy
/// ones when they are returned, and the next open makes a fresh connection. Both the readiness probe and failed
/// requests report here, so recovery does not depend on a probe running. Retrying is left to callers: only
/// idempotent reads could be retried, and a request whose connection broke answers 503 with Retry-After instead.
/// </remarks>
public sealed class DatabaseConnectivity(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<DatabaseConnectivity> logger)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _lostAt;

    public bool IsDown
    {
        get
        {
            lock (_gate)
            {
                return _lostAt is not null;
            }
        }
    }

    /// <summary>True when the exception says the server (or the network to it) is gone, not that a query was wrong.</summary>
    public static bool IsConnectionLoss(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case IOException or SocketException:
                    return true;
                case TimeoutException or OperationCanceledException:
                    // A slow query is not a lost server; clearing the pool under load would only add reconnects.
                    return false;
            }
        }

        return false;
    }

    public void ReportFailure(Exception exception)
    {
        // Cheap and idempotent: idle connections are closed, busy ones are discarded when returned.
        dataSource.Clear();
        bool first;
        lock (_gate)
        {
            first = _lostAt is null;
            _lostAt ??= clock.GetUtcNow();
        }

        if (first)
        {
            var sqlState = exception is PostgresException pg ? ", SQLSTATE " + pg.SqlState : "";
            OperationsLog.DatabaseLost(logger, exception.GetType().Name, sqlState, exception);
        }
    }

    public void ReportSuccess()
    {
        DateTimeOffset? lostAt;
        lock (_gate)
        {
            lostAt = _lostAt;
            _lostAt = null;
        }

        if (lostAt is { } since)
        {
            OperationsLog.DatabaseRecovered(logger, (clock.GetUtcNow() - since).TotalSeconds);
        }
    }
}

/// <summary>
/// A request whose database connection broke answers 503 with Retry-After (not a 500), and clears the pool so the
/// next request gets a fresh connection.
/// </summary>
public sealed class DatabaseUnavailableHandler(DatabaseConnectivity connectivity, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseConnectivity.IsConnectionLoss(exception))
        {
            return false;
        }

        connectivity.ReportFailure(exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is temporarily unavailable; retry shortly.",
            },
        });
    }
}
