using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

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

    public static async Task AppendAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Actor actor,
        AdminChange change,
        DateTimeOffset time,
        CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            // The event and its ledger entry commit together, so a caller without a transaction gets one here.
            await using var own = await connection.BeginTransactionAsync(cancellationToken);
            await AppendAsync(connection, own, actor, change, time, cancellationToken);
            await own.CommitAsync(cancellationToken);
            return;
        }

        var id = Guid.CreateVersion7(time);
        var before = Serialize(change.Before);
        var after = Serialize(change.After);
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                Time = time,
                Id = id,
                ActorKind = actor.Kind.ToString(),
                ActorId = actor.Id,
                ActorName = actor.Name,
                ActorOrganizationId = actor.OrganizationId,
                change.Action,
                change.TargetType,
                change.TargetId,
                change.TargetName,
                Before = before,
                After = after,
                actor.RequestId,
                SourceIp = IPAddress.TryParse(actor.SourceIp, out var ip) ? ip.ToString() : null,
            },
            transaction,
            cancellationToken: cancellationToken));

        // 可验证账本 (docs/ledger.md): the change as a ledger entry in the same transaction — ids, action and snapshot
        // hashes only, never the actor's or target's name.
        var entry = LedgerEntryFormat.AdminChange(id, time, actor.Kind, actor.Id, change.Action, change.TargetType, change.TargetId, before, after);
        await LedgerAppender.AppendInTransactionAsync(connection, transaction, [new LedgerItem(entry, id)], time, cancellationToken);
    }

    private static string? Serialize(object? snapshot) =>
        snapshot is null ? null : JsonSerializer.Serialize(snapshot, snapshot.GetType(), SnapshotJson);
}
