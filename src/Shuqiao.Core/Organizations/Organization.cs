namespace Shuqiao.Core.Organizations;

public enum OrganizationStatus
{
    Active,
    Disabled,
}

/// <summary>An organization (机构): a department, a bureau or a level of government.</summary>
public sealed record Organization(
    Guid Id,
    string Code,
    string Name,
    OrganizationLevel Level,
    Guid? ParentId,
    bool IsDataAuthority, // 数据主管部门: the node's data bureau
    OrganizationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);
