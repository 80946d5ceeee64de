using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Catalog;

/// <summary>A resource to create: its code (given) or only its category (a sequence number is assigned).</summary>
public sealed record NewResource(ResourceCategory Category, ResourceCode? Code, Guid ProviderId, ResourceDescription Description, IReadOnlyList<ResourceField> Fields);

/// <summary>
/// An edit: the new description and fields, and the <see cref="Revision"/> the editor read. A published resource's
/// changed fields become a new schema version; a breaking one only with <see cref="AllowBreaking"/>.
/// </summary>
public sealed record ResourceEdit(ResourceCode Code, int Revision, ResourceDescription Description, IReadOnlyList<ResourceField> Fields, bool AllowBreaking);

/// <summary>
/// A search of the catalog. <see cref="Terms"/> must all match (name, summary, keywords, field labels and names,
/// code); results are ranked when there are terms and in code order otherwise. Drafts are visible only to their
/// provider's organization (<see cref="ViewerOrganizationId"/>) unless <see cref="ViewerSeesAllDrafts"/>.
/// </summary>
public sealed record ResourceQuery(
    IReadOnlyList<string> Terms,
    Guid? ViewerOrganizationId,
    bool ViewerSeesAllDrafts,
    Guid? ProviderId = null,
    SharingType? SharingType = null,
    DataClassification? Classification = null,
    UpdateFrequency? UpdateFrequency = null,
    ResourceStatus? Status = null,
    ResourcePosition? After = null,
    int Limit = 50);

/// <summary>Where a page of search results ended: the last row's rank and code.</summary>
public sealed record ResourcePosition(double Rank, string Code);

/// <summary>A resource as search results list it (without its schema).</summary>
public sealed record ResourceSummary(
    Guid Id,
    ResourceCode Code,
    string Name,
    string Summary,
    Guid ProviderId,
    string ProviderName,
    string ProviderCode,
    SharingType SharingType,
    OpenType OpenType,
    UpdateFrequency UpdateFrequency,
    ResourceStatus Status,
    SchemaVersion Version,
    IReadOnlyList<DataClassification> Classifications,
    bool HasPersonalInfo,
    int FieldCount,
    DateTimeOffset UpdatedAt,
    double Rank)
{
    public DataClassification HighestClassification => Classifications.Count == 0 ? DataClassification.General : Classifications.Max();
}

/// <summary>The audit snapshot of a resource: its description, status, version and field names (the schema is in its versions).</summary>
public sealed record ResourceSnapshot(
    string Code, string Name, Guid ProviderId, string SharingType, string? LegalBasis, string OpenType, string UpdateFrequency,
    string Status, string Version, int Revision, IReadOnlyList<string> Fields)
{
    public static ResourceSnapshot Of(DataResource r) => new(
        r.Code.Value, r.Name, r.ProviderId, r.SharingType.ToString(), r.LegalBasis, r.OpenType.ToString(), r.UpdateFrequency.ToString(),
        r.Status.ToString(), r.Version.ToString(), r.Revision, r.Fields.Select(f => f.Name).ToList());
}

/// <summary>The audit snapshot after a new schema version: the resource, the kind of change and its reasons.</summary>
public sealed record VersionSnapshot(ResourceSnapshot Resource, string ChangeKind, bool Compatible, IReadOnlyList<string> Changes)
{
    public static VersionSnapshot Of(DataResource resource, ResourceVersion version) =>
        new(ResourceSnapshot.Of(resource), version.ChangeKind.ToString(), version.Compatible, version.Changes.Select(c => c.Change.ToString()).ToList());
}

/// <summary>
/// Data resources (信息资源) and their schema versions. Every change is written with its admin audit event in the
/// same transaction, after locking the resource row and checking the revision the editor read; the rules that depend
/// on the stored state (status transitions, schema evolution) are applied to the locked row.
/// </summary>
public sealed class CatalogStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int MaxSearchTerms = 8;

    private const string ResourceColumns = """
        r.id, r.code, r.name, r.summary, r.provider_id, o.name as provider_name, o.code as provider_code, r.format,
        r.sharing_type, r.sharing_conditions, r.legal_basis, r.open_type, r.open_conditions, r.update_frequency, r.keywords,
        r.contact_name, r.contact_email, r.contact_phone, r.expected_record_count, r.status, r.version_major, r.version_minor,
        v.fields::text as fields, r.revision, r.created_at, r.updated_at, r.published_at, r.retired_at
        """;

    private const string ResourceFrom = """
        from data_resources r
        join organizations o on o.id = r.provider_id
        join data_resource_versions v on v.resource_id = r.id and v.major = r.version_major and v.minor = r.version_minor
        """;

    private const string SelectByCode = $"select {ResourceColumns} {ResourceFrom} where r.code = @Code";

    private const string SelectByCodeForUpdate = $"select {ResourceColumns} {ResourceFrom} where r.code = @Code for update of r";

    private const string SelectCurrentFieldsByCodes = """
        select r.code, v.fields::text as fields
        from data_resources r
        join data_resource_versions v on v.resource_id = r.id and v.major = r.version_major and v.minor = r.version_minor
        where r.code = any(@Codes) and r.status <> 'Retired'
        """;

    private const string SelectPublished = $"select {ResourceColumns} {ResourceFrom} where r.status = 'Published' order by r.code";

    private const string SelectVersions = """
        select v.major, v.minor, v.fields::text as fields, v.change_kind, v.change_reasons::text as change_reasons,
               v.created_by, v.created_at, v.published_at
        from data_resource_versions v
        where v.resource_id = @ResourceId
        order by v.major desc, v.minor desc
        """;

    private const string SelectVersion = """
        select v.major, v.minor, v.fields::text as fields, v.change_kind, v.change_reasons::text as change_reasons,
               v.created_by, v.created_at, v.published_at
        from data_resource_versions v
        where v.resource_id = @ResourceId and v.major = @Major and v.minor = @Minor
        """;

    private const string SelectProviders = """
        select distinct o.id, o.name from data_resources r join organizations o on o.id = r.provider_id order by o.name
        """;

    private const string SelectHolderName = "select name from data_resources where code = @Code";

    // The node's data bureau publishes the catalog: the active data authority highest in the tree.
    private const string SelectPublisher = """
        select id, code, name from organizations
        where is_data_authority and status = 'Active'
        order by array_position(array['Province','City','County','Town','Village'], level), parent_id is not null, created_at
        limit 1
        """;

    // The next sequence number of a category; the row lock serializes concurrent creations under one category.
    private const string NextSequence = """
        insert into catalog_sequences (category, last_value) values (@Category, 1)
        on conflict (category) do update set last_value = catalog_sequences.last_value + 1
        returning last_value
        """;

    // A code given by hand moves the counter past it, so no later generated code can collide with it.
    private const string ClaimSequence = """
        insert into catalog_sequences (category, last_value) values (@Category, @Sequence)
        on conflict (category) do update set last_value = greatest(catalog_sequences.last_value, excluded.last_value)
        """;

    private const string InsertResource = """
        insert into data_resources
            (id, code, category, name, summary, provider_id, format, sharing_type, sharing_conditions, legal_basis, open_type,
             open_conditions, update_frequency, keywords, contact_name, contact_email, contact_phone, expected_record_count,
             status, version_major, version_minor, classifications, has_personal_info, field_count, search_text, revision,
             created_at, updated_at)
        values
            (@Id, @Code, @Category, @Name, @Summary, @ProviderId, @Format, @SharingType, @SharingConditions, @LegalBasis, @OpenType,
             @OpenConditions, @UpdateFrequency, @Keywords, @ContactName, @ContactEmail, @ContactPhone, @ExpectedRecordCount,
             'Draft', 1, 0, @Classifications, @HasPersonalInfo, @FieldCount, @SearchText, 1, @Now, @Now)
        """;

    private const string InsertVersion = """
        insert into data_resource_versions (resource_id, major, minor, fields, change_kind, change_reasons, created_by, created_at, published_at)
        values (@ResourceId, @Major, @Minor, @Fields::jsonb, @ChangeKind, @ChangeReasons::jsonb, @CreatedBy, @Now, @PublishedAt)
        """;

    private const string UpdateResource = """
        update data_resources
        set name = @Name, summary = @Summary, format = @Format, sharing_type = @SharingType, sharing_conditions = @SharingConditions,
            legal_basis = @LegalBasis, open_type = @OpenType, open_conditions = @OpenConditions, update_frequency = @UpdateFrequency,
            keywords = @Keywords, contact_name = @ContactName, contact_email = @ContactEmail, contact_phone = @ContactPhone,
            expected_record_count = @ExpectedRecordCount, version_major = @Major, version_minor = @Minor,
            classifications = @Classifications, has_personal_info = @HasPersonalInfo, field_count = @FieldCount,
            search_text = @SearchText, revision = revision + 1, updated_at = @Now
        where id = @Id
        """;

    private const string UpdateDraftVersion = """
        update data_resource_versions set fields = @Fields::jsonb, created_by = @CreatedBy, created_at = @Now
        where resource_id = @ResourceId and major = @Major and minor = @Minor
        """;

    private const string Publish = """
        update data_resources set status = 'Published', published_at = @Now, updated_at = @Now, revision = revision + 1 where id = @Id;
        update data_resource_versions set published_at = @Now where resource_id = @Id and major = @Major and minor = @Minor;
        """;

    private const string Retire = """
        update data_resources set status = 'Retired', retired_at = @Now, updated_at = @Now, revision = revision + 1 where id = @Id
        """;

    public async Task<DataResource?> FindAsync(ResourceCode code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ResourceRow>(new CommandDefinition(SelectByCode, new { Code = code.Value }, cancellationToken: cancellationToken));
        return row?.ToResource();
    }

    /// <summary>The current fields of the named resources that exist and are not retired, for checking references.</summary>
    public async Task<IReadOnlyDictionary<ResourceCode, IReadOnlyList<ResourceField>>> CurrentFieldsAsync(IReadOnlyCollection<ResourceCode> codes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count == 0)
        {
            return new Dictionary<ResourceCode, IReadOnlyList<ResourceField>>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FieldsRow>(new CommandDefinition(
            SelectCurrentFieldsByCodes, new { Codes = codes.Select(c => c.Value).Distinct().ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => ResourceCode.Parse(r.Code), r => SchemaJson.ReadFields(r.Fields));
    }

    /// <summary>The organizations that provide at least one resource (for the console's provider filter).</summary>
    public async Task<IReadOnlyList<CatalogProvider>> ListProvidersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProviderRow>(new CommandDefinition(SelectProviders, cancellationToken: cancellationToken));
        return rows.Select(r => new CatalogProvider(r.Id, r.Name)).ToList();
    }

    /// <summary>The organization that publishes the node's catalog (its data authority), or null when none is marked.</summary>
    public async Task<CatalogPublisher?> FindPublisherAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PublisherRow>(new CommandDefinition(SelectPublisher, cancellationToken: cancellationToken));
        return row is null ? null : new CatalogPublisher(row.Id, row.Code.TrimEnd(), row.Name);
    }

    /// <summary>Every published resource with its current fields, in code order (for the DCAT and CSV exports).</summary>
    public async Task<IReadOnlyList<DataResource>> ListPublishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ResourceRow>(new CommandDefinition(SelectPublished, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToResource()).ToList();
    }

    /// <summary>Every schema version of a resource, newest first.</summary>
    public async Task<IReadOnlyList<ResourceVersion>> ListVersionsAsync(Guid resourceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(SelectVersions, new { ResourceId = resourceId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToVersion(resourceId)).ToList();
    }

    public async Task<ResourceVersion?> FindVersionAsync(Guid resourceId, SchemaVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(
            SelectVersion, new { ResourceId = resourceId, version.Major, version.Minor }, cancellationToken: cancellationToken));
        return row?.ToVersion(resourceId);
    }

    /// <summary>
    /// A page of resources (see <see cref="ResourceQuery"/>). Terms of three or more characters use the trigram index
    /// (substring match, or word similarity for near misses); shorter ones, the usual length of a Chinese word, use the
    /// index of one- and two-character grams. Every term is rechecked as a substring.
    /// </summary>
    public async Task<IReadOnlyList<ResourceSummary>> SearchAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (sql, parameters) = BuildSearch(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    /// <summary>The search SQL and its parameters; exposed for tests that check the plan uses the indexes.</summary>
    public static (string Sql, DynamicParameters Parameters) BuildSearch(ResourceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new DynamicParameters();
        var terms = query.Terms.Take(MaxSearchTerms).ToList();
        var conditions = new StringBuilder();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            parameters.Add($"P{i}", Contains(term));
            if (term.Length >= 3)
            {
                parameters.Add($"T{i}", term);
                conditions.Append(CultureInfo.InvariantCulture, $"\n  and (r.search_text ilike @P{i} or @T{i} <% r.search_text)");
            }
            else if (term.All(char.IsLetterOrDigit))
            {
                parameters.Add($"G{i}", new[] { term.ToLowerInvariant() });
                conditions.Append(CultureInfo.InvariantCulture, $"\n  and r.search_grams @> @G{i} and r.search_text ilike @P{i}");
            }
            else
            {
                conditions.Append(CultureInfo.InvariantCulture, $"\n  and r.search_text ilike @P{i}");
            }
        }

        // Ranking: every term in the name counts most, then how similar the name is to the query, then how well the
        // query matches anywhere (word similarity finds it inside long summaries and label lists).
        var rank = "0::float8";
        if (terms.Count > 0)
        {
            parameters.Add("Query", string.Join(' ', terms));
            parameters.Add("Patterns", terms.Select(Contains).ToArray());
            rank = "((case when r.name ilike all(@Patterns) then 2 else 0 end) + similarity(r.name, @Query) + word_similarity(@Query, r.search_text))::float8";
        }

        parameters.Add("Viewer", query.ViewerOrganizationId);
        parameters.Add("SeeAllDrafts", query.ViewerSeesAllDrafts);
        parameters.Add("ProviderId", query.ProviderId);
        parameters.Add("SharingType", query.SharingType?.ToString());
        parameters.Add("Classification", query.Classification?.ToString());
        parameters.Add("UpdateFrequency", query.UpdateFrequency?.ToString());
        parameters.Add("Status", query.Status?.ToString());
        parameters.Add("AfterRank", query.After?.Rank);
        parameters.Add("AfterCode", query.After?.Code);
        parameters.Add("Limit", Math.Clamp(query.Limit, 1, 1001));
        var sql = $"""
            select * from (
              select r.id, r.code, r.name, r.summary, r.provider_id, o.name as provider_name, o.code as provider_code, r.sharing_type, r.open_type,
                     r.update_frequency, r.status, r.version_major, r.version_minor, r.classifications, r.has_personal_info,
                     r.field_count, r.updated_at, {rank} as rank
              from data_resources r
              join organizations o on o.id = r.provider_id
              where (r.status <> 'Draft' or @SeeAllDrafts or r.provider_id = @Viewer::uuid)
                and (@ProviderId::uuid is null or r.provider_id = @ProviderId)
                and (@SharingType::text is null or r.sharing_type = @SharingType)
                and (@Classification::text is null or @Classification = any(r.classifications))
                and (@UpdateFrequency::text is null or r.update_frequency = @UpdateFrequency)
                and (@Status::text is null or r.status = @Status){conditions}
            ) found
            where @AfterCode::text is null or found.rank < @AfterRank::float8 or (found.rank = @AfterRank::float8 and found.code > @AfterCode)
            order by found.rank desc, found.code
            limit @Limit
            """;
        return (sql, parameters);
    }

    /// <summary>
    /// Creates a draft with schema version 1.0. With a code, the code is checked to be free; with only a category the
    /// next sequence number of that category is assigned.
    /// </summary>
    public async Task<Outcome<DataResource>> CreateAsync(NewResource resource, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        ResourceCode code;
        if (resource.Code is { } given)
        {
            var holder = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectHolderName, new { Code = given.Value }, transaction, cancellationToken: cancellationToken));
            if (holder is not null)
            {
                return CodeTaken(given, holder);
            }

            await connection.ExecuteAsync(new CommandDefinition(ClaimSequence, new { Category = given.Category.Digits, given.Sequence }, transaction, cancellationToken: cancellationToken));
            code = given;
        }
        else
        {
            int sequence;
            try
            {
                sequence = await connection.ExecuteScalarAsync<int>(new CommandDefinition(NextSequence, new { Category = resource.Category.Digits }, transaction, cancellationToken: cancellationToken));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
            {
                return Failure.Invalid(CatalogIssues.SequenceExhausted(resource.Category.Display));
            }

            code = new ResourceCode(resource.Category, sequence);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                InsertResource,
                Parameters(id, code, resource.ProviderId, resource.Description, resource.Fields, SchemaVersion.First, now),
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Someone created the same code since the check above.
            await transaction.RollbackAsync(cancellationToken);
            return CodeTaken(code, (await FindAsync(code, cancellationToken))?.Name ?? code.Value);
        }

        await InsertVersionAsync(connection, transaction, id, SchemaVersion.First, resource.Fields, SchemaChangeKind.Initial, [], actor, now, null, cancellationToken);
        var created = await ReadAsync(connection, transaction, code, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("resource.create", TargetType, code.Value, created.Name, null, ResourceSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Applies an edit if <see cref="ResourceEdit.Revision"/> is still current. A draft is changed in place. A published
    /// resource keeps its description changes in place, and its changed fields become a new schema version —
    /// the next minor for an additive change, the next major for a breaking one, which needs
    /// <see cref="ResourceEdit.AllowBreaking"/>. An edit that changes nothing writes nothing.
    /// </summary>
    public async Task<Outcome<ResourceChange>> UpdateAsync(ResourceEdit edit, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ResourceRow>(new CommandDefinition(SelectByCodeForUpdate, new { Code = edit.Code.Value }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The resource");
        }

        var before = row.ToResource();
        if (before.Status == ResourceStatus.Retired)
        {
            return new Failure(FailureKind.Conflict, "A retired resource cannot be changed.", [CatalogIssues.Retired()]);
        }

        if (before.Revision != edit.Revision)
        {
            return new Failure(FailureKind.Conflict, "The resource was changed by someone else; reload it and try again.", [CatalogIssues.RevisionStale()]);
        }

        var comparison = SchemaEvolution.Compare(before.Fields, edit.Fields);
        var descriptionChanged = !SameDescription(before, edit.Description);
        if (comparison.Unchanged && !descriptionChanged)
        {
            return new ResourceChange(before, null);
        }

        ResourceVersion? newVersion = null;
        var version = before.Version;
        string action;
        if (before.Status == ResourceStatus.Draft)
        {
            action = "resource.update";
            await connection.ExecuteAsync(new CommandDefinition(
                UpdateDraftVersion,
                new { ResourceId = before.Id, version.Major, version.Minor, Fields = SchemaJson.WriteFields(edit.Fields), CreatedBy = actor.Name, Now = now },
                transaction,
                cancellationToken: cancellationToken));
        }
        else if (comparison.Unchanged)
        {
            action = "resource.update";
        }
        else
        {
            if (comparison.Kind == SchemaChangeKind.Breaking && !edit.AllowBreaking)
            {
                var breaking = comparison.BreakingChanges.Select(d => d.Change).ToList();
                return new Failure(
                    FailureKind.Conflict,
                    "The schema change breaks existing consumers; send allowBreaking: true to publish it as a new major version.",
                    [CatalogIssues.BreakingNotAllowed(breaking.Count), .. breaking]);
            }

            action = "resource.new-version";
            version = version.Next(comparison.Kind);
            await InsertVersionAsync(connection, transaction, before.Id, version, edit.Fields, comparison.Kind, comparison.Differences, actor, now, now, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            UpdateResource, Parameters(before.Id, before.Code, before.ProviderId, edit.Description, edit.Fields, version, now), transaction, cancellationToken: cancellationToken));
        var after = await ReadAsync(connection, transaction, before.Code, cancellationToken);
        if (action == "resource.new-version")
        {
            newVersion = new ResourceVersion(before.Id, version, edit.Fields, comparison.Kind, comparison.Differences, actor.Name, now, now);
        }

        object afterSnapshot = newVersion is null ? ResourceSnapshot.Of(after) : VersionSnapshot.Of(after, newVersion);
        await AdminAuditWriter.AppendAsync(
            connection, transaction, actor, new AdminChange(action, TargetType, after.Code.Value, after.Name, ResourceSnapshot.Of(before), afterSnapshot), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ResourceChange(after, newVersion);
    }

    /// <summary>Publishes a draft: it enters the catalog with its schema version 1.0. Publishing a published resource changes nothing.</summary>
    public async Task<Outcome<DataResource>> PublishAsync(ResourceCode code, Actor actor, CancellationToken cancellationToken) =>
        await TransitionAsync(code, ResourceStatus.Draft, ResourceStatus.Published, Publish, "resource.publish", CatalogIssues.NotDraft, actor, cancellationToken);

    /// <summary>Retires a published resource: it leaves the catalog's exports and cannot change again. Its history stays.</summary>
    public async Task<Outcome<DataResource>> RetireAsync(ResourceCode code, Actor actor, CancellationToken cancellationToken) =>
        await TransitionAsync(code, ResourceStatus.Published, ResourceStatus.Retired, Retire, "resource.retire", CatalogIssues.NotPublished, actor, cancellationToken);

    private async Task<Outcome<DataResource>> TransitionAsync(
        ResourceCode code, ResourceStatus from, ResourceStatus to, string sql, string action, Func<ResourceStatus, Issue> refused, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ResourceRow>(new CommandDefinition(SelectByCodeForUpdate, new { Code = code.Value }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The resource");
        }

        var before = row.ToResource();
        if (before.Status == to)
        {
            return before;
        }

        if (before.Status != from)
        {
            return new Failure(FailureKind.Conflict, $"The resource cannot become {to}.", [refused(before.Status)]);
        }

        await connection.ExecuteAsync(new CommandDefinition(sql, new { before.Id, before.Version.Major, before.Version.Minor, Now = now }, transaction, cancellationToken: cancellationToken));
        var after = await ReadAsync(connection, transaction, code, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange(action, TargetType, code.Value, after.Name, ResourceSnapshot.Of(before), ResourceSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    public const string TargetType = "DataResource";

    private static Task<int> InsertVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid resourceId, SchemaVersion version, IReadOnlyList<ResourceField> fields,
        SchemaChangeKind kind, IReadOnlyList<SchemaDifference> changes, Actor actor, DateTimeOffset now, DateTimeOffset? publishedAt, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            InsertVersion,
            new
            {
                ResourceId = resourceId,
                version.Major,
                version.Minor,
                Fields = SchemaJson.WriteFields(fields),
                ChangeKind = kind.ToString(),
                ChangeReasons = SchemaJson.WriteChanges(changes),
                CreatedBy = actor.Name,
                Now = now,
                PublishedAt = publishedAt,
            },
            transaction,
            cancellationToken: cancellationToken));

    private static object Parameters(Guid id, ResourceCode code, Guid providerId, ResourceDescription d, IReadOnlyList<ResourceField> fields, SchemaVersion version, DateTimeOffset now) => new
    {
        Id = id,
        Code = code.Value,
        Category = code.Category.Digits,
        d.Name,
        d.Summary,
        ProviderId = providerId,
        d.Format,
        SharingType = d.SharingType.ToString(),
        d.SharingConditions,
        d.LegalBasis,
        OpenType = d.OpenType.ToString(),
        d.OpenConditions,
        UpdateFrequency = d.UpdateFrequency.ToString(),
        Keywords = d.Keywords.ToArray(),
        ContactName = d.Contact?.Name,
        ContactEmail = d.Contact?.Email,
        ContactPhone = d.Contact?.Phone,
        d.ExpectedRecordCount,
        version.Major,
        version.Minor,
        Classifications = fields.Select(f => f.Classification).Distinct().Order().Select(c => c.ToString()).ToArray(),
        HasPersonalInfo = fields.Any(f => f.PersonalInfo != PersonalInfoKind.None),
        FieldCount = fields.Count,
        SearchText = SearchText(code, d, fields),
        Now = now,
    };

    /// <summary>What search matches, one text: code, name, summary, keywords, then each field's label and name.</summary>
    public static string SearchText(ResourceCode code, ResourceDescription description, IReadOnlyList<ResourceField> fields)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(fields);
        var text = new StringBuilder();
        text.Append(code.Value).Append('\n').Append(description.Name).Append('\n').Append(description.Summary).Append('\n');
        text.AppendJoin(' ', description.Keywords).Append('\n');
        foreach (var field in fields)
        {
            text.Append(field.Label).Append(' ').Append(field.Name).Append('\n');
        }

        return text.ToString();
    }

    private static bool SameDescription(DataResource r, ResourceDescription d) =>
        r.Name == d.Name && r.Summary == d.Summary && r.Format == d.Format && r.SharingType == d.SharingType && r.SharingConditions == d.SharingConditions &&
        r.LegalBasis == d.LegalBasis && r.OpenType == d.OpenType && r.OpenConditions == d.OpenConditions && r.UpdateFrequency == d.UpdateFrequency &&
        r.Keywords.SequenceEqual(d.Keywords, StringComparer.Ordinal) && r.Contact == d.Contact && r.ExpectedRecordCount == d.ExpectedRecordCount;

    private static async Task<DataResource> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ResourceCode code, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<ResourceRow>(new CommandDefinition(SelectByCode, new { Code = code.Value }, transaction, cancellationToken: cancellationToken))).ToResource();

    private static Failure CodeTaken(ResourceCode code, string holder) =>
        Failure.Conflict("A resource with this code already exists.", CatalogIssues.CodeTaken(code.Value, holder));

    // "Contains" for ILIKE, with the pattern characters of the search text taken literally.
    private static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    // Dapper row types have settable properties: its constructor mapping would bypass the DateTimeOffset handler.
    private sealed class ResourceRow
    {
        public Guid Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string Summary { get; init; } = "";
        public Guid ProviderId { get; init; }
        public string ProviderName { get; init; } = "";
        public string ProviderCode { get; init; } = "";
        public string Format { get; init; } = "";
        public string SharingType { get; init; } = "";
        public string? SharingConditions { get; init; }
        public string? LegalBasis { get; init; }
        public string OpenType { get; init; } = "";
        public string? OpenConditions { get; init; }
        public string UpdateFrequency { get; init; } = "";
        public string[] Keywords { get; init; } = [];
        public string? ContactName { get; init; }
        public string? ContactEmail { get; init; }
        public string? ContactPhone { get; init; }
        public long? ExpectedRecordCount { get; init; }
        public string Status { get; init; } = "";
        public int VersionMajor { get; init; }
        public int VersionMinor { get; init; }
        public string Fields { get; init; } = "[]";
        public int Revision { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }
        public DateTimeOffset? RetiredAt { get; init; }

        public DataResource ToResource()
        {
            var contact = new ContactPoint(ContactName, ContactEmail, ContactPhone);
            return new DataResource(
                Id, ResourceCode.Parse(Code), Name, Summary, ProviderId, ProviderName, ProviderCode.TrimEnd(), Format,
                Enum.Parse<SharingType>(SharingType), SharingConditions, LegalBasis, Enum.Parse<OpenType>(OpenType), OpenConditions,
                Enum.Parse<UpdateFrequency>(UpdateFrequency), Keywords, contact.IsEmpty ? null : contact, ExpectedRecordCount,
                Enum.Parse<ResourceStatus>(Status), new SchemaVersion(VersionMajor, VersionMinor), SchemaJson.ReadFields(Fields), Revision,
                CreatedAt, UpdatedAt, PublishedAt, RetiredAt);
        }
    }

    private sealed class SummaryRow
    {
        public Guid Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string Summary { get; init; } = "";
        public Guid ProviderId { get; init; }
        public string ProviderName { get; init; } = "";
        public string ProviderCode { get; init; } = "";
        public string SharingType { get; init; } = "";
        public string OpenType { get; init; } = "";
        public string UpdateFrequency { get; init; } = "";
        public string Status { get; init; } = "";
        public int VersionMajor { get; init; }
        public int VersionMinor { get; init; }
        public string[] Classifications { get; init; } = [];
        public bool HasPersonalInfo { get; init; }
        public int FieldCount { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public double Rank { get; init; }

        public ResourceSummary ToSummary() => new(
            Id, ResourceCode.Parse(Code), Name, Summary, ProviderId, ProviderName, ProviderCode.TrimEnd(), Enum.Parse<SharingType>(SharingType), Enum.Parse<OpenType>(OpenType),
            Enum.Parse<UpdateFrequency>(UpdateFrequency), Enum.Parse<ResourceStatus>(Status), new SchemaVersion(VersionMajor, VersionMinor),
            Classifications.Select(Enum.Parse<DataClassification>).ToList(), HasPersonalInfo, FieldCount, UpdatedAt, Rank);
    }

    private sealed class ProviderRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }

    private sealed class PublisherRow
    {
        public Guid Id { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }

    private sealed class FieldsRow
    {
        public string Code { get; init; } = "";
        public string Fields { get; init; } = "[]";
    }

    private sealed class VersionRow
    {
        public int Major { get; init; }
        public int Minor { get; init; }
        public string Fields { get; init; } = "[]";
        public string ChangeKind { get; init; } = "";
        public string ChangeReasons { get; init; } = "[]";
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }

        public ResourceVersion ToVersion(Guid resourceId) => new(
            resourceId, new SchemaVersion(Major, Minor), SchemaJson.ReadFields(Fields), Enum.Parse<SchemaChangeKind>(ChangeKind),
            SchemaJson.ReadChanges(ChangeReasons), CreatedBy, CreatedAt, PublishedAt);
    }
}

/// <summary>An organization that provides resources.</summary>
public sealed record CatalogProvider(Guid Id, string Name);

/// <summary>The organization that publishes the catalog (dct:publisher of the DCAT catalog).</summary>
public sealed record CatalogPublisher(Guid Id, string Code, string Name);

/// <summary>The result of an edit: the resource as it is now, and the schema version the edit published, if any.</summary>
public sealed record ResourceChange(DataResource Resource, ResourceVersion? NewVersion);
