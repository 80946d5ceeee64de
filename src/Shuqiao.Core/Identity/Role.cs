namespace Shuqiao.Core.Identity;

/// <summary>Roles of console users (design §2). Names are stored and sent as written here.</summary>
public enum Role
{
    PlatformAdmin, // 平台管理员 (数据局)
    DataSteward,   // 部门数据管理员
    Approver,      // 部门审批人
    Auditor,       // 审计员
    CaseOfficer,   // 城市运行处置人员
    Citizen,       // 公众 (citizen or company)
}

public static class Roles
{
    public const string PlatformAdmin = nameof(Role.PlatformAdmin);
    public const string DataSteward = nameof(Role.DataSteward);
    public const string Approver = nameof(Role.Approver);
    public const string Auditor = nameof(Role.Auditor);
    public const string CaseOfficer = nameof(Role.CaseOfficer);
    public const string Citizen = nameof(Role.Citizen);

    /// <summary>Not a user role: the role claim every authenticated department system (ApiClient) carries.</summary>
    public const string ApiClient = "ApiClient";

    public static IReadOnlyList<string> All { get; } = Enum.GetNames<Role>();

    public static bool IsKnown(string role) => Enum.TryParse<Role>(role, ignoreCase: false, out _);
}
