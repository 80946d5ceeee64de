namespace Shuqiao.Core.Identity;

public enum UserStatus
{
    Active,
    Disabled,
}

/// <summary>A console user (控制台用户). The password hash never leaves the Identity capability.</summary>
public sealed record User(
    Guid Id,
    string Login,
    string DisplayName,
    Guid OrganizationId,
    IReadOnlyList<string> Roles,
    UserStatus Status,
    bool IsDemo,
    int FailedLoginCount,
    DateTimeOffset? LockedUntil,
    Guid SecurityStamp,
    DateTimeOffset PasswordChangedAt,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}
