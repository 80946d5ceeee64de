using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Privacy;

namespace Shuqiao.Core.Sharing;

/// <summary>
/// 共享申请的状态. Submitted → UnderReview → Approved | Rejected | Withdrawn; a reply that misses its deadline is
/// Escalated to the data authority; an approval that covers 核心 fields waits in PendingAuthority for the data
/// authority's co-approval (会签); a rejection may be Disputed once, and the data authority's arbitration upholds
/// it (Rejected again, final) or overturns it (Approved). Approved, Rejected and Withdrawn end a request, except
/// that a Rejected one not yet arbitrated may be disputed.
/// </summary>
public enum SharingRequestStatus
{
    Submitted,
    UnderReview,
    Escalated,
    PendingAuthority,
    Approved,
    Rejected,
    Disputed,
    Withdrawn,
}

/// <summary>核验 (VerifyOnly): the consumer submits values and learns only match / no match; Read returns records.</summary>
public enum GrantMode
{
    Read,
    VerifyOnly,
}

/// <summary>In which capacity a person decides: for the providing department, or for the data authority (数据主管部门).</summary>
public enum ReviewerCapacity
{
    Provider,
    DataAuthority,
}

/// <summary>Who takes a review step. The caller resolves the capacity (the user's organization and role); the request checks it fits the step.</summary>
public sealed record Reviewer(Guid UserId, ReviewerCapacity Capacity);

/// <summary>A review step taken: by whom, in which capacity, when, and the reason or comment given.</summary>
public sealed record ReviewStep(Guid UserId, ReviewerCapacity Capacity, DateTimeOffset At, string? Reason);

public enum ArbitrationResult
{
    Upheld,
    Overturned,
}

/// <summary>
/// What is asked for or granted: fields, row scope (a structured predicate), period, daily quota (requests per day,
/// null for none) and mode. An approval's terms are always within the request's.
/// </summary>
public sealed record SharingTerms(
    IReadOnlyList<string> Fields,
    RowPredicate? RowScope,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo,
    int? DailyQuota,
    GrantMode Mode);

/// <summary>A request as the consumer submits it (already read from JSON; the row scope typed against the resource).</summary>
public sealed record SharingApplication(
    Guid RequesterOrganizationId,
    Guid? RequesterClientId,
    string Purpose,
    string? Scenario,
    string? LegalBasis,
    SharingTerms Terms);

/// <summary>
/// An approver's decision. Every part left null keeps what was requested. <see cref="AdditionalScope"/> is ANDed with
/// the requested row scope, so it can only narrow it. A masking override that shows more than the field's default
/// (see <see cref="MaskingPolicy.IsLift"/>) is accepted only for a field listed in <see cref="ConfirmedLifts"/> —
/// the box the approver ticks per field.
/// </summary>
public sealed record ApprovalDecision(
    IReadOnlyList<string>? Fields = null,
    RowPredicate? AdditionalScope = null,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidTo = null,
    int? DailyQuota = null,
    GrantMode? Mode = null,
    IReadOnlyDictionary<string, MaskingRule>? MaskingOverrides = null,
    IReadOnlySet<string>? ConfirmedLifts = null,
    string? Comment = null)
{
    public static ApprovalDecision AsRequested { get; } = new();
}

/// <summary>How many working days a reply may take, on which calendar (国发〔2016〕51号: 10 个工作日 for 有条件共享).</summary>
public sealed record ReplyDeadlines(WorkingDayCalendar Calendar, int WorkingDays = 10)
{
    public DateTimeOffset Due(DateTimeOffset start) => Calendar.Deadline(start, WorkingDays);
}

/// <summary>
/// 共享申请: one consumer's request for one resource, and its review. Immutable; every step returns the next
/// request (Revision + 1, for optimistic concurrency in storage) or a failure with coded issues: a step the status
/// does not allow is a Conflict, a step by the wrong capacity is Forbidden, bad input is a Validation failure.
/// Whether the reviewer belongs to the provider, and the requester to the consumer, is the caller's check.
/// </summary>
public sealed record SharingRequest(
    Guid Id,
    Guid ResourceId,
    string ResourceCode,
    Guid ProviderId,
    Guid RequesterOrganizationId,
    Guid? RequesterClientId,
    string Purpose,
    string? Scenario,
    string? LegalBasis,
    SharingTerms Requested,
    SharingRequestStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? ReplyDueAt,         // while someone owes a reply: the provider, or the data authority once escalated, co-approving or arbitrating
    SharingTerms? Approved,             // the terms approved (set from the provider's approval on; final when Approved)
    IReadOnlyDictionary<string, MaskingRule> MaskingOverrides,
    ReviewStep? Approval,               // by the provider, or by the data authority after escalation or arbitration
    ReviewStep? CoApproval,             // the data authority's 会签 for 核心 fields
    ReviewStep? Rejection,
    string? DisputeReason,
    ArbitrationResult? Arbitration,
    ReviewStep? Arbitrator,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset UpdatedAt,
    int Revision)
{
    public const int MaxTextLength = 500;

    /// <summary>Whether the request is over (no step but a dispute of a rejection can follow).</summary>
    public bool IsClosed => Status is SharingRequestStatus.Approved or SharingRequestStatus.Rejected or SharingRequestStatus.Withdrawn;

    /// <summary>Whether the approved terms include 核心 fields and so need the data authority's co-approval.</summary>
    public static bool NeedsAuthority(DataResource resource, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var core = resource.Fields.Where(f => f.Classification == DataClassification.Core).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        return fields.Any(core.Contains);
    }

    /// <summary>
    /// Registers a request (登记). A NotShared resource is refused with its legal basis; an Unconditional one is
    /// approved at once with the requested terms (still with its purpose) unless it asks for 核心 fields, which always
    /// go to review and co-approval.
    /// </summary>
    public static Outcome<SharingRequest> Submit(Guid id, SharingApplication application, DataResource resource, ReplyDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(deadlines);
        if (resource.Status != ResourceStatus.Published)
        {
            return Failure.Invalid(SharingIssues.ResourceNotPublished(resource.Status));
        }

        if (resource.SharingType == SharingType.NotShared)
        {
            return new Failure(FailureKind.Forbidden, "The resource is not shared.", [SharingIssues.ResourceNotShared(resource.LegalBasis ?? "")]);
        }

        var issues = new List<Issue>();
        if (application.RequesterOrganizationId == resource.ProviderId)
        {
            issues.Add(SharingIssues.OwnResource());
        }

        var purpose = (application.Purpose ?? "").Trim();
        if (purpose.Length == 0)
        {
            issues.Add(SharingIssues.PurposeRequired());
        }

        CheckLength("purpose", purpose, issues);
        CheckLength("scenario", application.Scenario, issues);
        CheckLength("legalBasis", application.LegalBasis, issues);
        var terms = application.Terms;
        CheckFields("fields", terms.Fields, resource, issues);
        CheckScope("rowScope", terms.RowScope, resource, issues);
        if (terms.ValidTo <= terms.ValidFrom)
        {
            issues.Add(SharingIssues.PeriodOrder());
        }
        else if (terms.ValidTo <= now)
        {
            issues.Add(SharingIssues.PeriodPast());
        }

        if (terms.DailyQuota is <= 0)
        {
            issues.Add(SharingIssues.QuotaPositive());
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var request = new SharingRequest(
            id, resource.Id, resource.Code.ToString(), resource.ProviderId, application.RequesterOrganizationId, application.RequesterClientId,
            purpose, Trimmed(application.Scenario), Trimmed(application.LegalBasis), terms with { Fields = [.. terms.Fields] },
            SharingRequestStatus.Submitted, now, deadlines.Due(now), null, new Dictionary<string, MaskingRule>(StringComparer.Ordinal),
            null, null, null, null, null, null, null, now, 1);

        // 无条件共享: granted on registration; the request still records who asked, for what purpose.
        return resource.SharingType == SharingType.Unconditional && !NeedsAuthority(resource, terms.Fields)
            ? request with { Status = SharingRequestStatus.Approved, ReplyDueAt = null, Approved = request.Requested }
            : request;
    }

    /// <summary>The provider starts reviewing (受理).</summary>
    public Outcome<SharingRequest> StartReview(Reviewer reviewer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        if (Status != SharingRequestStatus.Submitted)
        {
            return StateFailure("taken into review");
        }

        return reviewer.Capacity != ReviewerCapacity.Provider ? CapacityFailure(ReviewerCapacity.Provider) : Next(now) with { Status = SharingRequestStatus.UnderReview };
    }

    /// <summary>
    /// Approves, possibly narrowing the terms. The provider decides while the request is Submitted or UnderReview;
    /// the data authority once it is Escalated. A provider's approval that covers 核心 fields waits for co-approval.
    /// </summary>
    public Outcome<SharingRequest> Approve(Reviewer reviewer, ApprovalDecision decision, DataResource resource, ReplyDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentNullException.ThrowIfNull(deadlines);
        var needed = Status switch
        {
            SharingRequestStatus.Submitted or SharingRequestStatus.UnderReview => ReviewerCapacity.Provider,
            SharingRequestStatus.Escalated => ReviewerCapacity.DataAuthority,
            _ => (ReviewerCapacity?)null,
        };
        if (needed is not { } capacity)
        {
            return StateFailure("approved");
        }

        if (reviewer.Capacity != capacity)
        {
            return CapacityFailure(capacity);
        }

        var decided = Decide(decision, resource, now);
        if (!decided.Succeeded)
        {
            return decided.Failure!;
        }

        var (terms, overrides) = decided.Value;
        var step = new ReviewStep(reviewer.UserId, reviewer.Capacity, now, Trimmed(decision.Comment));
        var next = Next(now) with { Approved = terms, MaskingOverrides = overrides, Approval = step };
        return reviewer.Capacity == ReviewerCapacity.Provider && NeedsAuthority(resource, terms.Fields)
            ? next with { Status = SharingRequestStatus.PendingAuthority, ReplyDueAt = deadlines.Due(now) }
            : next with { Status = SharingRequestStatus.Approved, ReplyDueAt = null };
    }

    /// <summary>The data authority co-approves (会签) a provider's approval that covers 核心 fields.</summary>
    public Outcome<SharingRequest> CoApprove(Reviewer reviewer, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        if (Status != SharingRequestStatus.PendingAuthority)
        {
            return StateFailure("co-approved");
        }

        return reviewer.Capacity != ReviewerCapacity.DataAuthority
            ? CapacityFailure(ReviewerCapacity.DataAuthority)
            : Next(now) with { Status = SharingRequestStatus.Approved, ReplyDueAt = null, CoApproval = new ReviewStep(reviewer.UserId, reviewer.Capacity, now, Trimmed(comment)) };
    }

    /// <summary>
    /// Rejects, with a reason (required). The provider rejects while Submitted or UnderReview; the data authority
    /// rejects an Escalated request or declines to co-approve a PendingAuthority one.
    /// </summary>
    public Outcome<SharingRequest> Reject(Reviewer reviewer, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var needed = Status switch
        {
            SharingRequestStatus.Submitted or SharingRequestStatus.UnderReview => ReviewerCapacity.Provider,
            SharingRequestStatus.Escalated or SharingRequestStatus.PendingAuthority => ReviewerCapacity.DataAuthority,
            _ => (ReviewerCapacity?)null,
        };
        if (needed is not { } capacity)
        {
            return StateFailure("rejected");
        }

        if (reviewer.Capacity != capacity)
        {
            return CapacityFailure(capacity);
        }

        var text = Trimmed(reason);
        if (text is null)
        {
            return Failure.Invalid(SharingIssues.ReasonRequired());
        }

        if (text.Length > MaxTextLength)
        {
            return Failure.Invalid(SharingIssues.TextTooLong("reason", MaxTextLength));
        }

        return Next(now) with { Status = SharingRequestStatus.Rejected, ReplyDueAt = null, Rejection = new ReviewStep(reviewer.UserId, reviewer.Capacity, now, text) };
    }

    /// <summary>The requester withdraws a request that is still open (or drops its dispute).</summary>
    public Outcome<SharingRequest> Withdraw(DateTimeOffset now) => IsClosed
        ? StateFailure("withdrawn")
        : Next(now) with { Status = SharingRequestStatus.Withdrawn, ReplyDueAt = null };

    /// <summary>
    /// Hands an overdue request to the data authority (超期转数据主管部门), which then owes the reply within a new
    /// deadline. Called by a periodic job with the current time; a request not yet due is a Conflict.
    /// </summary>
    public Outcome<SharingRequest> Escalate(ReplyDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deadlines);
        if (Status is not (SharingRequestStatus.Submitted or SharingRequestStatus.UnderReview))
        {
            return StateFailure("escalated");
        }

        if (ReplyDueAt is { } due && now < due)
        {
            return Failure.Conflict("The reply is not overdue.", SharingIssues.NotOverdue(due));
        }

        return Next(now) with { Status = SharingRequestStatus.Escalated, EscalatedAt = now, ReplyDueAt = deadlines.Due(now) };
    }

    /// <summary>Whether a reply is owed and its deadline has passed at <paramref name="now"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => ReplyDueAt is { } due && now >= due;

    /// <summary>The requester disputes a rejection (异议), once, with a reason; the data authority arbitrates.</summary>
    public Outcome<SharingRequest> Dispute(string? reason, ReplyDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deadlines);
        if (Status != SharingRequestStatus.Rejected)
        {
            return StateFailure("disputed");
        }

        if (Arbitration is not null)
        {
            return Failure.Conflict("The rejection was already arbitrated.", SharingIssues.DisputedBefore());
        }

        var text = Trimmed(reason);
        if (text is null)
        {
            return Failure.Invalid(SharingIssues.ReasonRequired());
        }

        return text.Length > MaxTextLength
            ? Failure.Invalid(SharingIssues.TextTooLong("reason", MaxTextLength))
            : Next(now) with { Status = SharingRequestStatus.Disputed, DisputeReason = text, ReplyDueAt = deadlines.Due(now) };
    }

    /// <summary>
    /// The data authority arbitrates a dispute: upholding keeps the rejection (final; a reason is required);
    /// overturning approves with <paramref name="decision"/> (the data authority's approval, so 核心 fields need no
    /// further co-approval).
    /// </summary>
    public Outcome<SharingRequest> Arbitrate(Reviewer reviewer, ArbitrationResult result, string? reason, ApprovalDecision? decision, DataResource resource, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        if (Status != SharingRequestStatus.Disputed)
        {
            return StateFailure("arbitrated");
        }

        if (reviewer.Capacity != ReviewerCapacity.DataAuthority)
        {
            return CapacityFailure(ReviewerCapacity.DataAuthority);
        }

        var text = Trimmed(reason);
        var step = new ReviewStep(reviewer.UserId, reviewer.Capacity, now, text);
        if (result == ArbitrationResult.Upheld)
        {
            return text is null
                ? Failure.Invalid(SharingIssues.ReasonRequired())
                : Next(now) with { Status = SharingRequestStatus.Rejected, ReplyDueAt = null, Arbitration = result, Arbitrator = step };
        }

        var decided = Decide(decision ?? ApprovalDecision.AsRequested, resource, now);
        if (!decided.Succeeded)
        {
            return decided.Failure!;
        }

        var (terms, overrides) = decided.Value;
        return Next(now) with
        {
            Status = SharingRequestStatus.Approved, ReplyDueAt = null, Approved = terms, MaskingOverrides = overrides,
            Approval = step, Arbitration = result, Arbitrator = step,
        };
    }

    // The approved terms: the request narrowed by the decision, never widened.
    private Outcome<(SharingTerms Terms, IReadOnlyDictionary<string, MaskingRule> Overrides)> Decide(ApprovalDecision decision, DataResource resource, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(resource);
        var issues = new List<Issue>();
        var fields = decision.Fields ?? Requested.Fields;
        if (decision.Fields is not null)
        {
            CheckFields("fields", fields, resource, issues);
            var index = 0;
            foreach (var name in fields)
            {
                if (!Requested.Fields.Contains(name, StringComparer.Ordinal))
                {
                    issues.Add(SharingIssues.FieldNotRequested($"fields[{index}]", name));
                }

                index++;
            }
        }

        CheckScope("additionalScope", decision.AdditionalScope, resource, issues);
        var from = decision.ValidFrom ?? Requested.ValidFrom;
        var to = decision.ValidTo ?? Requested.ValidTo;
        if (from < Requested.ValidFrom || from > Requested.ValidTo)
        {
            issues.Add(SharingIssues.PeriodWidened("validFrom"));
        }

        if (to > Requested.ValidTo)
        {
            issues.Add(SharingIssues.PeriodWidened("validTo"));
        }
        else if (to <= from)
        {
            issues.Add(SharingIssues.PeriodOrder());
        }
        else if (to <= now)
        {
            issues.Add(SharingIssues.PeriodPast());
        }

        var quota = decision.DailyQuota ?? Requested.DailyQuota;
        if (quota is <= 0)
        {
            issues.Add(SharingIssues.QuotaPositive());
        }
        else if (decision.DailyQuota is { } approvedQuota && Requested.DailyQuota is { } requestedQuota && approvedQuota > requestedQuota)
        {
            issues.Add(SharingIssues.QuotaWidened(requestedQuota));
        }

        var mode = decision.Mode ?? Requested.Mode;
        if (Requested.Mode == GrantMode.VerifyOnly && mode == GrantMode.Read)
        {
            issues.Add(SharingIssues.ModeWidened());
        }

        var overrides = new Dictionary<string, MaskingRule>(StringComparer.Ordinal);
        foreach (var (name, rule) in decision.MaskingOverrides ?? new Dictionary<string, MaskingRule>())
        {
            var path = "maskingOverrides." + name;
            var field = resource.Fields.FirstOrDefault(f => f.Name == name);
            if (field is null || !fields.Contains(name, StringComparer.Ordinal))
            {
                issues.Add(SharingIssues.MaskingFieldNotGranted(path, name));
                continue;
            }

            if (MaskingRule.TypesFor(rule.Kind) is { } types && !types.Contains(field.Type))
            {
                issues.Add(SharingIssues.MaskingType(path, rule.Kind, field.Type));
                continue;
            }

            if (MaskingPolicy.IsLift(rule, MaskingPolicy.Baseline(field)) && decision.ConfirmedLifts?.Contains(name) != true)
            {
                issues.Add(SharingIssues.MaskingLiftNotConfirmed(path, name));
                continue;
            }

            overrides[name] = rule;
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var terms = new SharingTerms([.. fields], RowPredicate.And(Requested.RowScope, decision.AdditionalScope), from, to, quota, mode);
        return (terms, overrides);
    }

    private SharingRequest Next(DateTimeOffset now) => this with { UpdatedAt = now, Revision = Revision + 1 };

    private Failure StateFailure(string action) =>
        Failure.Conflict($"The request cannot be {action} now.", SharingIssues.State(Status, action));

    private static Failure CapacityFailure(ReviewerCapacity needed) =>
        new(FailureKind.Forbidden, "This step is not yours to take.", [SharingIssues.Capacity(needed)]);

    private static void CheckFields(string path, IReadOnlyList<string> fields, DataResource resource, List<Issue> issues)
    {
        if (fields.Count == 0)
        {
            issues.Add(SharingIssues.FieldsRequired(path));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            if (!resource.Fields.Any(f => f.Name == fields[i]))
            {
                issues.Add(SharingIssues.FieldUnknown($"{path}[{i}]", fields[i]));
            }
            else if (!seen.Add(fields[i]))
            {
                issues.Add(SharingIssues.FieldRepeated($"{path}[{i}]", fields[i]));
            }
        }
    }

    private static void CheckScope(string path, RowPredicate? scope, DataResource resource, List<Issue> issues)
    {
        foreach (var name in scope?.Fields() ?? [])
        {
            if (!resource.Fields.Any(f => f.Name == name))
            {
                issues.Add(SharingIssues.FieldUnknown(path, name));
            }
        }
    }

    private static void CheckLength(string field, string? text, List<Issue> issues)
    {
        if (text is not null && CompiledSchema.CodePoints(text.Trim()) > MaxTextLength)
        {
            issues.Add(SharingIssues.TextTooLong(field, MaxTextLength));
        }
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
