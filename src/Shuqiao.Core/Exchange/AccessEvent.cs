namespace Shuqiao.Core.Exchange;

public enum AccessOutcome
{
    Allowed,
    Denied,
    Failed, // 失败: allowed, but the server failed while reading or answering (the caller got an error, no data)
}

/// <summary>Which gateway operation was asked for.</summary>
public enum AccessOperation
{
    Query,  // POST /exchange/{code}/query
    Record, // GET /exchange/{code}/records/{key}
    Verify, // POST /exchange/{code}/verify
    Changes, // GET /exchange/{code}/changes
}

/// <summary>
/// One gateway request as the audit keeps it (design §2 AccessEvent): when, which client and organization, on
/// whose behalf, which resource and grant, the query's shape (never its values), how many rows went out and which
/// fields were masked, the stated purpose, allowed or denied (with the reason) and how long it took. Written
/// through the group-commit writer before the response leaves; denials are recorded the same way.
/// </summary>
/// <remarks>
/// <see cref="EndUser"/> is the identifier the consumer system sends for the person it acts for (an account id,
/// not an ID number); it is cut to <see cref="MaxEndUserLength"/> characters and control characters are dropped.
/// <see cref="ResourceId"/> is null only when the requested resource code does not exist.
/// <see cref="Subjects"/> (数据主体) are opaque, keyed digests of the personal key values of the records a call read or
/// verified — never the values — so that "who read records about this person" can be answered (docs/audit.md); null
/// when the resource's key is not personal information, and for denials (nothing was read).
/// </remarks>
public sealed record AccessEvent(
    Guid Id,
    DateTimeOffset Time,
    Guid ClientId,
    Guid OrganizationId,
    string? EndUser,
    Guid? ResourceId,
    Guid? GrantId,
    AccessOperation Operation,
    QueryShape Shape,
    int RowsReturned,
    IReadOnlyList<string> MaskedFields,
    string? Purpose,
    AccessOutcome Outcome,
    DenialReason? Reason,
    TimeSpan Latency,
    IReadOnlyList<string>? Subjects = null)
{
    public const int MaxEndUserLength = 128;

    public const int MaxPurposeLength = 500;

    /// <summary>The record of an allowed query, once its rows are counted.</summary>
    public static AccessEvent Allowed(
        Guid id, DateTimeOffset time, GatewayCaller caller, string? endUser, AccessOperation operation, QueryPlan plan, int rowsReturned, TimeSpan latency,
        IReadOnlyList<string>? subjects = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(plan);
        return new AccessEvent(id, time, caller.ClientId, caller.OrganizationId, Clean(endUser, MaxEndUserLength), plan.ResourceId, plan.GrantId,
            operation, plan.Shape, rowsReturned, plan.MaskedFields, Clean(caller.Purpose, MaxPurposeLength), AccessOutcome.Allowed, null, latency, NullIfEmpty(subjects));
    }

    /// <summary>The record of an allowed verification (no rows leave: <see cref="RowsReturned"/> is 0).</summary>
    public static AccessEvent Allowed(
        Guid id, DateTimeOffset time, GatewayCaller caller, string? endUser, VerifyPlan plan, TimeSpan latency, IReadOnlyList<string>? subjects = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(plan);
        return new AccessEvent(id, time, caller.ClientId, caller.OrganizationId, Clean(endUser, MaxEndUserLength), plan.ResourceId, plan.GrantId,
            AccessOperation.Verify, plan.Shape, 0, [], Clean(caller.Purpose, MaxPurposeLength), AccessOutcome.Allowed, null, latency, NullIfEmpty(subjects));
    }

    /// <summary>The record of a denial; <paramref name="shape"/> is the query's shape when it could be read, else empty.</summary>
    public static AccessEvent Denied(
        Guid id, DateTimeOffset time, GatewayCaller caller, string? endUser, Guid? resourceId, Guid? grantId, AccessOperation operation,
        QueryShape? shape, Denial denial, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(denial);
        return new AccessEvent(id, time, caller.ClientId, caller.OrganizationId, Clean(endUser, MaxEndUserLength), resourceId, grantId,
            operation, shape ?? Empty, 0, [], Clean(caller.Purpose, MaxPurposeLength), AccessOutcome.Denied, denial.Reason, latency);
    }

    /// <summary>
    /// The record of a call that was allowed but failed on the server before it answered: the attempt stays on record
    /// (the rows may have been read), though the caller only got an error.
    /// </summary>
    public static AccessEvent Failed(
        Guid id, DateTimeOffset time, GatewayCaller caller, string? endUser, Guid? resourceId, Guid? grantId, AccessOperation operation, QueryShape? shape, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new AccessEvent(id, time, caller.ClientId, caller.OrganizationId, Clean(endUser, MaxEndUserLength), resourceId, grantId,
            operation, shape ?? Empty, 0, [], Clean(caller.Purpose, MaxPurposeLength), AccessOutcome.Failed, null, latency);
    }

    private static QueryShape Empty { get; } = new([], null, [], null, false);

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string>? subjects) => subjects is { Count: > 0 } ? subjects : null;

    private static string? Clean(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var kept = new string(text.Trim().Where(c => !char.IsControl(c)).ToArray());
        var cut = new System.Globalization.StringInfo(kept);
        return cut.LengthInTextElements <= max ? kept : cut.SubstringByTextElements(0, max);
    }
}
