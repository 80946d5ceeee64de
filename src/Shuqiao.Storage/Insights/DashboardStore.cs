using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Insights;

/// <summary>Node-wide counts for the console dashboard (概览), read in one round trip.</summary>
public sealed record DashboardCounts(
    IReadOnlyDictionary<string, long> OrganizationsByLevel,
    long ActiveUsers,
    IReadOnlyDictionary<string, long> ActiveUsersByRole,
    IReadOnlyDictionary<string, long> ApiClientsByStatus,
    IReadOnlyList<HourCount> AdminChangesPerHour);

/// <summary>Admin changes in the hour starting at <see cref="Hour"/> (UTC).</summary>
public sealed record HourCount(DateTimeOffset Hour, long Count);

public sealed class DashboardStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Sign-ins and exports are recorded in the admin audit log but change nothing, so they are not "changes".
    /// </summary>
    public static readonly string[] NonChangeActions = ["user.login", "user.login-failed", "audit.export", "audit.access-export", "audit.subject-lookup"];

    // Disabled organizations and users, and deleted clients, are history, not the node's current shape.
    private const string CountAll = """
        select level as key, count(*) as count from organizations where status = 'Active' group by level;

        select count(*) from users where status = 'Active';

        select role as key, count(*) as count from users, unnest(roles) as role where status = 'Active' group by role;

        select status as key, count(*) as count from api_clients where status <> 'Deleted' group by status;

        select date_trunc('hour', time) as hour, count(*) as count
        from admin_audit_events
        where time >= @From and time < @To and action <> all(@NonChangeActions)
        group by 1;
        """;

    /// <summary>Counts now, with admin changes per hour for the hours starting at or after <paramref name="from"/>.</summary>
    public async Task<DashboardCounts> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            CountAll, new { From = from, To = to, NonChangeActions }, cancellationToken: cancellationToken));
        var levels = await results.ReadAsync<KeyCount>();
        var users = await results.ReadSingleAsync<long>();
        var roles = await results.ReadAsync<KeyCount>();
        var clients = await results.ReadAsync<KeyCount>();
        var hours = await results.ReadAsync<HourRow>();
        return new DashboardCounts(
            levels.ToDictionary(r => r.Key, r => r.Count),
            users,
            roles.ToDictionary(r => r.Key, r => r.Count),
            clients.ToDictionary(r => r.Key, r => r.Count),
            hours.Select(h => new HourCount(h.Hour, h.Count)).OrderBy(h => h.Hour).ToList());
    }

    private sealed class KeyCount
    {
        public string Key { get; init; } = "";
        public long Count { get; init; }
    }

    private sealed class HourRow
    {
        public DateTimeOffset Hour { get; init; }
        public long Count { get; init; }
    }
}
