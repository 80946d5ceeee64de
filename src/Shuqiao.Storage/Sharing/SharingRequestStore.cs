using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Sharing;

/// <summary>A masking lift (解除/放宽脱敏) the approver confirmed for one field: its own audited fact.</summary>
public sealed record MaskingLift(string Field, string Rule, string Baseline);

/// <summary>
/// One step of a request as stored: the audit action (<c>sharing.request.approve</c>), the history's action name, the
/// reviewer's capacity, the reason or comment, the masking lifts it confirmed, and whom it tells.
/// </summary>
public sealed record RequestStep(
    string AuditAction,
    string EventAction,
    ReviewerCapacity? Capacity,
    string? Reason,
    IReadOnlyList<MaskingLift> Lifts,
    SharingNotice Notice);

/// <summary>One entry of a request's history.</summary>
public sealed record RequestEvent(
    int Seq, DateTimeOffset At, string Action, string ActorKind, Guid? ActorId, string ActorName, Guid? ActorOrganizationId,
    string? Capacity, string? FromStatus, string ToStatus, string? Reason);

/// <summary>A request as saved, and the grant its approval gave (when this step approved it).</summary>
public sealed record SavedRequest(SharingRequest Request, StoredGrant? Grant);

/// <summary>
/// Which requests a list shows. <see cref="OrganizationId"/> null: all (the data authority); otherwise those the
/// organization asked for (<see cref="Outgoing"/>), provides (<see cref="Incoming"/>), or both when neither is set.
/// </summary>
public sealed record RequestQuery(Guid? OrganizationId, bool Outgoing, bool Incoming, IReadOnlyList<SharingRequestStatus>? Statuses, Guid? After, int Limit);

/// <summary>The audit snapshot of a request: terms, status and review, never personal data (no record values).</summary>
public sealed record RequestSnapshot(
    Guid Id, string ResourceCode, Guid ProviderId, Guid RequesterOrganizationId, Guid? RequesterClientId, string Status,
    IReadOnlyList<string> RequestedFields, string? RequestedScope, IReadOnlyList<string>? ApprovedFields, string? ApprovedScope,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int? DailyQuota, string? Mode, IReadOnlyDictionary<string, string> MaskingOverrides,
    string Purpose, DateTimeOffset? ReplyDueAt, int Revision)
{
    public static RequestSnapshot Of(SharingRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var terms = r.Approved ?? r.Requested;
        return new RequestSnapshot(
            r.Id, r.ResourceCode, r.ProviderId, r.RequesterOrganizationId, r.RequesterClientId, r.Status.ToString(), r.Requested.Fields,
            SharingJson.WriteScope(r.Requested.RowScope), r.Approved?.Fields, SharingJson.WriteScope(r.Approved?.RowScope),
            terms.ValidFrom, terms.ValidTo, terms.DailyQuota, terms.Mode.ToString(),
            r.MaskingOverrides.ToDictionary(o => o.Key, o => o.Value.ToString(), StringComparer.Ordinal), r.Purpose, r.ReplyDueAt, r.Revision);
    }
}

/// <summary>
/// 共享申请 and their history. Each step is one transaction: the request row (optimistic on its revision), a history
/// entry, the admin audit event (with its ledger entry), any masking-lift audit facts, the grant an approval gives,
/// and the notifications and webhook deliveries it causes.
/// </summary>
public sealed class SharingRequestStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = """
        id, resource_id, resource_code, provider_id, requester_organization_id, requester_client_id, purpose, scenario, legal_basis,
        requested::text as requested, approved::text as approved, masking_overrides::text as masking_overrides, lifted_fields,
        scope_fields::text as scope_fields, review::text as review, status, submitted_at, reply_due_at, escalated_at, updated_at, revision
        """;

    private const string SelectById = $"select {Columns} from sharing_requests where id = @Id";

    private const string SelectPage = $"""
        select {Columns} from sharing_requests
        where (@OrganizationId::uuid is null
               or (@Outgoing and requester_organization_id = @OrganizationId)
               or (@Incoming and provider_id = @OrganizationId))
          and (@Statuses::text[] is null or status = any(@Statuses))
          and (@After::uuid is null or id < @After)
        order by id desc
        limit @Limit
        """;

    private const string SelectOverdue = """
        select id from sharing_requests
        where status in ('Submitted', 'UnderReview') and reply_due_at <= @Now
        order by reply_due_at
        limit @Limit
        """;

    private const string SelectHistory = """
        select seq, at, action, actor_kind, actor_id, actor_name, actor_organization_id, capacity, from_status, to_status, reason
        from sharing_request_events where request_id = @Id order by seq
        """;

    private const string SelectClientOrganization = "select organization_id from api_clients where id = @Id and status <> 'Deleted'";

    private const string Insert = """
        insert into sharing_requests (id, resource_id, resource_code, provider_id, requester_organization_id, requester_client_id,
                                      purpose, scenario, legal_basis, requested, approved, masking_overrides, lifted_fields, scope_fields,
                                      review, status, submitted_at, reply_due_at, escalated_at, updated_at, revision)
        values (@Id, @ResourceId, @ResourceCode, @ProviderId, @RequesterOrganizationId, @RequesterClientId,
                @Purpose, @Scenario, @LegalBasis, @Requested::jsonb, @Approved::jsonb, @MaskingOverrides::jsonb, @LiftedFields, @ScopeFields::jsonb,
                @Review::jsonb, @Status, @SubmittedAt, @ReplyDueAt, @EscalatedAt, @UpdatedAt, @Revision)
        """;

    private const string Update = """
        update sharing_requests
        set approved = @Approved::jsonb, masking_overrides = @MaskingOverrides::jsonb, lifted_fields = @LiftedFields,
            scope_fields = @ScopeFields::jsonb, review = @Review::jsonb, status = @Status, reply_due_at = @ReplyDueAt,
            escalated_at = @EscalatedAt, updated_at = @UpdatedAt, revision = @Revision
        where id = @Id and revision = @Expected
        """;

    private const string InsertEvent = """
        insert into sharing_request_events (request_id, seq, at, action, actor_kind, actor_id, actor_name, actor_organization_id,
                                            capacity, from_status, to_status, reason)
        values (@RequestId, (select coalesce(max(seq), 0) + 1 from sharing_request_events where request_id = @RequestId), @At, @Action,
                @ActorKind, @ActorId, @ActorName, @ActorOrganizationId, @Capacity, @FromStatus, @ToStatus, @Reason)
        """;

    public async Task<SharingRequest?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToRequest();
    }

    /// <summary>The fields whose masking the request's approval lifts (each confirmed by the approver).</summary>
    public async Task<IReadOnlyList<string>> LiftedFieldsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<string[]>(new CommandDefinition(
            "select lifted_fields from sharing_requests where id = @Id", new { Id = id }, cancellationToken: cancellationToken))) ?? [];
    }

    public async Task<IReadOnlyList<SharingRequest>> ListAsync(RequestQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPage,
            new
            {
                query.OrganizationId, query.Outgoing, query.Incoming,
                Statuses = query.Statuses is { Count: > 0 } s ? s.Select(x => x.ToString()).ToArray() : null,
                query.After, Limit = Math.Clamp(query.Limit, 1, 501),
            },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRequest()).ToList();
    }

    public async Task<IReadOnlyList<RequestEvent>> HistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(SelectHistory, new { Id = id }, cancellationToken: cancellationToken));
        return rows.Select(r => new RequestEvent(r.Seq, r.At, r.Action, r.ActorKind, r.ActorId, r.ActorName, r.ActorOrganizationId, r.Capacity, r.FromStatus, r.ToStatus, r.Reason)).ToList();
    }

    /// <summary>Open requests whose reply deadline has passed (for the escalation job).</summary>
    public async Task<IReadOnlyList<Guid>> ListOverdueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(SelectOverdue, new { Now = now, Limit = limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>The organizations flagged as data authority (数据主管部门), which hear of escalations, co-approvals and disputes.</summary>
    public async Task<IReadOnlyList<Guid>> DataAuthoritiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            "select id from organizations where is_data_authority and status = 'Active'", cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>The organization of an API client that is not deleted, or null.</summary>
    public async Task<Guid?> ClientOrganizationAsync(Guid clientId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(SelectClientOrganization, new { Id = clientId }, cancellationToken: cancellationToken));
    }

    /// <summary>Registers a request (and, for an unconditional resource, the grant it gives at once).</summary>
    public async Task<SavedRequest> InsertAsync(SharingRequest request, DataResource resource, RequestStep step, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(step);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var scopeFields = SharingJson.WriteScopeFields(resource.Fields, request.Requested.RowScope, request.Approved?.RowScope);
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                request.Id, request.ResourceId, request.ResourceCode, request.ProviderId, request.RequesterOrganizationId, request.RequesterClientId,
                request.Purpose, request.Scenario, request.LegalBasis, Requested = SharingJson.WriteTerms(request.Requested),
                Approved = request.Approved is null ? null : SharingJson.WriteTerms(request.Approved), MaskingOverrides = SharingJson.WriteOverrides(request.MaskingOverrides),
                LiftedFields = Array.Empty<string>(), ScopeFields = scopeFields, Review = SharingJson.WriteReview(request), Status = request.Status.ToString(),
                request.SubmittedAt, request.ReplyDueAt, request.EscalatedAt, request.UpdatedAt, request.Revision,
            },
            transaction,
            cancellationToken: cancellationToken));
        await AppendStepAsync(connection, transaction, null, request, step, actor, now, cancellationToken);
        var grant = await IssueIfApprovedAsync(connection, transaction, null, request, [], scopeFields, actor, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SavedRequest(request, grant);
    }

    /// <summary>
    /// Saves a step if the request is still at <paramref name="before"/>'s revision (otherwise a Conflict: someone else
    /// took a step meanwhile, e.g. another server's escalation job).
    /// </summary>
    public async Task<Outcome<SavedRequest>> UpdateAsync(SharingRequest before, SharingRequest next, DataResource resource, RequestStep step, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(step);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await connection.QuerySingleAsync<StoredExtras>(new CommandDefinition(
            "select lifted_fields, scope_fields::text as scope_fields from sharing_requests where id = @Id", new { next.Id }, transaction, cancellationToken: cancellationToken));
        var lifted = step.Lifts.Count > 0 || next.Approved != before.Approved ? step.Lifts.Select(l => l.Field).ToArray() : stored.LiftedFields;
        var scopeFields = SharingJson.MergeScopeFields(stored.ScopeFields, resource.Fields, next.Requested.RowScope, next.Approved?.RowScope);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            Update,
            new
            {
                next.Id, Approved = next.Approved is null ? null : SharingJson.WriteTerms(next.Approved), MaskingOverrides = SharingJson.WriteOverrides(next.MaskingOverrides),
                LiftedFields = lifted, ScopeFields = scopeFields, Review = SharingJson.WriteReview(next), Status = next.Status.ToString(),
                next.ReplyDueAt, next.EscalatedAt, next.UpdatedAt, next.Revision, Expected = before.Revision,
            },
            transaction,
            cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return Failure.Conflict("The request was changed meanwhile; read it again.", "revision", "is not the current revision");
        }

        await AppendStepAsync(connection, transaction, before, next, step, actor, now, cancellationToken);
        var grant = await IssueIfApprovedAsync(connection, transaction, before, next, lifted, scopeFields, actor, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SavedRequest(next, grant);
    }

    private static async Task AppendStepAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SharingRequest? before, SharingRequest next, RequestStep step, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            InsertEvent,
            new
            {
                RequestId = next.Id, At = now, Action = step.EventAction, ActorKind = actor.Kind.ToString(), ActorId = actor.Id, ActorName = actor.Name,
                ActorOrganizationId = actor.OrganizationId, Capacity = step.Capacity?.ToString(), FromStatus = before?.Status.ToString(), ToStatus = next.Status.ToString(), step.Reason,
            },
            transaction,
            cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(
            connection, transaction, actor,
            new AdminChange(step.AuditAction, "SharingRequest", next.Id.ToString(), next.ResourceCode, before is null ? null : RequestSnapshot.Of(before), RequestSnapshot.Of(next)),
            now, cancellationToken);

        // 解除脱敏 is its own fact in the audit trail and the ledger: one event per field, naming the rule and the default it replaces.
        foreach (var lift in step.Lifts)
        {
            await AdminAuditWriter.AppendAsync(
                connection, transaction, actor,
                new AdminChange("sharing.masking.lift", "SharingRequest", next.Id.ToString(), next.ResourceCode, new { field = lift.Field, rule = lift.Baseline }, new { field = lift.Field, rule = lift.Rule }),
                now, cancellationToken);
        }

        await SharingOutbox.AppendAsync(connection, transaction, step.Notice, now, cancellationToken);
    }

    private static async Task<StoredGrant?> IssueIfApprovedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SharingRequest? before, SharingRequest next, IReadOnlyList<string> lifted, string scopeFields,
        Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (next.Status != SharingRequestStatus.Approved || before?.Status == SharingRequestStatus.Approved)
        {
            return null;
        }

        var grant = new StoredGrant(Grant.FromApproved(Guid.CreateVersion7(now), next, now), next.ResourceCode, lifted);
        await GrantStore.InsertAsync(connection, transaction, grant, scopeFields, actor, now, cancellationToken);
        await SharingOutbox.AppendAsync(
            connection, transaction, new SharingNotice("grant.issue", [next.RequesterOrganizationId, next.ProviderId], next.Id, grant.Grant.Id, next.ResourceCode, nameof(GrantStatus.Active)),
            now, cancellationToken);
        return grant;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public Guid ResourceId { get; init; }

        public string ResourceCode { get; init; } = "";

        public Guid ProviderId { get; init; }

        public Guid RequesterOrganizationId { get; init; }

        public Guid? RequesterClientId { get; init; }

        public string Purpose { get; init; } = "";

        public string? Scenario { get; init; }

        public string? LegalBasis { get; init; }

        public string Requested { get; init; } = "";

        public string? Approved { get; init; }

        public string MaskingOverrides { get; init; } = "{}";

        public string[] LiftedFields { get; init; } = [];

        public string ScopeFields { get; init; } = "[]";

        public string Review { get; init; } = "{}";

        public string Status { get; init; } = "";

        public DateTimeOffset SubmittedAt { get; init; }

        public DateTimeOffset? ReplyDueAt { get; init; }

        public DateTimeOffset? EscalatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public int Revision { get; init; }

        public SharingRequest ToRequest()
        {
            var scopeFields = SharingJson.ReadScopeFields(ScopeFields);
            var (approval, coApproval, rejection, disputeReason, arbitration, arbitrator) = SharingJson.ReadReview(Review);
            return new SharingRequest(
                Id, ResourceId, ResourceCode, ProviderId, RequesterOrganizationId, RequesterClientId, Purpose, Scenario, LegalBasis,
                SharingJson.ReadTerms(Requested, scopeFields), Enum.Parse<SharingRequestStatus>(Status), SubmittedAt, ReplyDueAt,
                Approved is null ? null : SharingJson.ReadTerms(Approved, scopeFields), SharingJson.ReadOverrides(MaskingOverrides),
                approval, coApproval, rejection, disputeReason, arbitration, arbitrator, EscalatedAt, UpdatedAt, Revision);
        }
    }

    private sealed class StoredExtras
    {
        public string[] LiftedFields { get; init; } = [];

        public string ScopeFields { get; init; } = "[]";
    }

    private sealed class EventRow
    {
        public int Seq { get; init; }

        public DateTimeOffset At { get; init; }

        public string Action { get; init; } = "";

        public string ActorKind { get; init; } = "";

        public Guid? ActorId { get; init; }

        public string ActorName { get; init; } = "";

        public Guid? ActorOrganizationId { get; init; }

        public string? Capacity { get; init; }

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = "";

        public string? Reason { get; init; }
    }
}
