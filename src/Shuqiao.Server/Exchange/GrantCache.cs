using System.Collections.Concurrent;
using Npgsql;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Exchange;

/// <summary>
/// The active grant of (resource, organization, client), kept in memory (design §3) and dropped as a whole on every
/// <c>NOTIFY grants_changed</c> (<see cref="GrantListener"/>). While the listener is not connected nothing is cached:
/// a missed notification must never let a revoked grant serve. A load that raced with a change is not kept
/// (generation check), so the next request reads the grant again.
/// </summary>
public sealed class GrantCache(GrantStore store)
{
    private readonly ConcurrentDictionary<(Guid Resource, Guid Organization, Guid Client), StoredGrant?> _grants = new();
    private long _generation;
    private volatile bool _listening;

    /// <summary>Whether the listener is connected (only then are grants cached).</summary>
    public bool Listening => _listening;

    public async ValueTask<StoredGrant?> FindAsync(Guid resourceId, Guid organizationId, Guid clientId, CancellationToken cancellationToken)
    {
        var key = (resourceId, organizationId, clientId);
        if (_listening && _grants.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var grant = await store.FindForConsumerAsync(resourceId, organizationId, clientId, cancellationToken);
        if (_listening)
        {
            _grants[key] = grant;
            if (Interlocked.Read(ref _generation) != generation)
            {
                _grants.TryRemove(key, out _);
            }
        }

        return grant;
    }

    /// <summary>Drops every cached grant (a grant changed, or the listener reconnected).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _grants.Clear();
    }

    internal void SetListening(bool listening)
    {
        _listening = listening;
        Clear();
    }
}

/// <summary>Keeps a connection LISTENing on <c>grants_changed</c>; on connection loss it stops caching, clears and reconnects.</summary>
public sealed partial class GrantListener(NpgsqlDataSource dataSource, GrantCache cache, ILogger<GrantListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => cache.Clear();
                await using (var listen = new NpgsqlCommand("listen grants_changed", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                cache.SetListening(true);
                try
                {
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken);
                    }
                }
                finally
                {
                    cache.SetListening(false);
                    if (connection.State == System.Data.ConnectionState.Open)
                    {
                        await using var unlisten = new NpgsqlCommand("unlisten *", connection);
                        await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenerLost(logger, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(9001, LogLevel.Warning, "Lost the grants_changed listener ({Error}); grants are read from the database until it reconnects.")]
    private static partial void LogListenerLost(ILogger logger, string error);
}
