using Shuqiao.Core.Common;

namespace Shuqiao.Core.Identity;

public enum PersonalAccessTokenStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>
/// A user's personal access token (个人访问令牌) for automation and the CLI: <c>Authorization: Bearer
/// &lt;tokenId&gt;.&lt;secret&gt;</c>. It carries at most its user's roles, and on every use only those the user
/// still has.
/// </summary>
public sealed record PersonalAccessToken(
    Guid Id,
    string TokenId,
    Guid UserId,
    string Name,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public const string TokenIdPrefix = "sqp_";

    public PersonalAccessTokenStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? PersonalAccessTokenStatus.Revoked
        : now >= ExpiresAt ? PersonalAccessTokenStatus.Expired
        : PersonalAccessTokenStatus.Active;

    /// <summary>The roles a use of this token grants: the token's roles the user still holds.</summary>
    public IReadOnlyList<string> EffectiveRoles(User user) => [.. Roles.Where(user.Roles.Contains)];
}

public enum AccessTokenVerdict
{
    Accepted,
    WrongSecret,
    Revoked,
    Expired,
}

public sealed record AccessTokenCredential(PersonalAccessToken Token, byte[] SecretHash)
{
    public AccessTokenVerdict Verify(string secret, DateTimeOffset now)
    {
        if (!SecretCredential.Matches(secret, SecretHash))
        {
            return AccessTokenVerdict.WrongSecret;
        }

        return Token.StatusAt(now) switch
        {
            PersonalAccessTokenStatus.Revoked => AccessTokenVerdict.Revoked,
            PersonalAccessTokenStatus.Expired => AccessTokenVerdict.Expired,
            _ => AccessTokenVerdict.Accepted,
        };
    }
}

public static class AccessTokenRules
{
    public const int MaxNameLength = 100;
    public const int DefaultLifetimeDays = 30;

    public static string? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength ? $"is required, at most {MaxNameLength} characters" : null;

    public static string? ValidateLifetime(int days, int maxDays) =>
        days < 1 || days > maxDays ? $"must be between 1 and {maxDays} days" : null;

    /// <summary>Requested roles must be a subset of what the creator may hand on; none requested means all of those.</summary>
    public static Outcome<IReadOnlyList<string>> NarrowRoles(IReadOnlyList<string>? requested, IReadOnlyCollection<string> allowed)
    {
        if (allowed.Count == 0)
        {
            return Failure.Invalid("roles", "you hold no role a token could carry");
        }

        if (requested is null || requested.Count == 0)
        {
            return allowed.ToList();
        }

        var errors = new FieldErrors();
        foreach (var role in requested.Where(r => !allowed.Contains(r)).Distinct())
        {
            errors.Add("roles", Identity.Roles.IsKnown(role) ? $"'{role}' is not one of your roles" : $"'{role}' is not a role");
        }

        return errors.IsEmpty ? requested.Distinct().ToList() : Failure.Invalid(errors);
    }
}
