using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;

namespace Shuqiao.Storage.Audit;

/// <summary>Filters for searching admin audit events; every field is optional.</summary>
public sealed record AdminAuditQuery(
    string? Action = null,
    string? TargetType = null,
    string? TargetId = null,
    Guid? ActorId = null,
    string? ActorName = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    AdminAuditCursor? After = null,
    int Limit = 50);

/// <summary>Position after the last event of a page; events are listed newest first.</summary>
public sealed record AdminAuditCursor(DateTimeOffset Time, Guid Id);

public sealed class AdminAuditStore(NpgsqlDataSource dataSource)
{
    // Every filter is "parameter is null or matches", so one plan serves all combinations; the indexes on
    // (action|target|actor, time desc) serve the selective ones.
    private const string Search = """
        select time, id, actor_kind, actor_id, actor_name, actor_organization_id, action,
               target_type, target_id, target_name, before::text as before, after::text as after,
               request_id, host(source_ip) as source_ip
        from admin_audit_events
        where (@Action::text is null or action = @Action)
          and (@TargetType::text is null or target_type = @TargetType)
          and (@TargetId::text is null or target_id = @TargetId)
          and (@ActorId::uuid is null or actor_id = @ActorId)
          and (@ActorName::text is null or actor_name ilike '%' || @ActorName || '%')
          and (@From::timestamptz is null or time >= @From)
          and (@To::timestamptz is null or time < @To)
          and (@AfterTime::timestamptz is null or (time, id) < (@AfterTime, @AfterId))
        order by time desc, id desc
        limit @Limit
        """;

    public async Task<IReadOnlyList<AdminAuditEvent>> SearchAsync(AdminAuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Search,
            new
            {
                query.Action,
                query.TargetType,
                query.TargetId,
                query.ActorId,
                query.ActorName,
                query.From,
                query.To,
                AfterTime = query.After?.Time,
                AfterId = query.After?.Id,
                Limit = Math.Clamp(query.Limit, 1, 1000), // callers fetch one row beyond their page size
            },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    /// <summary>Records an admin action that changes no other row (e.g. an export of this log) on its own.</summary>
    public async Task AppendAsync(Actor actor, AdminChange change, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, null, actor, change, time, cancellationToken);
    }

    private sealed class Row
    {
        public DateTimeOffset Time { get; init; }
        public Guid Id { get; init; }
        public string ActorKind { get; init; } = "";
        public Guid? ActorId { get; init; }
        public string ActorName { get; init; } = "";
        public Guid? ActorOrganizationId { get; init; }
        public string Action { get; init; } = "";
        public string TargetType { get; init; } = "";
        public string TargetId { get; init; } = "";
        public string? TargetName { get; init; }
        public string? Before { get; init; }
        public string? After { get; init; }
        public string? RequestId { get; init; }
        public string? SourceIp { get; init; }

        public AdminAuditEvent ToEvent() => new(
            Id, Time, Enum.Parse<ActorKind>(ActorKind), ActorId, ActorName, ActorOrganizationId, Action,
            TargetType, TargetId, TargetName, Before, After, RequestId, SourceIp);
    }
}
