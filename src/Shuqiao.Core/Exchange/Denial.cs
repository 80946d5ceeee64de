using Shuqiao.Core.Common;

namespace Shuqiao.Core.Exchange;

/// <summary>Why the gateway refused a request; recorded in the access event and returned to the consumer.</summary>
public enum DenialReason
{
    NoGrant,               // no grant of this resource for this client (answered as 404: the grant's existence is not disclosed)
    GrantNotYetValid,
    GrantExpired,
    GrantSuspended,
    GrantRevoked,
    ResourceUnavailable,   // the resource is no longer published
    PurposeRequired,       // no purpose stated with the request
    PurposeMismatch,       // the stated purpose is not the grant's
    QuotaExceeded,         // today's requests reached the grant's daily quota
    VerifyOnlyGrant,       // a 核验 grant used to read records
    InvalidQuery,          // the body is not a valid query or verification (see the issues)
    FieldNotGranted,
    FilterOnUngrantedField,
    FilterOnMaskedField,   // a filter on a masked field would reveal what masking hides (eq/in on key fields excepted)
    SortOnUngrantedField,
    SortOnMaskedField,
    PageSizeTooLarge,
}

/// <summary>A refusal: the reason, the request field it concerns (if one) and the issues to return.</summary>
public sealed record Denial(DenialReason Reason, string? Field, IReadOnlyList<Issue> Issues)
{
    /// <summary>How the refusal is answered: unknown grant 404, invalid input 400, everything else 403 (the endpoint may answer QuotaExceeded with 429).</summary>
    public FailureKind Kind => Reason switch
    {
        DenialReason.NoGrant => FailureKind.NotFound,
        DenialReason.InvalidQuery or DenialReason.PageSizeTooLarge => FailureKind.Validation,
        _ => FailureKind.Forbidden,
    };

    /// <summary>The code the console and clients key on: <c>exchange.denied.&lt;Reason&gt;</c> in camelCase.</summary>
    public string Code => "denied." + char.ToLowerInvariant(Reason.ToString()[0]) + Reason.ToString()[1..];

    public Failure ToFailure() => new(Kind, Title, Issues.Count > 0 ? Issues : [new Issue(Field ?? "", Code, Title, [])]);

    private string Title => Reason switch
    {
        DenialReason.NoGrant => "You have no grant for this resource.",
        DenialReason.GrantNotYetValid => "The grant is not valid yet.",
        DenialReason.GrantExpired => "The grant has expired.",
        DenialReason.GrantSuspended => "The grant is suspended.",
        DenialReason.GrantRevoked => "The grant was revoked.",
        DenialReason.ResourceUnavailable => "The resource is not available.",
        DenialReason.PurposeRequired => "State the purpose of the request.",
        DenialReason.PurposeMismatch => "The stated purpose is not the purpose of the grant.",
        DenialReason.QuotaExceeded => "Today's quota of the grant is used up.",
        DenialReason.VerifyOnlyGrant => "The grant allows verification only.",
        DenialReason.InvalidQuery => "The request is invalid.",
        DenialReason.FieldNotGranted => "A requested field is not granted.",
        DenialReason.FilterOnUngrantedField => "The filter uses a field that is not granted.",
        DenialReason.FilterOnMaskedField => "The filter uses a masked field.",
        DenialReason.SortOnUngrantedField => "The sort uses a field that is not granted.",
        DenialReason.SortOnMaskedField => "The sort uses a masked field.",
        DenialReason.PageSizeTooLarge => "The page size is too large.",
        _ => "The request was refused.",
    };

    internal static Denial Of(DenialReason reason, string? field = null, string? detail = null)
    {
        var denial = new Denial(reason, field, []);
        return detail is null ? denial : denial with { Issues = [new Issue(field ?? "", denial.Code, detail, [])] };
    }
}

/// <summary>The gateway's answer: a plan to run, or a denial. Both are audited.</summary>
public sealed record AccessDecision<TPlan>(TPlan? Plan, Denial? Denial)
    where TPlan : class
{
    public bool Allowed => Plan is not null;

    public static implicit operator AccessDecision<TPlan>(Denial denial) => new(null, denial);
}
