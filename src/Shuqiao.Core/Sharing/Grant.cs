using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;

namespace Shuqiao.Core.Sharing;

/// <summary>
/// 授权的状态. Active grants serve; Suspended ones are paused (暂停, e.g. during an investigation) and may resume;
/// Revoked is final; Expired grants passed their end of validity and may be renewed.
/// </summary>
public enum GrantStatus
{
    Active,
    Suspended,
    Revoked,
    Expired,
}

/// <summary>
/// 授权: what one consumer may take from one resource, from an approved request. The gateway reads only this: the
/// fields, the row scope (ANDed with every query), the masking overrides the approver confirmed, the purpose the
/// consumer must state, validity, daily quota (requests per day in the node's calendar, null for none) and mode.
/// <see cref="ConsumerClientId"/> null means any API client of the consumer organization.
/// <see cref="AuthorityApproved"/> records whether the data authority took part in the approval; the gateway serves a
/// 核心 field only then, so a field reclassified as 核心 after the grant stops being served until it is re-approved.
/// </summary>
public sealed record Grant(
    Guid Id,
    Guid RequestId,
    Guid ResourceId,
    Guid ProviderId,
    Guid ConsumerOrganizationId,
    Guid? ConsumerClientId,
    IReadOnlyList<string> Fields,
    RowPredicate? RowFilter,
    IReadOnlyDictionary<string, MaskingRule> MaskingOverrides,
    string Purpose,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    int? DailyQuota,
    GrantMode Mode,
    bool AuthorityApproved,  // the data authority approved or co-approved: only then may 核心 fields be served
    GrantStatus Status,
    string? StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Revision)
{
    /// <summary>The grant an Approved request gives (on approval, co-approval, arbitration, or at registration of an unconditional resource).</summary>
    public static Grant FromApproved(Guid id, SharingRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != SharingRequestStatus.Approved || request.Approved is not { } terms)
        {
            throw new InvalidOperationException("Only an approved request gives a grant.");
        }

        return new Grant(
            id, request.Id, request.ResourceId, request.ProviderId, request.RequesterOrganizationId, request.RequesterClientId,
            terms.Fields, terms.RowScope, request.MaskingOverrides, request.Purpose, terms.ValidFrom, terms.ValidTo, terms.DailyQuota,
            terms.Mode, request.CoApproval is not null || request.Approval?.Capacity == ReviewerCapacity.DataAuthority,
            GrantStatus.Active, null, now, now, 1);
    }

    /// <summary>The status at <paramref name="now"/>: an Active or Suspended grant past its end is Expired even before the expiry job records it.</summary>
    public GrantStatus StatusAt(DateTimeOffset now) =>
        Status is GrantStatus.Active or GrantStatus.Suspended && now >= ValidTo ? GrantStatus.Expired : Status;

    /// <summary>Whether the grant serves at <paramref name="now"/>: Active and within [ValidFrom, ValidTo).</summary>
    public bool IsUsableAt(DateTimeOffset now) => StatusAt(now) == GrantStatus.Active && now >= ValidFrom;

    /// <summary>Pauses an Active grant (暂停); a reason is required.</summary>
    public Outcome<Grant> Suspend(string? reason, DateTimeOffset now)
    {
        if (StatusAt(now) != GrantStatus.Active)
        {
            return StateFailure(now, "suspended");
        }

        return Reason(reason) is { } text ? Next(now) with { Status = GrantStatus.Suspended, StatusReason = text } : Failure.Invalid(SharingIssues.ReasonRequired());
    }

    /// <summary>Resumes a Suspended grant that has not expired meanwhile.</summary>
    public Outcome<Grant> Resume(DateTimeOffset now) => StatusAt(now) != GrantStatus.Suspended
        ? StateFailure(now, "resumed")
        : Next(now) with { Status = GrantStatus.Active, StatusReason = null };

    /// <summary>Ends the grant for good (撤销); a reason is required. An expired grant needs no revocation.</summary>
    public Outcome<Grant> Revoke(string? reason, DateTimeOffset now)
    {
        if (Status is GrantStatus.Revoked or GrantStatus.Expired)
        {
            return StateFailure(now, "revoked");
        }

        return Reason(reason) is { } text ? Next(now) with { Status = GrantStatus.Revoked, StatusReason = text } : Failure.Invalid(SharingIssues.ReasonRequired());
    }

    /// <summary>
    /// Extends validity (续期) to <paramref name="validTo"/>, later than both the current end and now. An Expired grant
    /// becomes Active again; a Suspended one stays suspended; a Revoked one cannot be renewed.
    /// </summary>
    public Outcome<Grant> Renew(DateTimeOffset validTo, DateTimeOffset now)
    {
        var status = StatusAt(now);
        if (status == GrantStatus.Revoked)
        {
            return StateFailure(now, "renewed");
        }

        if (validTo <= ValidTo)
        {
            return Failure.Invalid(SharingIssues.RenewNotLater(ValidTo));
        }

        if (validTo <= now)
        {
            return Failure.Invalid(SharingIssues.PeriodPast());
        }

        return Next(now) with
        {
            ValidTo = validTo,
            Status = status == GrantStatus.Suspended ? GrantStatus.Suspended : GrantStatus.Active,
            StatusReason = status == GrantStatus.Suspended ? StatusReason : null,
        };
    }

    /// <summary>Records expiry (the periodic job's step): an Active or Suspended grant past its end becomes Expired.</summary>
    public Outcome<Grant> Expire(DateTimeOffset now) => Status is GrantStatus.Active or GrantStatus.Suspended && now >= ValidTo
        ? Next(now) with { Status = GrantStatus.Expired }
        : StateFailure(now, "expired");

    private Grant Next(DateTimeOffset now) => this with { UpdatedAt = now, Revision = Revision + 1 };

    private Failure StateFailure(DateTimeOffset now, string action) =>
        Failure.Conflict($"The grant cannot be {action} now.", SharingIssues.GrantState(StatusAt(now), action));

    private static string? Reason(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
