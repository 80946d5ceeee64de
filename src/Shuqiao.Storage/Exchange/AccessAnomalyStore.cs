using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Exchange;

/// <summary>Thresholds of the anomaly flags (configured in Shuqiao:Exchange, docs/audit.md).</summary>
public sealed record AnomalyThresholds(double VolumeSpikeFactor, long VolumeSpikeMinRows, long OffHoursBulkRows, long RepeatedDenials);

/// <summary>One anomaly flag as the console shows it.</summary>
public sealed class AccessAnomalyRow
{
    public string Kind { get; init; } = "";
    public Guid ClientId { get; init; }
    public string? ClientName { get; init; }
    public Guid OrganizationId { get; init; }
    public string? OrganizationName { get; init; }
    public DateTime Day { get; init; }
    public long Observed { get; init; }
    public long Threshold { get; init; }
    public DateTimeOffset DetectedAt { get; init; }
}

/// <summary>
/// 异常访问: flags computed from access_events for one Asia/Shanghai day — a client reading far more rows than its
/// daily average of the previous 14 days (VolumeSpike), reading in bulk between 22:00 and 06:00 (OffHoursBulk), or
/// being refused repeatedly (RepeatedDenials). Re-running updates the day's flags (idempotent, safe on several instances).
/// </summary>
public sealed class AccessAnomalyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Detect = """
        with day_events as (
            select client_id, organization_id, rows_returned, outcome, (time at time zone 'Asia/Shanghai') as local
            from access_events
            where time >= (@Day::date::timestamp at time zone 'Asia/Shanghai') and time < ((@Day::date + 1)::timestamp at time zone 'Asia/Shanghai')
        ),
        history as (
            select client_id, sum(rows_returned)::numeric / 14 as daily
            from access_events
            where time >= ((@Day::date - 14)::timestamp at time zone 'Asia/Shanghai') and time < (@Day::date::timestamp at time zone 'Asia/Shanghai')
              and outcome = 'Allowed'
            group by client_id
        ),
        flags as (
            select 'VolumeSpike' as kind, d.client_id, min(d.organization_id::text)::uuid as organization_id, sum(d.rows_returned) as observed,
                   greatest(@MinRows, ceil(coalesce(max(h.daily), 0) * @Factor))::bigint as threshold
            from day_events d left join history h on h.client_id = d.client_id
            where d.outcome = 'Allowed'
            group by d.client_id
            having sum(d.rows_returned) >= greatest(@MinRows, ceil(coalesce(max(h.daily), 0) * @Factor))
            union all
            select 'OffHoursBulk', client_id, min(organization_id::text)::uuid, sum(rows_returned), @OffHours
            from day_events
            where outcome = 'Allowed' and (extract(hour from local) >= 22 or extract(hour from local) < 6)
            group by client_id
            having sum(rows_returned) >= @OffHours
            union all
            select 'RepeatedDenials', client_id, min(organization_id::text)::uuid, count(*), @Denials
            from day_events
            where outcome = 'Denied'
            group by client_id
            having count(*) >= @Denials
        )
        insert into access_anomalies (id, kind, client_id, organization_id, day, observed, threshold, detected_at)
        select gen_random_uuid(), kind, client_id, organization_id, @Day::date, observed, threshold, @Now from flags
        on conflict (kind, client_id, day) do update set observed = excluded.observed, threshold = excluded.threshold, detected_at = excluded.detected_at
        """;

    private const string SelectRecent = """
        select a.kind, a.client_id, c.name as client_name, a.organization_id, o.name as organization_name, a.day, a.observed, a.threshold, a.detected_at
        from access_anomalies a
        left join api_clients c on c.id = a.client_id
        left join organizations o on o.id = a.organization_id
        where a.day >= @Since
        order by a.day desc, a.kind, a.observed desc
        limit 500
        """;

    /// <summary>Computes the flags of <paramref name="day"/>; returns how many flags that day has.</summary>
    public async Task<int> DetectAsync(DateOnly day, AnomalyThresholds thresholds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Detect, new
        {
            Day = day.ToDateTime(TimeOnly.MinValue),
            Factor = (decimal)thresholds.VolumeSpikeFactor,
            MinRows = thresholds.VolumeSpikeMinRows,
            OffHours = thresholds.OffHoursBulkRows,
            Denials = thresholds.RepeatedDenials,
            Now = clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AccessAnomalyRow>> RecentAsync(DateOnly since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AccessAnomalyRow>(new CommandDefinition(SelectRecent, new { Since = since.ToDateTime(TimeOnly.MinValue) }, cancellationToken: cancellationToken))).ToList();
    }
}
