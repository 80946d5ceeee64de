using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Sharing;

/// <summary>The audit snapshot of a grant: its terms and status, no personal data (field names, not values).</summary>
public sealed record GrantSnapshot(
    Guid Id, Guid RequestId, string ResourceCode, Guid ConsumerOrganizationId, Guid? ConsumerClientId, IReadOnlyList<string> Fields,
    string? RowFilter, IReadOnlyDictionary<string, string> MaskingOverrides, IReadOnlyList<string> LiftedFields, string Purpose,
    DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int? DailyQuota, string Mode, bool AuthorityApproved, string Status, string? StatusReason)
{
    public static GrantSnapshot Of(StoredGrant stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var g = stored.Grant;
        return new GrantSnapshot(
            g.Id, g.RequestId, stored.ResourceCode, g.ConsumerOrganizationId, g.ConsumerClientId, g.Fields, SharingJson.WriteScope(g.RowFilter),
            g.MaskingOverrides.ToDictionary(o => o.Key, o => o.Value.ToString(), StringComparer.Ordinal), stored.LiftedFields, g.Purpose,
            g.ValidFrom, g.ValidTo, g.DailyQuota, g.Mode.ToString(), g.AuthorityApproved, g.Status.ToString(), g.StatusReason);
    }
}

/// <summary>A grant with what the store keeps beside it: the resource code and the fields whose masking it lifts.</summary>
public sealed record StoredGrant(Grant Grant, string ResourceCode, IReadOnlyList<string> LiftedFields);

/// <summary>Which grants a list shows: those of an organization (as consumer or provider), or all (the data authority).</summary>
public sealed record GrantQuery(Guid? OrganizationId, Guid? ResourceId, GrantStatus? Status, Guid? After, int Limit);

/// <summary>
/// 授权. Every change is one transaction with its admin audit event (and ledger entry), its notifications, and — by
/// the table's trigger — a <c>NOTIFY grants_changed</c> for the gateway's cache.
/// </summary>
public sealed class GrantStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = """
        id, request_id, resource_id, resource_code, provider_id, consumer_organization_id, consumer_client_id, fields,
        row_filter::text as row_filter, scope_fields::text as scope_fields, masking_overrides::text as masking_overrides,
        lifted_fields, purpose, valid_from, valid_to, daily_quota, mode, authority_approved, status, status_reason,
        created_at, updated_at, revision
        """;

    private const string SelectById = $"select {Columns} from grants where id = @Id";

    private const string SelectByRequest = $"select {Columns} from grants where request_id = @RequestId";

    private const string SelectPage = $"""
        select {Columns} from grants
        where (@OrganizationId::uuid is null or consumer_organization_id = @OrganizationId or provider_id = @OrganizationId)
          and (@ResourceId::uuid is null or resource_id = @ResourceId)
          and (@Status::text is null or status = @Status)
          and (@After::uuid is null or id < @After)
        order by id desc
        limit @Limit
        """;

    // The gateway's one indexed query (grants_consumer_idx): a grant for this very client wins over one for any
    // client of the organization; the gateway decides on validity and status itself (Grant.StatusAt).
    private const string SelectForConsumer = $"""
        select {Columns} from grants
        where resource_id = @ResourceId and consumer_organization_id = @OrganizationId
          and (consumer_client_id = @ClientId or consumer_client_id is null)
          and status in ('Active', 'Suspended')
        order by consumer_client_id is null, status = 'Suspended', valid_to desc
        limit 1
        """;

    private const string SelectExpiring = """
        select id from grants where status in ('Active', 'Suspended') and valid_to <= @Now order by valid_to limit @Limit
        """;

    private const string Insert = """
        insert into grants (id, request_id, resource_id, resource_code, provider_id, consumer_organization_id, consumer_client_id,
                            fields, row_filter, scope_fields, masking_overrides, lifted_fields, purpose, valid_from, valid_to,
                            daily_quota, mode, authority_approved, status, status_reason, created_at, updated_at, revision)
        values (@Id, @RequestId, @ResourceId, @ResourceCode, @ProviderId, @ConsumerOrganizationId, @ConsumerClientId,
                @Fields, @RowFilter::jsonb, @ScopeFields::jsonb, @MaskingOverrides::jsonb, @LiftedFields, @Purpose, @ValidFrom, @ValidTo,
                @DailyQuota, @Mode, @AuthorityApproved, @Status, @StatusReason, @CreatedAt, @UpdatedAt, @Revision)
        """;

    private const string Update = """
        update grants set valid_to = @ValidTo, status = @Status, status_reason = @StatusReason, updated_at = @UpdatedAt, revision = @Revision
        where id = @Id and revision = @Expected
        """;

    public async Task<StoredGrant?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    public async Task<StoredGrant?> FindByRequestAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByRequest, new { RequestId = requestId }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    /// <summary>The grant the gateway applies to (client, resource), or null: one query on grants_consumer_idx.</summary>
    public async Task<StoredGrant?> FindForConsumerAsync(Guid resourceId, Guid organizationId, Guid? clientId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectForConsumer, new { ResourceId = resourceId, OrganizationId = organizationId, ClientId = clientId }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    public async Task<IReadOnlyList<StoredGrant>> ListAsync(GrantQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPage,
            new { query.OrganizationId, query.ResourceId, Status = query.Status?.ToString(), query.After, Limit = Math.Clamp(query.Limit, 1, 501) },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToStored()).ToList();
    }

    /// <summary>Grants past their end still recorded as Active or Suspended (for the expiry job).</summary>
    public async Task<IReadOnlyList<Guid>> ListExpiringAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(SelectExpiring, new { Now = now, Limit = limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Saves a changed grant if nobody changed it since <paramref name="expectedRevision"/> (otherwise a Conflict, so two
    /// server instances never both record the same step), with its audit event and notifications.
    /// </summary>
    public async Task<Outcome<StoredGrant>> UpdateAsync(StoredGrant before, Grant changed, string action, Actor actor, SharingNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(changed);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            Update,
            new { changed.Id, changed.ValidTo, Status = changed.Status.ToString(), changed.StatusReason, changed.UpdatedAt, changed.Revision, Expected = before.Grant.Revision },
            transaction,
            cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return Failure.Conflict("The grant was changed meanwhile; read it again.", "revision", "is not the current revision");
        }

        var after = before with { Grant = changed };
        await AdminAuditWriter.AppendAsync(
            connection, transaction, actor, new AdminChange(action, "Grant", changed.Id.ToString(), before.ResourceCode, GrantSnapshot.Of(before), GrantSnapshot.Of(after)), now, cancellationToken);
        await SharingOutbox.AppendAsync(connection, transaction, notice, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>Inserts the grant an approval gives, inside the approval's transaction, with its own audit event.</summary>
    internal static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredGrant stored, string scopeFields, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var g = stored.Grant;
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                g.Id, g.RequestId, g.ResourceId, stored.ResourceCode, g.ProviderId, g.ConsumerOrganizationId, g.ConsumerClientId,
                Fields = g.Fields.ToArray(), RowFilter = SharingJson.WriteScope(g.RowFilter), ScopeFields = scopeFields,
                MaskingOverrides = SharingJson.WriteOverrides(g.MaskingOverrides), LiftedFields = stored.LiftedFields.ToArray(), g.Purpose,
                g.ValidFrom, g.ValidTo, g.DailyQuota, Mode = g.Mode.ToString(), g.AuthorityApproved, Status = g.Status.ToString(), g.StatusReason,
                g.CreatedAt, g.UpdatedAt, g.Revision,
            },
            transaction,
            cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(
            connection, transaction, actor, new AdminChange("grant.issue", "Grant", g.Id.ToString(), stored.ResourceCode, null, GrantSnapshot.Of(stored)), now, cancellationToken);
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public Guid RequestId { get; init; }

        public Guid ResourceId { get; init; }

        public string ResourceCode { get; init; } = "";

        public Guid ProviderId { get; init; }

        public Guid ConsumerOrganizationId { get; init; }

        public Guid? ConsumerClientId { get; init; }

        public string[] Fields { get; init; } = [];

        public string? RowFilter { get; init; }

        public string ScopeFields { get; init; } = "[]";

        public string MaskingOverrides { get; init; } = "{}";

        public string[] LiftedFields { get; init; } = [];

        public string Purpose { get; init; } = "";

        public DateTimeOffset ValidFrom { get; init; }

        public DateTimeOffset ValidTo { get; init; }

        public int? DailyQuota { get; init; }

        public string Mode { get; init; } = "";

        public bool AuthorityApproved { get; init; }

        public string Status { get; init; } = "";

        public string? StatusReason { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public int Revision { get; init; }

        public StoredGrant ToStored() => new(
            new Grant(
                Id, RequestId, ResourceId, ProviderId, ConsumerOrganizationId, ConsumerClientId, Fields,
                SharingJson.ReadScope(RowFilter, SharingJson.ReadScopeFields(ScopeFields)), SharingJson.ReadOverrides(MaskingOverrides), Purpose,
                ValidFrom, ValidTo, DailyQuota, Enum.Parse<GrantMode>(Mode), AuthorityApproved, Enum.Parse<GrantStatus>(Status), StatusReason,
                CreatedAt, UpdatedAt, Revision),
            ResourceCode,
            LiftedFields);
    }
}
