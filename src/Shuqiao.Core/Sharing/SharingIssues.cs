using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Sharing;

/// <summary>
/// Every issue the Sharing capability reports, with stable codes: the console translates
/// <c>sharing.issue.&lt;code&gt;</c> with the arguments as {0}, {1}, …; the API returns the English reason.
/// </summary>
public static class SharingIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    // Applications
    public static Issue ResourceNotPublished(ResourceStatus status) =>
        Issue("resourceId", "resource.notPublished", $"is {status}; only a published resource can be requested", status);

    public static Issue ResourceNotShared(string legalBasis) =>
        Issue("resourceId", "resource.notShared", $"is not shared (不予共享) under: {legalBasis}", legalBasis);

    public static Issue OwnResource() =>
        Issue("resourceId", "resource.own", "is provided by your own organization; it needs no sharing request");

    public static Issue PurposeRequired() => Issue("purpose", "purpose.required", "is required (使用目的)");

    public static Issue TextTooLong(string field, int max) => Issue(field, "text.tooLong", $"must be at most {max} characters", max);

    public static Issue FieldsRequired(string field = "fields") => Issue(field, "fields.required", "must name at least one field");

    public static Issue FieldUnknown(string field, string name) =>
        Issue(field, "fields.unknown", $"'{name}' is not a field of this resource", name);

    public static Issue FieldRepeated(string field, string name) => Issue(field, "fields.repeated", $"names '{name}' twice", name);

    public static Issue PeriodOrder(string field = "validTo") => Issue(field, "period.order", "must be after the start of the period");

    public static Issue PeriodPast(string field = "validTo") => Issue(field, "period.past", "must be in the future");

    public static Issue QuotaPositive(string field = "dailyQuota") => Issue(field, "quota.positive", "must be a positive number of requests a day");

    // Decisions
    public static Issue FieldNotRequested(string field, string name) =>
        Issue(field, "decision.fieldNotRequested", $"'{name}' was not requested; an approval may only narrow the requested fields", name);

    public static Issue PeriodWidened(string field) =>
        Issue(field, "decision.periodWidened", "lies outside the requested period; an approval may only narrow it");

    public static Issue QuotaWidened(int requested) =>
        Issue("dailyQuota", "decision.quotaWidened", $"exceeds the requested {requested} requests a day", requested);

    public static Issue ModeWidened() =>
        Issue("mode", "decision.modeWidened", "cannot be Read for a VerifyOnly request (核验 only)");

    public static Issue MaskingFieldNotGranted(string field, string name) =>
        Issue(field, "decision.maskingField", $"'{name}' is not among the approved fields", name);

    public static Issue MaskingType(string field, MaskingKind kind, FieldType type) =>
        Issue(field, "decision.maskingType", $"{kind} cannot mask a {type} field", kind, type);

    public static Issue MaskingLiftNotConfirmed(string field, string name) =>
        Issue(field, "decision.liftNotConfirmed", $"shows more of '{name}' than its default masking; confirm the lift for this field explicitly", name);

    public static Issue ReasonRequired(string field = "reason") => Issue(field, "reason.required", "is required");

    // Transitions
    public static Issue State(SharingRequestStatus status, string action) =>
        Issue("status", "state", $"a request that is {status} cannot be {action}", status, action);

    public static Issue Capacity(ReviewerCapacity needed) =>
        Issue("reviewer", "reviewer.capacity", $"this step is taken by the {(needed == ReviewerCapacity.DataAuthority ? "data authority (数据主管部门)" : "providing department")}", needed);

    public static Issue NotOverdue(DateTimeOffset due) =>
        Issue("replyDueAt", "notOverdue", $"the reply is not due before {due:O}", due);

    public static Issue DisputedBefore() =>
        Issue("status", "dispute.again", "this rejection was already arbitrated; it cannot be disputed again");

    // Grants
    public static Issue GrantState(GrantStatus status, string action) =>
        Issue("status", "grant.state", $"a grant that is {status} cannot be {action}", status, action);

    public static Issue RenewNotLater(DateTimeOffset validTo) =>
        Issue("validTo", "grant.renewNotLater", $"must be after the current end of validity ({validTo:O})", validTo);
}
