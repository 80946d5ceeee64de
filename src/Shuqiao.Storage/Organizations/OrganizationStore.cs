using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Organizations;

/// <summary>The audit snapshot of an organization.</summary>
public sealed record OrganizationSnapshot(Guid Id, string Code, string Name, string Level, Guid? ParentId, bool IsDataAuthority, string Status, int Version)
{
    public static OrganizationSnapshot Of(Organization o) =>
        new(o.Id, o.Code, o.Name, o.Level.ToString(), o.ParentId, o.IsDataAuthority, o.Status.ToString(), o.Version);
}

public sealed record NewOrganization(string Code, string Name, OrganizationLevel Level, Guid? ParentId, bool IsDataAuthority);

/// <summary>An edit of an organization; <see cref="Version"/> is the version the editor read.</summary>
public sealed record OrganizationChange(Guid Id, string Name, OrganizationLevel Level, Guid? ParentId, bool IsDataAuthority, int Version);

/// <summary>Filters for the flat list; every field is optional. <see cref="Search"/> matches name or code.</summary>
public sealed record OrganizationQuery(
    OrganizationLevel? Level = null,
    Guid? ParentId = null,
    OrganizationStatus? Status = null,
    string? Search = null,
    Guid? After = null,
    int Limit = 50);

/// <summary>An organization and how many children it has, for a tree that loads one level at a time.</summary>
public sealed record OrganizationWithChildCount(Organization Organization, int ChildCount);

/// <summary>What depends on an organization: its child organizations, users and API clients.</summary>
public sealed record OrganizationUsage(int Children, int ActiveChildren, int Users, int ActiveUsers, int ActiveClients);

/// <summary>How many organizations a level has, for the dashboard.</summary>
public sealed record OrganizationLevelCount(OrganizationLevel Level, int Active, int Disabled);

/// <summary>
/// Organizations (机构) and their tree. Rules that depend on other rows (parent level and status, the node's top
/// level, children, cycles) are checked inside the writing transaction with the rows involved locked, so two
/// administrators working at once cannot together break the tree.
/// </summary>
public sealed class OrganizationStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, code, name, level, parent_id, is_data_authority, status, created_at, updated_at, version";

    // Levels are stored by name; this ranks them top-down for ordering.
    private const string LevelRank = "array_position(array['Province','City','County','Town','Village'], level)";

    private const string TreeOrder = $"{LevelRank}, is_data_authority desc, name, code";

    private const string SelectById = $"select {Columns} from organizations where id = @Id";

    private const string SelectByCode = $"select {Columns} from organizations where code = @Code";

    private const string SelectByIds = $"select {Columns} from organizations where id = any(@Ids)";

    // A parent is locked in share mode while a child is attached to it, so its level or status cannot change
    // underneath (those changes take the row lock in update mode).
    private const string SelectParentForShare = $"select {Columns} from organizations where id = @Id for share";

    private const string SelectForUpdate = $"select {Columns} from organizations where id = @Id for update";

    private const string SelectPage = $"""
        select {Columns} from organizations
        where (@Level::text is null or level = @Level)
          and (@ParentId::uuid is null or parent_id = @ParentId)
          and (@Status::text is null or status = @Status)
          and (@Search::text is null or name ilike @Search or code ilike @Search)
          and (@After::uuid is null or id > @After)
        order by id
        limit @Limit
        """;

    private const string SelectAll = $"""
        select {Columns} from organizations
        where (@Status::text is null or status = @Status)
        order by {TreeOrder}
        """;

    private const string SelectChildrenWithCounts = $"""
        select {Columns}, (select count(*) from organizations c where c.parent_id = o.id)::int as child_count
        from organizations o
        where (@ParentId::uuid is null and parent_id is null) or parent_id = @ParentId
        order by {TreeOrder}
        """;

    private const string SelectParentCandidates = $"""
        select {Columns} from organizations
        where status = 'Active' and level <> 'Village'
        order by {TreeOrder}
        """;

    // Walks up from an organization; the depth bound ends the walk even if rows written outside Shuqiao form a cycle.
    private const string SelectAncestors = $"""
        with recursive up (org_id, next_id, depth) as (
            select id, parent_id, 0 from organizations where id = @Id
            union all
            select o.id, o.parent_id, up.depth + 1 from organizations o join up on o.id = up.next_id where up.depth < 32
        )
        select {Columns} from organizations
        join up on up.org_id = organizations.id
        where up.depth > 0
        order by up.depth desc
        """;

    private const string IsAncestorOf = """
        with recursive up (org_id, next_id, depth) as (
            select id, parent_id, 0 from organizations where id = @Candidate
            union all
            select o.id, o.parent_id, up.depth + 1 from organizations o join up on o.id = up.next_id where up.depth < 32
        )
        select exists (select 1 from up where org_id = @Id and depth > 0)
        """;

    private const string SelectRootLevels = """
        select distinct level from organizations where parent_id is null and (@Except::uuid is null or id <> @Except)
        """;

    private const string SelectChildLevels = "select name, level from organizations where parent_id = @Id";

    private const string SelectActiveChildren = $"""
        select name from organizations where parent_id = @Id and status = 'Active' order by {TreeOrder}
        """;

    private const string SelectUsage = """
        select (select count(*) from organizations where parent_id = @Id)::int as children,
               (select count(*) from organizations where parent_id = @Id and status = 'Active')::int as active_children,
               (select count(*) from users where organization_id = @Id)::int as users,
               (select count(*) from users where organization_id = @Id and status = 'Active')::int as active_users,
               (select count(*) from api_clients where organization_id = @Id and status = 'Active')::int as active_clients
        """;

    private const string SelectCountsByLevel = """
        select level,
               count(*) filter (where status = 'Active')::int as active,
               count(*) filter (where status = 'Disabled')::int as disabled
        from organizations
        group by level
        """;

    private const string SelectByCodesForShare = $"select {Columns} from organizations where code = any(@Codes) for share";

    private const string Insert = """
        insert into organizations (id, code, name, level, parent_id, is_data_authority, status, created_at, updated_at, version)
        values (@Id, @Code, @Name, @Level, @ParentId, @IsDataAuthority, 'Active', @Now, @Now, 1)
        """;

    // One statement for the whole file: the foreign key on parent_id is checked at the end of the statement, so a
    // row may name a parent inserted by the same statement.
    private const string InsertMany = """
        insert into organizations (id, code, name, level, parent_id, is_data_authority, status, created_at, updated_at, version)
        select id, code, name, level, parent_id, is_data_authority, 'Active', @Now, @Now, 1
        from unnest(@Ids, @Codes, @Names, @Levels, @ParentIds, @Flags) as t (id, code, name, level, parent_id, is_data_authority)
        """;

    private const string Update = """
        update organizations
        set name = @Name, level = @Level, parent_id = @ParentId, is_data_authority = @IsDataAuthority,
            updated_at = @Now, version = version + 1
        where id = @Id
        """;

    private const string UpdateStatus = """
        update organizations set status = @Status, updated_at = @Now, version = version + 1 where id = @Id
        """;

    public async Task<Organization?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToOrganization();
    }

    /// <summary>The organizations with these ids (unknown ids are left out), e.g. the parents of a page of search results.</summary>
    public async Task<IReadOnlyList<Organization>> FindManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectByIds, new { Ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToOrganization()).ToList();
    }

    /// <summary>Finds by 统一社会信用代码; the code must be normalized (see <see cref="CreditCode.Normalize"/>).</summary>
    public async Task<Organization?> FindByCodeAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByCode, new { Code = code }, cancellationToken: cancellationToken));
        return row?.ToOrganization();
    }

    /// <summary>A page of organizations in creation order (ids are UUIDv7), after the <see cref="OrganizationQuery.After"/> id.</summary>
    public async Task<IReadOnlyList<Organization>> ListAsync(OrganizationQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPage,
            new
            {
                Level = query.Level?.ToString(),
                query.ParentId,
                Status = query.Status?.ToString(),
                Search = string.IsNullOrWhiteSpace(query.Search) ? null : Contains(query.Search.Trim()),
                query.After,
                Limit = Math.Clamp(query.Limit, 1, 501),
            },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToOrganization()).ToList();
    }

    /// <summary>Every organization of the node (optionally of one status), top-down, for building the tree.</summary>
    public async Task<IReadOnlyList<Organization>> ListAllAsync(OrganizationStatus? status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectAll, new { Status = status?.ToString() }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToOrganization()).ToList();
    }

    /// <summary>The children of an organization, or the roots when <paramref name="parentId"/> is null, with their own child counts.</summary>
    public async Task<IReadOnlyList<OrganizationWithChildCount>> ListChildrenAsync(Guid? parentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CountedRow>(new CommandDefinition(SelectChildrenWithCounts, new { ParentId = parentId }, cancellationToken: cancellationToken));
        return rows.Select(r => new OrganizationWithChildCount(r.ToOrganization(), r.ChildCount)).ToList();
    }

    /// <summary>Active organizations that can have children (every level but Village), top-down.</summary>
    public async Task<IReadOnlyList<Organization>> ListParentCandidatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectParentCandidates, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToOrganization()).ToList();
    }

    /// <summary>The ancestors of an organization, from the root down to its parent.</summary>
    public async Task<IReadOnlyList<Organization>> ListAncestorsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectAncestors, new { Id = id }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToOrganization()).ToList();
    }

    public async Task<OrganizationUsage> UsageAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<UsageRow>(new CommandDefinition(SelectUsage, new { Id = id }, cancellationToken: cancellationToken));
        return new OrganizationUsage(row.Children, row.ActiveChildren, row.Users, row.ActiveUsers, row.ActiveClients);
    }

    /// <summary>Active and disabled organizations per level, every level listed (zero when it has none).</summary>
    public async Task<IReadOnlyList<OrganizationLevelCount>> CountByLevelAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CountRow>(new CommandDefinition(SelectCountsByLevel, cancellationToken: cancellationToken)))
            .ToDictionary(r => Enum.Parse<OrganizationLevel>(r.Level));
        return OrganizationLevels.All
            .Select(level => rows.TryGetValue(level, out var r) ? new OrganizationLevelCount(level, r.Active, r.Disabled) : new OrganizationLevelCount(level, 0, 0))
            .ToList();
    }

    public async Task<Outcome<Organization>> CreateAsync(NewOrganization organization, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var holder = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByCode, new { organization.Code }, transaction, cancellationToken: cancellationToken));
        if (holder is not null)
        {
            return CodeTaken(holder.Name);
        }

        var issue = organization.ParentId is { } parentId
            ? await CheckParentAsync(connection, transaction, organization.Level, parentId, OrganizationStatus.Active, cancellationToken)
            : OrganizationRules.CheckRoot(organization.Level, await NodeTopLevelAsync(connection, transaction, null, cancellationToken));
        if (issue is not null)
        {
            return Failure.Invalid(issue);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Insert,
                new { Id = id, organization.Code, organization.Name, Level = organization.Level.ToString(), organization.ParentId, organization.IsDataAuthority, Now = now },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another administrator created the same code since the check above.
            await transaction.RollbackAsync(cancellationToken);
            return CodeTaken((await FindByCodeAsync(organization.Code, cancellationToken))?.Name ?? organization.Code);
        }

        var created = await ReadAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("organization.create", "Organization", id.ToString(), created.Name, null, OrganizationSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Changes name, level, parent and the data-authority flag, if <see cref="OrganizationChange.Version"/> is still
    /// current. The credit code never changes: GB 32100 codes are issued for life and other nodes refer to them.
    /// </summary>
    public async Task<Outcome<Organization>> UpdateAsync(OrganizationChange change, Actor actor, CancellationToken cancellationToken)
    {
        try
        {
            return await UpdateOnceAsync(change, actor, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            // Two administrators moved organizations under each other at the same moment (each holds its own row and
            // waits for the other's); PostgreSQL aborted this one, which now reloads and retries.
            return Stale();
        }
    }

    private async Task<Outcome<Organization>> UpdateOnceAsync(OrganizationChange change, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectForUpdate, new { change.Id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The organization");
        }

        var before = row.ToOrganization();
        if (before.Version != change.Version)
        {
            return Stale();
        }

        var issues = new List<Issue>();
        if (change.ParentId is { } parentId)
        {
            if (parentId == change.Id)
            {
                issues.Add(OrganizationIssues.ParentSelf());
            }
            else if (parentId != before.ParentId && await connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsAncestorOf, new { change.Id, Candidate = parentId }, transaction, cancellationToken: cancellationToken)))
            {
                var descendant = await ReadAsync(connection, transaction, parentId, cancellationToken);
                issues.Add(OrganizationIssues.ParentCycle(descendant.Name));
            }
            else if (parentId != before.ParentId || change.Level != before.Level)
            {
                AddIfAny(issues, await CheckParentAsync(connection, transaction, change.Level, parentId, before.Status, cancellationToken));
            }
        }
        else if (before.ParentId is not null || change.Level != before.Level)
        {
            AddIfAny(issues, OrganizationRules.CheckRoot(change.Level, await NodeTopLevelAsync(connection, transaction, change.Id, cancellationToken)));
        }

        if (change.Level != before.Level)
        {
            var children = await connection.QueryAsync<ChildRow>(new CommandDefinition(SelectChildLevels, new { change.Id }, transaction, cancellationToken: cancellationToken));
            AddIfAny(issues, OrganizationRules.CheckChildren(change.Level, children.Select(c => (c.Name, Enum.Parse<OrganizationLevel>(c.Level)))));
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        if (before.Name == change.Name && before.Level == change.Level && before.ParentId == change.ParentId && before.IsDataAuthority == change.IsDataAuthority)
        {
            return before; // nothing changed: no new version, no audit event
        }

        await connection.ExecuteAsync(new CommandDefinition(
            Update,
            new { change.Id, change.Name, Level = change.Level.ToString(), change.ParentId, change.IsDataAuthority, Now = now },
            transaction,
            cancellationToken: cancellationToken));

        var after = await ReadAsync(connection, transaction, change.Id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("organization.update", "Organization", after.Id.ToString(), after.Name, OrganizationSnapshot.Of(before), OrganizationSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>
    /// Disables an organization. Refused while it still has active child organizations, users or API clients: a
    /// dissolved department's people and systems must be moved or switched off deliberately, never by a side effect.
    /// Disabling a disabled organization changes nothing.
    /// </summary>
    public async Task<Outcome<Organization>> DisableAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectForUpdate, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The organization");
        }

        var before = row.ToOrganization();
        if (before.Status == OrganizationStatus.Disabled)
        {
            return before;
        }

        var issues = new List<Issue>();
        var activeChildren = (await connection.QueryAsync<string>(new CommandDefinition(SelectActiveChildren, new { Id = id }, transaction, cancellationToken: cancellationToken))).AsList();
        if (activeChildren.Count > 0)
        {
            var examples = string.Join("、", activeChildren.Take(3)) + (activeChildren.Count > 3 ? "…" : "");
            issues.Add(OrganizationIssues.ActiveChildren(activeChildren.Count, examples));
        }

        var usage = await connection.QuerySingleAsync<UsageRow>(new CommandDefinition(SelectUsage, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (usage.ActiveUsers > 0)
        {
            issues.Add(OrganizationIssues.ActiveUsers(usage.ActiveUsers));
        }

        if (usage.ActiveClients > 0)
        {
            issues.Add(OrganizationIssues.ActiveClients(usage.ActiveClients));
        }

        if (issues.Count > 0)
        {
            return new Failure(FailureKind.Conflict, "The organization cannot be disabled yet.", issues);
        }

        return await SetStatusAsync(connection, transaction, before, OrganizationStatus.Disabled, "organization.disable", actor, now, cancellationToken);
    }

    /// <summary>Enables an organization whose parent is active (enable from the top down). Enabling an active one changes nothing.</summary>
    public async Task<Outcome<Organization>> EnableAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectForUpdate, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The organization");
        }

        var before = row.ToOrganization();
        if (before.Status == OrganizationStatus.Active)
        {
            return before;
        }

        if (before.ParentId is { } parentId)
        {
            var parent = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectParentForShare, new { Id = parentId }, transaction, cancellationToken: cancellationToken))).ToOrganization();
            if (parent.Status != OrganizationStatus.Active)
            {
                return new Failure(FailureKind.Conflict, "The organization cannot be enabled yet.", [OrganizationIssues.ParentOfDisabled(parent.Name)]);
            }
        }

        return await SetStatusAsync(connection, transaction, before, OrganizationStatus.Active, "organization.enable", actor, now, cancellationToken);
    }

    /// <summary>
    /// Creates every organization of an import file in one transaction, or none: the file is checked against the
    /// existing organizations (read and share-locked inside the transaction) and against itself, and any issue in
    /// any row returns every issue and writes nothing. Each created organization gets its own audit event.
    /// </summary>
    public async Task<OrganizationImportOutcome> ImportAsync(OrganizationCsvParse file, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.FileIssue is not null)
        {
            return OrganizationImportOutcome.Refused([new RowIssue(0, file.FileIssue)]);
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var codes = file.Rows.SelectMany(r => new[] { r.Code, r.ParentCode }).Where(CreditCode.IsValid).Distinct(StringComparer.Ordinal).ToArray();
        var existing = (await connection.QueryAsync<Row>(new CommandDefinition(SelectByCodesForShare, new { Codes = codes }, transaction, cancellationToken: cancellationToken)))
            .Select(r => r.ToOrganization())
            .ToDictionary(o => o.Code, o => new ExistingOrganization(o.Id, o.Code, o.Name, o.Level, o.Status), StringComparer.Ordinal);
        var rootLevels = await RootLevelsAsync(connection, transaction, null, cancellationToken);

        var plan = OrganizationImport.Plan(file, existing, rootLevels, () => Guid.CreateVersion7(now));
        if (!plan.IsValid)
        {
            return OrganizationImportOutcome.Refused(plan.Issues);
        }

        var organizations = plan.Organizations;
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                InsertMany,
                new
                {
                    Ids = organizations.Select(o => o.Id).ToArray(),
                    Codes = organizations.Select(o => o.Code).ToArray(),
                    Names = organizations.Select(o => o.Name).ToArray(),
                    Levels = organizations.Select(o => o.Level.ToString()).ToArray(),
                    ParentIds = organizations.Select(o => o.ParentId).ToArray(),
                    Flags = organizations.Select(o => o.IsDataAuthority).ToArray(),
                    Now = now,
                },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A code was created by someone else after the check; the file is refused as a whole, like any row issue.
            await transaction.RollbackAsync(cancellationToken);
            return OrganizationImportOutcome.Conflict();
        }

        var created = new List<Organization>(organizations.Count);
        foreach (var planned in organizations)
        {
            var organization = new Organization(planned.Id, planned.Code, planned.Name, planned.Level, planned.ParentId, planned.IsDataAuthority, OrganizationStatus.Active, now, now, 1);
            created.Add(organization);
            await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("organization.import", "Organization", organization.Id.ToString(), organization.Name, null, OrganizationSnapshot.Of(organization)), now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return OrganizationImportOutcome.Imported(created);
    }

    private static async Task<Outcome<Organization>> SetStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Organization before, OrganizationStatus status, string action, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(UpdateStatus, new { before.Id, Status = status.ToString(), Now = now }, transaction, cancellationToken: cancellationToken));
        var after = await ReadAsync(connection, transaction, before.Id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange(action, "Organization", after.Id.ToString(), after.Name, OrganizationSnapshot.Of(before), OrganizationSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<Issue?> CheckParentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, OrganizationLevel level, Guid parentId, OrganizationStatus childStatus, CancellationToken cancellationToken)
    {
        var parent = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectParentForShare, new { Id = parentId }, transaction, cancellationToken: cancellationToken));
        return parent is null
            ? OrganizationIssues.ParentNotFound()
            : OrganizationRules.CheckParent(level, parent.Name, Enum.Parse<OrganizationLevel>(parent.Level), Enum.Parse<OrganizationStatus>(parent.Status), childStatus);
    }

    private static async Task<OrganizationLevel?> NodeTopLevelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? except, CancellationToken cancellationToken) =>
        OrganizationRules.NodeTopLevel(await RootLevelsAsync(connection, transaction, except, cancellationToken));

    private static async Task<IReadOnlyList<OrganizationLevel>> RootLevelsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? except, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(SelectRootLevels, new { Except = except }, transaction, cancellationToken: cancellationToken)))
            .Select(Enum.Parse<OrganizationLevel>)
            .ToList();

    private static async Task<Organization> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToOrganization();

    private static Failure CodeTaken(string holderName) =>
        Failure.Conflict("An organization with this 统一社会信用代码 already exists.", OrganizationIssues.CodeTaken(holderName));

    private static Failure Stale() =>
        Failure.Conflict("The organization was changed by someone else; reload it and try again.", OrganizationIssues.VersionStale());

    private static void AddIfAny(List<Issue> issues, Issue? issue)
    {
        if (issue is not null)
        {
            issues.Add(issue);
        }
    }

    // "Contains" for ILIKE, with the pattern characters of the search text taken literally.
    private static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    // Dapper row types have settable properties: its constructor mapping would bypass the DateTimeOffset handler.
    private class Row
    {
        public Guid Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string Level { get; init; } = "";
        public Guid? ParentId { get; init; }
        public bool IsDataAuthority { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }

        public Organization ToOrganization() => new(
            Id, Code.TrimEnd(), Name, Enum.Parse<OrganizationLevel>(Level), ParentId, IsDataAuthority, Enum.Parse<OrganizationStatus>(Status), CreatedAt, UpdatedAt, Version);
    }

    private sealed class CountedRow : Row
    {
        public int ChildCount { get; init; }
    }

    private sealed class ChildRow
    {
        public string Name { get; init; } = "";
        public string Level { get; init; } = "";
    }

    private sealed class UsageRow
    {
        public int Children { get; init; }
        public int ActiveChildren { get; init; }
        public int Users { get; init; }
        public int ActiveUsers { get; init; }
        public int ActiveClients { get; init; }
    }

    private sealed class CountRow
    {
        public string Level { get; init; } = "";
        public int Active { get; init; }
        public int Disabled { get; init; }
    }
}

/// <summary>The result of an import: the organizations created, or every issue that stopped it (nothing written).</summary>
public sealed record OrganizationImportOutcome(IReadOnlyList<Organization> Created, IReadOnlyList<RowIssue> Issues, bool ConcurrentConflict)
{
    public bool Succeeded => Issues.Count == 0 && !ConcurrentConflict;

    public static OrganizationImportOutcome Imported(IReadOnlyList<Organization> created) => new(created, [], false);

    public static OrganizationImportOutcome Refused(IReadOnlyList<RowIssue> issues) => new([], issues, false);

    public static OrganizationImportOutcome Conflict() => new([], [], true);
}
