using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Sharing;

/// <summary>What a state change tells the organizations involved: a console notification and, where set, a webhook.</summary>
public sealed record SharingNotice(string Kind, IReadOnlyCollection<Guid> Organizations, Guid? RequestId, Guid? GrantId, string ResourceCode, string Status);

/// <summary>
/// Writes notifications and webhook deliveries inside the transaction of the change they report (an outbox): a change
/// that rolls back tells nobody, and one that commits is delivered even if the server stops right after.
/// Payloads carry ids, codes and statuses only — never personal data.
/// </summary>
public static class SharingOutbox
{
    private const string InsertNotification = """
        insert into notifications (id, organization_id, kind, request_id, grant_id, resource_code, status, created_at)
        values (@Id, @OrganizationId, @Kind, @RequestId, @GrantId, @ResourceCode, @Status, @Now)
        """;

    private const string InsertDelivery = """
        insert into webhook_deliveries (id, organization_id, event_type, payload, status, next_attempt_at, created_at)
        select @Id, w.organization_id, @Kind, jsonb_build_object(
                   'id', @Id, 'type', @Kind, 'occurredAt', @Now, 'organizationId', w.organization_id,
                   'requestId', @RequestId, 'grantId', @GrantId, 'resourceCode', @ResourceCode, 'status', @Status),
               'Pending', @Now, @Now
        from organization_webhooks w
        where w.organization_id = @OrganizationId and w.enabled
        """;

    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SharingNotice notice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        foreach (var organization in notice.Organizations.Distinct())
        {
            var values = new
            {
                Id = Guid.CreateVersion7(now),
                OrganizationId = organization,
                notice.Kind,
                notice.RequestId,
                notice.GrantId,
                notice.ResourceCode,
                notice.Status,
                Now = now,
            };
            await connection.ExecuteAsync(new CommandDefinition(InsertNotification, values, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(InsertDelivery, values with { Id = Guid.CreateVersion7(now) }, transaction, cancellationToken: cancellationToken));
        }
    }
}
