using Shuqiao.Core.Common;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Organizations;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations;

/// <summary>A new organization. <see cref="Level"/> is the English or Chinese name (<c>County</c> or <c>县级</c>).</summary>
public sealed record CreateOrganizationRequest(string? Code, string? Name, string? Level, Guid? ParentId, bool IsDataAuthority);

/// <summary>
/// A full replacement of the editable fields (a null <see cref="ParentId"/> makes the organization a root);
/// <see cref="Version"/> is the version the caller read, for optimistic concurrency.
/// </summary>
public sealed record UpdateOrganizationRequest(string? Name, string? Level, Guid? ParentId, bool IsDataAuthority, int? Version);

/// <summary>Organization administration and reading, shared by the API and the console pages.</summary>
public sealed class OrganizationService(OrganizationStore store, IEnumerable<IOrganizationStatusListener> listeners, ILogger<OrganizationService> logger)
{
    public async Task<Outcome<Organization>> CreateAsync(CreateOrganizationRequest request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var code = CreditCode.Normalize(request.Code);
        Add(issues, OrganizationRules.CheckCode(code));
        var name = OrganizationRules.NormalizeName(request.Name);
        Add(issues, OrganizationRules.CheckName(name));
        Add(issues, OrganizationRules.CheckLevel(request.Level, out var level));
        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        return await store.CreateAsync(new NewOrganization(code, name, level, request.ParentId, request.IsDataAuthority), actor, cancellationToken);
    }

    public async Task<Outcome<Organization>> UpdateAsync(Guid id, UpdateOrganizationRequest request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var name = OrganizationRules.NormalizeName(request.Name);
        Add(issues, OrganizationRules.CheckName(name));
        Add(issues, OrganizationRules.CheckLevel(request.Level, out var level));
        if (request.Version is null)
        {
            issues.Add(OrganizationIssues.VersionRequired());
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        return await store.UpdateAsync(new OrganizationChange(id, name, level, request.ParentId, request.IsDataAuthority, request.Version!.Value), actor, cancellationToken);
    }

    public async Task<Outcome<Organization>> DisableAsync(Guid id, Actor actor, CancellationToken cancellationToken) =>
        Announce(await store.DisableAsync(id, actor, cancellationToken));

    public async Task<Outcome<Organization>> EnableAsync(Guid id, Actor actor, CancellationToken cancellationToken) =>
        Announce(await store.EnableAsync(id, actor, cancellationToken));

    /// <summary>
    /// Imports a CSV file (see docs/organizations.md) all-or-nothing. <paramref name="charset"/> is <c>utf-8</c>
    /// (the default) or <c>gb18030</c> (also for GBK/GB2312); a byte-order mark overrides it. Issues of the file as
    /// a whole (encoding, empty, too long) have row 0.
    /// </summary>
    public async Task<OrganizationImportOutcome> ImportAsync(ReadOnlyMemory<byte> file, string? charset, Actor actor, CancellationToken cancellationToken)
    {
        if (OrganizationCsv.Decode(file.Span, charset, out var text) is { } encodingIssue)
        {
            OrganizationLog.ImportRefused(logger, 1);
            return OrganizationImportOutcome.Refused([new RowIssue(0, encodingIssue)]);
        }

        var outcome = await store.ImportAsync(OrganizationCsv.Parse(text), actor, cancellationToken);
        if (outcome.Succeeded)
        {
            OrganizationLog.Imported(logger, outcome.Created.Count);
        }
        else if (outcome.ConcurrentConflict)
        {
            OrganizationLog.ImportRaced(logger);
        }
        else
        {
            OrganizationLog.ImportRefused(logger, outcome.Issues.Count);
        }

        return outcome;
    }

    public Task<Organization?> GetAsync(Guid id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    public Task<IReadOnlyList<Organization>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        store.FindManyAsync(ids, cancellationToken);

    /// <summary>Finds by 统一社会信用代码 as a person types it (spaces, hyphens, lower case and full-width characters are fine).</summary>
    public Task<Organization?> GetByCodeAsync(string code, CancellationToken cancellationToken) =>
        store.FindByCodeAsync(CreditCode.Normalize(code), cancellationToken);

    public Task<IReadOnlyList<Organization>> ListAsync(OrganizationQuery query, CancellationToken cancellationToken) =>
        store.ListAsync(query, cancellationToken);

    public async Task<IReadOnlyList<OrganizationTreeNode>> TreeAsync(OrganizationStatus? status, CancellationToken cancellationToken) =>
        OrganizationTree.Build(await store.ListAllAsync(status, cancellationToken));

    /// <summary>The children of an organization, or the node's roots for null, each with its own number of children.</summary>
    public Task<IReadOnlyList<OrganizationWithChildCount>> ChildrenAsync(Guid? parentId, CancellationToken cancellationToken) =>
        store.ListChildrenAsync(parentId, cancellationToken);

    public Task<IReadOnlyList<Organization>> AncestorsAsync(Guid id, CancellationToken cancellationToken) =>
        store.ListAncestorsAsync(id, cancellationToken);

    public Task<IReadOnlyList<Organization>> ParentCandidatesAsync(CancellationToken cancellationToken) =>
        store.ListParentCandidatesAsync(cancellationToken);

    public Task<OrganizationUsage> UsageAsync(Guid id, CancellationToken cancellationToken) => store.UsageAsync(id, cancellationToken);

    /// <summary>Active and disabled organizations per level (every level listed), for dashboards.</summary>
    public Task<IReadOnlyList<OrganizationLevelCount>> CountByLevelAsync(CancellationToken cancellationToken) =>
        store.CountByLevelAsync(cancellationToken);

    // A status change takes effect at once on this instance: whoever cached the organization's state hears of it.
    private Outcome<Organization> Announce(Outcome<Organization> outcome)
    {
        if (outcome.Value is { } organization)
        {
            foreach (var listener in listeners)
            {
                listener.StatusChanged(organization);
            }
        }

        return outcome;
    }

    private static void Add(List<Issue> issues, Issue? issue)
    {
        if (issue is not null)
        {
            issues.Add(issue);
        }
    }
}

/// <summary>Log messages of the Organizations capability (event ids 2100–2199). Counts only: no names or codes.</summary>
internal static partial class OrganizationLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Organization import committed: {Created} organizations created")]
    public static partial void Imported(ILogger logger, int created);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Organization import refused with {IssueCount} issues; nothing was written")]
    public static partial void ImportRefused(ILogger logger, int issueCount);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Organization import refused: a code in the file was created concurrently; nothing was written")]
    public static partial void ImportRaced(ILogger logger);
}
