using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Tests.Authorization;

/// <summary>The callers of the authorization matrices: nobody signed in, each console role, and a department system.</summary>
[Flags]
public enum Who
{
    Nobody = 0,
    Anonymous = 1 << 0,
    PlatformAdmin = 1 << 1,
    DataSteward = 1 << 2,
    Approver = 1 << 3,
    Auditor = 1 << 4,
    CaseOfficer = 1 << 5,
    Citizen = 1 << 6,
    ApiClient = 1 << 7,

    /// <summary>Policies.AuditReaders.</summary>
    AuditReaders = PlatformAdmin | Auditor,

    /// <summary>Policies.ClientManagers (a DataSteward for its own organization).</summary>
    ClientManagers = PlatformAdmin | DataSteward,

    /// <summary>Any person (console session or personal access token), never a system: Policies.ConsoleUser / TokenOwner.</summary>
    AnyUser = PlatformAdmin | DataSteward | Approver | Auditor | CaseOfficer | Citizen,

    /// <summary>Any authenticated API caller: Policies.Api.</summary>
    AnyCaller = AnyUser | ApiClient,

    Everyone = AnyCaller | Anonymous,
}

public static class Callers
{
    /// <summary>Each console role with its flag, in the order the matrices report them.</summary>
    public static readonly IReadOnlyList<(Who Who, string Role)> UserRoles =
    [
        (Who.PlatformAdmin, Roles.PlatformAdmin),
        (Who.DataSteward, Roles.DataSteward),
        (Who.Approver, Roles.Approver),
        (Who.Auditor, Roles.Auditor),
        (Who.CaseOfficer, Roles.CaseOfficer),
        (Who.Citizen, Roles.Citizen),
    ];

    public static bool Allows(this Who allowed, Who caller) => (allowed & caller) == caller;
}
