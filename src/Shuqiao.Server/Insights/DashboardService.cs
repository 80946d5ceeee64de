using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Operations.Metrics;
using Shuqiao.Storage.Insights;

namespace Shuqiao.Server.Insights;

public sealed record LevelCount(OrganizationLevel Level, long Count);

public sealed record RoleCount(string Role, long Count);

/// <summary>Admin changes in the hour starting at <see cref="Hour"/> (UTC).</summary>
public sealed record HourlyChanges(DateTimeOffset Hour, long Count);

/// <summary>The node at a glance (概览). Request figures are this server instance's, over the last minute.</summary>
public sealed record DashboardSnapshot(
    DateTimeOffset GeneratedAt,
    long Organizations,
    IReadOnlyList<LevelCount> OrganizationsByLevel,
    long ActiveUsers,
    IReadOnlyList<RoleCount> ActiveUsersByRole,
    long ApiClientsActive,
    long ApiClientsSuspended,
    long AdminChangesLast24Hours,
    IReadOnlyList<HourlyChanges> AdminChangesPerHour,
    long RequestsLastMinute,
    long ServerErrorsLastMinute,
    double? ServerErrorRate);

/// <summary>Builds the dashboard for the console page and the API from the stores and the metrics collector.</summary>
public sealed class DashboardService(DashboardStore store, RequestRate requests, TimeProvider clock)
{
    public const int Hours = 24;

    public async Task<DashboardSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var currentHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var firstHour = currentHour.AddHours(1 - Hours);
        var counts = await store.ReadAsync(firstHour, now, cancellationToken);

        var levels = Enum.GetValues<OrganizationLevel>()
            .Select(l => new LevelCount(l, counts.OrganizationsByLevel.GetValueOrDefault(l.ToString())))
            .ToList();
        var roles = Roles.All
            .Select(r => new RoleCount(r, counts.ActiveUsersByRole.GetValueOrDefault(r)))
            .ToList();
        var perHour = Enumerable.Range(0, Hours)
            .Select(i => firstHour.AddHours(i))
            .Select(h => new HourlyChanges(h, counts.AdminChangesPerHour.FirstOrDefault(c => c.Hour == h)?.Count ?? 0))
            .ToList();
        var (requestCount, errors) = requests.LastMinute();

        return new DashboardSnapshot(
            now,
            levels.Sum(l => l.Count),
            levels,
            counts.ActiveUsers,
            roles,
            counts.ApiClientsByStatus.GetValueOrDefault("Active"),
            counts.ApiClientsByStatus.GetValueOrDefault("Suspended"),
            perHour.Sum(h => h.Count),
            perHour,
            requestCount,
            errors,
            requestCount == 0 ? null : (double)errors / requestCount);
    }
}
