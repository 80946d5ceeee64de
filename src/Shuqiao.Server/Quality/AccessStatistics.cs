using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>
/// Where 可访问性 comes from: the exchange gateway's calls to a resource in a window (calls, failed calls), implemented by
/// the Exchange capability from its access events.
/// </summary>
public interface IAccessStatistics
{
    /// <summary>Calls of the exchange API on the resource in [since, until) and how many failed (server errors, timeouts); null when unknown (no calls: not measured).</summary>
    Task<CheckCounts?> CallsAsync(Guid resourceId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
