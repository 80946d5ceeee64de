namespace Shuqiao.Core.Audit;

/// <summary>
/// One admin change (管理操作审计): an action on a target, with the state before and after.
/// Before/after are snapshots that never hold secrets or password hashes.
/// </summary>
public sealed record AdminChange(
    string Action,
    string TargetType,
    string TargetId,
    string? TargetName,
    object? Before,
    object? After);

public sealed record AdminAuditEvent(
    Guid Id,
    DateTimeOffset Time,
    ActorKind ActorKind,
    Guid? ActorId,
    string ActorName,
    Guid? ActorOrganizationId,
    string Action,
    string TargetType,
    string TargetId,
    string? TargetName,
    string? Before,
    string? After,
    string? RequestId,
    string? SourceIp);
