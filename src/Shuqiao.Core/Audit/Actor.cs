namespace Shuqiao.Core.Audit;

public enum ActorKind
{
    User,
    ApiClient,
    System, // start-up, jobs, demo seeding
    Cli,    // a command run on the server host with database access (e.g. the first PlatformAdmin)
}

/// <summary>Who did something, and from where; recorded with every admin change.</summary>
public sealed record Actor(
    ActorKind Kind,
    Guid? Id,
    string Name,
    Guid? OrganizationId,
    string? RequestId = null,
    string? SourceIp = null)
{
    public static Actor System(string name) => new(ActorKind.System, null, name, null);
}
