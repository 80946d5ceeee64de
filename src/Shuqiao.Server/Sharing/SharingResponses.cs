using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

public sealed record TermsResponse(IReadOnlyList<string> Fields, JsonElement? RowScope, DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int? DailyQuota, string Mode)
{
    public static TermsResponse Of(SharingTerms terms) =>
        new(terms.Fields, Scope(terms.RowScope), terms.ValidFrom, terms.ValidTo, terms.DailyQuota, terms.Mode.ToString());

    public static JsonElement? Scope(RowPredicate? scope) => scope is null ? null : JsonDocument.Parse(RowFilterJson.Write(scope)).RootElement.Clone();
}

public sealed record StepResponse(Guid UserId, string Capacity, DateTimeOffset At, string? Reason)
{
    public static StepResponse? Of(ReviewStep? step) => step is null ? null : new(step.UserId, step.Capacity.ToString(), step.At, step.Reason);
}

public sealed record HistoryResponse(
    int Seq, DateTimeOffset At, string Action, string ActorKind, Guid? ActorId, string ActorName, Guid? ActorOrganizationId,
    string? Capacity, string? FromStatus, string ToStatus, string? Reason)
{
    public static HistoryResponse Of(RequestEvent e) =>
        new(e.Seq, e.At, e.Action, e.ActorKind, e.ActorId, e.ActorName, e.ActorOrganizationId, e.Capacity, e.FromStatus, e.ToStatus, e.Reason);
}

/// <summary>A sharing request as the API shows it; <see cref="History"/> only on the single-request answer.</summary>
public sealed record SharingRequestResponse(
    Guid Id, string ResourceCode, Guid ProviderId, Guid RequesterOrganizationId, Guid? RequesterClientId, string Status,
    string Purpose, string? Scenario, string? LegalBasis, TermsResponse Requested, TermsResponse? Approved,
    IReadOnlyDictionary<string, MaskingDraft> MaskingOverrides, IReadOnlyList<string> LiftedFields,
    DateTimeOffset SubmittedAt, DateTimeOffset? ReplyDueAt, DateTimeOffset? EscalatedAt, DateTimeOffset UpdatedAt, int Revision,
    StepResponse? Approval, StepResponse? CoApproval, StepResponse? Rejection, string? DisputeReason, string? Arbitration, StepResponse? Arbitrator,
    Guid? GrantId, IReadOnlyList<HistoryResponse>? History)
{
    public static SharingRequestResponse Of(SharingRequest r, IReadOnlyList<string>? lifted = null, Guid? grantId = null, IReadOnlyList<RequestEvent>? history = null) => new(
        r.Id, r.ResourceCode, r.ProviderId, r.RequesterOrganizationId, r.RequesterClientId, r.Status.ToString(), r.Purpose, r.Scenario, r.LegalBasis,
        TermsResponse.Of(r.Requested), r.Approved is null ? null : TermsResponse.Of(r.Approved), Overrides(r.MaskingOverrides), lifted ?? [],
        r.SubmittedAt, r.ReplyDueAt, r.EscalatedAt, r.UpdatedAt, r.Revision, StepResponse.Of(r.Approval), StepResponse.Of(r.CoApproval),
        StepResponse.Of(r.Rejection), r.DisputeReason, r.Arbitration?.ToString(), StepResponse.Of(r.Arbitrator), grantId, history?.Select(HistoryResponse.Of).ToList());

    public static SharingRequestResponse Of(SharingView view) => Of(view.Request, view.LiftedFields, view.GrantId, view.History);

    public static IReadOnlyDictionary<string, MaskingDraft> Overrides(IReadOnlyDictionary<string, MaskingRule> overrides) =>
        overrides.ToDictionary(o => o.Key, o => MaskingDraft.From(o.Value), StringComparer.Ordinal);
}

/// <summary>A grant as the API shows it; <see cref="Status"/> is the status now (a grant past its end reads Expired).</summary>
public sealed record GrantResponse(
    Guid Id, Guid RequestId, Guid ResourceId, string ResourceCode, Guid ProviderId, Guid ConsumerOrganizationId, Guid? ConsumerClientId,
    IReadOnlyList<string> Fields, JsonElement? RowFilter, IReadOnlyDictionary<string, MaskingDraft> MaskingOverrides, IReadOnlyList<string> LiftedFields,
    string Purpose, DateTimeOffset ValidFrom, DateTimeOffset ValidTo, int? DailyQuota, string Mode, bool AuthorityApproved, string Status,
    string? StatusReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Revision)
{
    public static GrantResponse Of(StoredGrant stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var g = stored.Grant;
        return new GrantResponse(
            g.Id, g.RequestId, g.ResourceId, stored.ResourceCode, g.ProviderId, g.ConsumerOrganizationId, g.ConsumerClientId, g.Fields,
            TermsResponse.Scope(g.RowFilter), SharingRequestResponse.Overrides(g.MaskingOverrides), stored.LiftedFields, g.Purpose, g.ValidFrom, g.ValidTo,
            g.DailyQuota, g.Mode.ToString(), g.AuthorityApproved, g.StatusAt(now).ToString(), g.StatusReason, g.CreatedAt, g.UpdatedAt, g.Revision);
    }
}

public sealed record NotificationResponse(Guid Id, string Kind, Guid? RequestId, Guid? GrantId, string? ResourceCode, string? Status, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static NotificationResponse Of(Notification n) => new(n.Id, n.Kind, n.RequestId, n.GrantId, n.ResourceCode, n.Status, n.CreatedAt, n.ReadAt);
}

/// <summary>The webhook as shown; <see cref="Secret"/> only in the answer that issued it (shown once).</summary>
public sealed record WebhookResponse(Guid OrganizationId, string Url, bool Enabled, DateTimeOffset UpdatedAt, string? Secret, string SignatureHeader)
{
    public static WebhookResponse Of(WebhookView view) => new(view.OrganizationId, view.Url, view.Enabled, view.UpdatedAt, view.Secret, WebhookSender.SignatureHeader);
}

public sealed record DeliveryResponse(Guid Id, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset NextAttemptAt)
{
    public static DeliveryResponse Of(WebhookDelivery d) => new(d.Id, d.EventType, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt, d.DeliveredAt, d.NextAttemptAt);
}
