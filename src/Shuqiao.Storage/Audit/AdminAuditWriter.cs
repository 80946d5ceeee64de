using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;

namespace Shuqiao.Storage.Audit;

/// <summary>
/// Writes admin audit events inside the caller's transaction, so a change and its audit record commit together
/// or not at all.
/// </summary>
public static class AdminAuditWriter
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    private const string Insert = """
        insert into admin_audit_events
            (time, id, actor_kind, actor_id, actor_name, actor_organization_id, action,
             target_type, target_id, target_name, before, after, request_id, source_ip)
        values
            (@Time, @Id, @ActorKind, @ActorId, @ActorName, @ActorOrganizationId, @Action,
             @TargetType, @TargetId, @TargetName, @Before::jsonb, @After::jsonb, @RequestId, @SourceIp::inet)
        """;

    public static Task AppendAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Actor actor,
        AdminChange change,
        DateTimeOffset time,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                Time = time,
                Id = Guid.CreateVersion7(time),
                ActorKind = actor.Kind.ToString(),
                ActorId = actor.Id,
                ActorName = actor.Name,
                ActorOrganizationId = actor.OrganizationId,
                change.Action,
                change.TargetType,
                change.TargetId,
                change.TargetName,
                Before = Serialize(change.Before),
                After = Serialize(change.After),
                actor.RequestId,
                SourceIp = IPAddress.TryParse(actor.SourceIp, out var ip) ? ip.ToString() : null,
            },
            transaction,
            cancellationToken: cancellationToken));

    private static string? Serialize(object? snapshot) =>
        snapshot is null ? null : JsonSerializer.Serialize(snapshot, snapshot.GetType(), SnapshotJson);
}
