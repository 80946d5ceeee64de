using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity;

/// <summary>
/// Keeps API-key, token and user lookups off the database on the request path (design §3: "authenticate client
/// (cached)"). Entries live <see cref="SecurityOptions.CredentialCacheSeconds"/>; a change made on this node
/// invalidates its entries at once, so a rotated, suspended or deleted credential fails on the very next request.
/// Other instances of the node see the change when their entries expire. Unknown ids are cached briefly too, so that
/// a flood of made-up keys does not become a flood of queries.
/// </summary>
public sealed class CredentialCache(
    IMemoryCache cache,
    IOptions<SecurityOptions> security,
    ApiClientStore clients,
    AccessTokenStore tokens,
    UserStore users,
    TimeProvider clock)
{
    private static readonly TimeSpan MaxNegativeLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _organizations = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastTouched = new();

    // Bumped by every invalidation. A lookup that raced with one does not keep its (possibly stale) result.
    private long _generation;

    public Task<ApiClientCredential?> FindClientAsync(string keyId, CancellationToken cancellationToken) =>
        GetAsync($"apikey:{keyId}", () => clients.FindForAuthenticationAsync(keyId, cancellationToken), c => c.Client.OrganizationId);

    public Task<AccessTokenCredential?> FindTokenAsync(string tokenId, CancellationToken cancellationToken) =>
        GetAsync<AccessTokenCredential>($"token:{tokenId}", () => tokens.FindByTokenIdAsync(tokenId, cancellationToken), _ => null);

    public Task<User?> FindUserAsync(Guid userId, CancellationToken cancellationToken) =>
        GetAsync($"user:{userId}", () => users.FindAsync(userId, cancellationToken), u => u.OrganizationId);

    public void InvalidateClient(string keyId) => Invalidate($"apikey:{keyId}");

    public void InvalidateToken(string tokenId) => Invalidate($"token:{tokenId}");

    public void InvalidateUser(Guid userId) => Invalidate($"user:{userId}");

    /// <summary>Drops every cached client and user of an organization (for whoever disables or re-enables one).</summary>
    public void InvalidateOrganization(Guid organizationId)
    {
        Interlocked.Increment(ref _generation);
        // Not disposed: a lookup may still be reading its token; an undisposed source without timers holds nothing.
        if (_organizations.TryRemove(organizationId, out var source))
        {
            source.Cancel();
        }
    }

    /// <summary>True at most once a minute per credential on this node: when "last used" is worth writing.</summary>
    public bool ShouldRecordUse(Guid credentialId)
    {
        var now = clock.GetUtcNow();
        while (true)
        {
            if (!_lastTouched.TryGetValue(credentialId, out var last))
            {
                if (_lastTouched.TryAdd(credentialId, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < TouchInterval)
            {
                return false;
            }

            if (_lastTouched.TryUpdate(credentialId, now, last))
            {
                return true;
            }
        }
    }

    private void Invalidate(string key)
    {
        // Increment before removing: a lookup that read the database before the change sees the new generation
        // (or has its entry removed after it), so it never leaves the old state behind.
        Interlocked.Increment(ref _generation);
        cache.Remove(key);
    }

    private async Task<T?> GetAsync<T>(string key, Func<Task<T?>> load, Func<T, Guid?> organizationOf)
        where T : class
    {
        if (cache.TryGetValue(key, out T? cached))
        {
            return cached;
        }

        var generation = Volatile.Read(ref _generation);
        var value = await load();
        var lifetime = TimeSpan.FromSeconds(security.Value.CredentialCacheSeconds);
        if (lifetime <= TimeSpan.Zero || Volatile.Read(ref _generation) != generation)
        {
            return value;
        }

        var options = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = value is null ? Min(lifetime, MaxNegativeLifetime) : lifetime };
        if (value is not null && organizationOf(value) is { } organizationId)
        {
            options.AddExpirationToken(new CancellationChangeToken(OrganizationSource(organizationId).Token));
        }

        cache.Set(key, value, options);
        if (Volatile.Read(ref _generation) != generation)
        {
            cache.Remove(key);
        }

        return value;
    }

    private CancellationTokenSource OrganizationSource(Guid organizationId) =>
        _organizations.GetOrAdd(organizationId, _ => new CancellationTokenSource());

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
