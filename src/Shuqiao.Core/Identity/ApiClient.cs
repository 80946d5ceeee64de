using Shuqiao.Core.Common;

namespace Shuqiao.Core.Identity;

public enum ApiClientStatus
{
    Active,
    Suspended,
    Deleted, // never usable again and hidden everywhere; the row stays for audit and so the key id is never reissued
}

/// <summary>
/// A department system (应用系统) calling the API with <c>Authorization: ApiKey &lt;keyId&gt;.&lt;secret&gt;</c>.
/// The secret is shown once and only its SHA-256 is stored; neither hash leaves the Identity capability.
/// </summary>
public sealed record ApiClient(
    Guid Id,
    string KeyId,
    Guid OrganizationId,
    string Name,
    string? Description,
    IpAllowList IpAllowList,
    int RateLimitPerMinute,
    ApiClientStatus Status,
    bool IsDemo,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    DateTimeOffset? PreviousSecretExpiresAt) // after a rotation with grace, the previous secret works until then
{
    /// <summary>Key ids of API clients start with this, so a key pasted into the wrong header is recognised.</summary>
    public const string KeyIdPrefix = "sqk_";

    public bool AcceptsPreviousSecret(DateTimeOffset now) => PreviousSecretExpiresAt is { } until && until > now;
}

/// <summary>Why an API key was or was not accepted; the handler turns each into its own 401 reason.</summary>
public enum ApiKeyVerdict
{
    Accepted,
    WrongSecret,
    PreviousSecretExpired, // the secret replaced by a rotation, after its grace period
    Suspended,
    Deleted,
    OrganizationDisabled,
    AddressUnknown,        // the allow-list is not empty and the server does not know where the request came from
    AddressNotAllowed,
}

/// <summary>What authentication needs to know about a client: the row, both secret hashes and its organization's state.</summary>
public sealed record ApiClientCredential(ApiClient Client, byte[] SecretHash, byte[]? PreviousSecretHash, bool OrganizationActive)
{
    /// <summary>
    /// The secret is checked first, in constant time against both hashes, so the client's state and allow-list are
    /// told only to someone who holds a secret of this client.
    /// </summary>
    public ApiKeyVerdict Verify(string secret, System.Net.IPAddress? source, DateTimeOffset now)
    {
        var current = SecretCredential.Matches(secret, SecretHash);
        var previous = PreviousSecretHash is not null && SecretCredential.Matches(secret, PreviousSecretHash);
        if (!current && !previous)
        {
            return ApiKeyVerdict.WrongSecret;
        }

        return Client.Status switch
        {
            ApiClientStatus.Deleted => ApiKeyVerdict.Deleted,
            _ when !current && !Client.AcceptsPreviousSecret(now) => ApiKeyVerdict.PreviousSecretExpired,
            ApiClientStatus.Suspended => ApiKeyVerdict.Suspended,
            _ when !OrganizationActive => ApiKeyVerdict.OrganizationDisabled,
            _ when source is null && !Client.IpAllowList.IsEmpty => ApiKeyVerdict.AddressUnknown,
            _ when !Client.IpAllowList.Allows(source) => ApiKeyVerdict.AddressNotAllowed,
            _ => ApiKeyVerdict.Accepted,
        };
    }
}

/// <summary>What makes an API client's settings acceptable.</summary>
public static class ApiClientRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 500;
    public const int MinRateLimit = 1;
    public const int MaxRateLimit = 1_000_000;

    /// <summary>A rotation may keep the previous secret working for at most a day, enough to roll out the new one.</summary>
    public const int MaxGraceMinutes = 24 * 60;

    public static void Validate(string? name, string? description, int rateLimitPerMinute, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            errors.Add("name", $"is required, at most {MaxNameLength} characters");
        }

        if (description is not null && description.Trim().Length > MaxDescriptionLength)
        {
            errors.Add("description", $"must be at most {MaxDescriptionLength} characters");
        }

        if (rateLimitPerMinute is < MinRateLimit or > MaxRateLimit)
        {
            errors.Add("rateLimitPerMinute", $"must be between {MinRateLimit} and {MaxRateLimit}");
        }
    }

    public static string? ValidateGraceMinutes(int graceMinutes) =>
        graceMinutes is < 0 or > MaxGraceMinutes ? $"must be between 0 and {MaxGraceMinutes} (24 hours)" : null;
}
