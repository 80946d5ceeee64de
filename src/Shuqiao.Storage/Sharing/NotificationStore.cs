using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Sharing;

/// <summary>A console notification: what changed (kind, status) on which request or grant.</summary>
public sealed record Notification(Guid Id, Guid OrganizationId, string Kind, Guid? RequestId, Guid? GrantId, string? ResourceCode, string? Status, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>An organization's webhook; the secret stays protected (encrypted) here and is unprotected only to sign.</summary>
public sealed record OrganizationWebhook(Guid OrganizationId, string Url, string SecretProtected, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A delivery taken by the delivery job: the payload to send and where.</summary>
public sealed record DueDelivery(Guid Id, Guid OrganizationId, string EventType, string Payload, int Attempts, string? Url, string? SecretProtected);

/// <summary>A delivery as its log shows it.</summary>
public sealed record WebhookDelivery(Guid Id, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset NextAttemptAt);

/// <summary>Console inbox, organization webhooks and their delivery log.</summary>
public sealed class NotificationStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string SelectInbox = """
        select id, organization_id, kind, request_id, grant_id, resource_code, status, created_at, read_at
        from notifications
        where organization_id = @OrganizationId and (@After::uuid is null or id < @After) and (not @UnreadOnly or read_at is null)
        order by id desc
        limit @Limit
        """;

    private const string CountUnread = "select count(*) from notifications where organization_id = @OrganizationId and read_at is null";

    private const string MarkRead = """
        update notifications set read_at = @Now where organization_id = @OrganizationId and read_at is null and (@Id::uuid is null or id = @Id)
        """;

    private const string SelectWebhook = "select organization_id, url, secret_protected, enabled, created_at, updated_at from organization_webhooks where organization_id = @OrganizationId";

    private const string UpsertWebhook = """
        insert into organization_webhooks (organization_id, url, secret_protected, enabled, created_at, updated_at)
        values (@OrganizationId, @Url, @SecretProtected, @Enabled, @Now, @Now)
        on conflict (organization_id) do update
        set url = excluded.url, secret_protected = coalesce(@NewSecret, organization_webhooks.secret_protected), enabled = excluded.enabled, updated_at = excluded.updated_at
        """;

    // Takes due deliveries for a lease: another instance skips the locked rows, and a crashed sender's rows come due
    // again when the lease ends (at-least-once; receivers de-duplicate on the payload's id).
    private const string ClaimDue = """
        with due as (
            select id from webhook_deliveries
            where status = 'Pending' and next_attempt_at <= @Now
            order by next_attempt_at
            limit @Limit
            for update skip locked)
        update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = @LeaseUntil
        from due where d.id = due.id
        returning d.id, d.organization_id, d.event_type, d.payload::text as payload, d.attempts,
                  (select w.url from organization_webhooks w where w.organization_id = d.organization_id and w.enabled) as url,
                  (select w.secret_protected from organization_webhooks w where w.organization_id = d.organization_id and w.enabled) as secret_protected
        """;

    private const string RecordDelivered = """
        update webhook_deliveries set status = 'Delivered', last_status_code = @StatusCode, last_error = null, delivered_at = @Now where id = @Id
        """;

    private const string RecordFailure = """
        update webhook_deliveries set status = @Status, last_status_code = @StatusCode, last_error = @Error, next_attempt_at = @NextAttemptAt where id = @Id
        """;

    private const string SelectDeliveries = """
        select id, event_type, status, attempts, last_status_code, last_error, created_at, delivered_at, next_attempt_at
        from webhook_deliveries where organization_id = @OrganizationId order by id desc limit @Limit
        """;

    public async Task<IReadOnlyList<Notification>> ListAsync(Guid organizationId, bool unreadOnly, Guid? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<NotificationRow>(new CommandDefinition(
            SelectInbox, new { OrganizationId = organizationId, UnreadOnly = unreadOnly, After = after, Limit = Math.Clamp(limit, 1, 501) }, cancellationToken: cancellationToken)))
            .Select(r => new Notification(r.Id, r.OrganizationId, r.Kind, r.RequestId, r.GrantId, r.ResourceCode, r.Status, r.CreatedAt, r.ReadAt)).ToList();
    }

    public async Task<long> CountUnreadAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountUnread, new { OrganizationId = organizationId }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks one notification (or, with a null id, all) of the organization as read; returns how many changed.</summary>
    public async Task<int> MarkReadAsync(Guid organizationId, Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(MarkRead, new { OrganizationId = organizationId, Id = id, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task<OrganizationWebhook?> FindWebhookAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(SelectWebhook, new { OrganizationId = organizationId }, cancellationToken: cancellationToken)) is { } row
            ? new OrganizationWebhook(row.OrganizationId, row.Url, row.SecretProtected, row.Enabled, row.CreatedAt, row.UpdatedAt)
            : null;
    }

    /// <summary>
    /// Sets the organization's webhook; <paramref name="newSecretProtected"/> null keeps the current secret (it is required
    /// for the first set-up). Audited as <c>webhook.set</c> without the secret.
    /// </summary>
    public async Task<OrganizationWebhook> SetWebhookAsync(Guid organizationId, string url, string? newSecretProtected, bool enabled, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(SelectWebhook + " for update", new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            UpsertWebhook,
            new { OrganizationId = organizationId, Url = url, SecretProtected = newSecretProtected ?? before?.SecretProtected ?? "", NewSecret = newSecretProtected, Enabled = enabled, Now = now },
            transaction,
            cancellationToken: cancellationToken));
        var after = await connection.QuerySingleAsync<WebhookRow>(new CommandDefinition(SelectWebhook, new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(
            connection, transaction, actor,
            new AdminChange("webhook.set", "Organization", organizationId.ToString(), null,
                before is null ? null : new { url = before.Url, enabled = before.Enabled },
                new { url = after.Url, enabled = after.Enabled, secretRotated = newSecretProtected is not null }),
            now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OrganizationWebhook(after.OrganizationId, after.Url, after.SecretProtected, after.Enabled, after.CreatedAt, after.UpdatedAt);
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueRow>(new CommandDefinition(ClaimDue, new { Now = now, LeaseUntil = now + lease, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new DueDelivery(r.Id, r.OrganizationId, r.EventType, r.Payload, r.Attempts, r.Url, r.SecretProtected)).ToList();
    }

    public async Task RecordDeliveredAsync(Guid id, int statusCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordDelivered, new { Id = id, StatusCode = statusCode, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed attempt: retried at <paramref name="nextAttemptAt"/>, or given up (Failed) when that is null.</summary>
    public async Task RecordFailureAsync(Guid id, int? statusCode, string error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            RecordFailure,
            new { Id = id, Status = nextAttemptAt is null ? "Failed" : "Pending", StatusCode = statusCode, Error = error.Length > 500 ? error[..500] : error, NextAttemptAt = nextAttemptAt ?? clock.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Guid organizationId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(SelectDeliveries, new { OrganizationId = organizationId, Limit = limit }, cancellationToken: cancellationToken)))
            .Select(r => new WebhookDelivery(r.Id, r.EventType, r.Status, r.Attempts, r.LastStatusCode, r.LastError, r.CreatedAt, r.DeliveredAt, r.NextAttemptAt)).ToList();
    }

    private sealed class WebhookRow
    {
        public Guid OrganizationId { get; init; }

        public string Url { get; init; } = "";

        public string SecretProtected { get; init; } = "";

        public bool Enabled { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }
    }

    private sealed class DueRow
    {
        public Guid Id { get; init; }

        public Guid OrganizationId { get; init; }

        public string EventType { get; init; } = "";

        public string Payload { get; init; } = "";

        public int Attempts { get; init; }

        public string? Url { get; init; }

        public string? SecretProtected { get; init; }
    }

    private sealed class DeliveryRow
    {
        public Guid Id { get; init; }

        public string EventType { get; init; } = "";

        public string Status { get; init; } = "";

        public int Attempts { get; init; }

        public int? LastStatusCode { get; init; }

        public string? LastError { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? DeliveredAt { get; init; }

        public DateTimeOffset NextAttemptAt { get; init; }
    }

    private sealed class NotificationRow
    {
        public Guid Id { get; init; }

        public Guid OrganizationId { get; init; }

        public string Kind { get; init; } = "";

        public Guid? RequestId { get; init; }

        public Guid? GrantId { get; init; }

        public string? ResourceCode { get; init; }

        public string? Status { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? ReadAt { get; init; }
    }
}
