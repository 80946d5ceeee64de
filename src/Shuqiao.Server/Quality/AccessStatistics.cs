using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>
/// Where 可访问性 comes from: the exchange gateway's calls to a resource in a window (calls, failed calls). The
/// Exchange capability registers its own implementation; until then <see cref="NoExchangeStatistics"/> answers null
/// and accessibility is "not measured".
/// </summary>
public interface IAccessStatistics
{
    /// <summary>Calls of the exchange API on the resource in [since, until) and how many failed (server errors, timeouts); null when unknown.</summary>
    Task<CheckCounts?> CallsAsync(Guid resourceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>No exchange gateway yet: nothing to measure.</summary>
public sealed class NoExchangeStatistics : IAccessStatistics
{
    public Task<CheckCounts?> CallsAsync(Guid resourceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) => Task.FromResult<CheckCounts?>(null);
}
