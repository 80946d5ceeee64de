using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Credentials;

/// <summary>The audit snapshot of a licence type.</summary>
public sealed record LicenceTypeSnapshot(Guid Id, Guid OrganizationId, string Code, string Name, string HolderKind, IReadOnlyList<LicenceField> Fields, int? ValidityYears, LicenceLayout Layout, string Status, int Version, string? CatalogCode)
{
    public static LicenceTypeSnapshot Of(LicenceType t) =>
        new(t.Id, t.OrganizationId, t.Code, t.Name, t.HolderKind.ToString(), t.Fields, t.Validity.Years, t.Layout, t.Status.ToString(), t.Version, t.CatalogCode);
}

/// <summary>A licence type with the name and code of its organization, for lists across organizations.</summary>
public sealed record LicenceTypeListing(LicenceType Type, string OrganizationName, string OrganizationCode, long Issued);

/// <summary>
/// Licence types (证照类型). Management takes an organization scope: null for a PlatformAdmin, otherwise the
/// caller's organization; a type outside the scope is "not found".
/// </summary>
public sealed class LicenceTypeStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = """
        t.id, t.organization_id, t.code, t.name, t.holder_kind, t.fields::text as fields, t.validity_years,
        t.layout::text as layout, t.status, t.created_at, t.updated_at, t.version, t.layout->>'catalogCode' as catalog_code
        """;

    // The catalog resource code rides in the layout jsonb (key catalogCode) so that no migration is needed; it is
    // set once at creation and every later layout write keeps it.
    private const string SelectByCatalogCode = $"select {Columns} from licence_types t where t.layout->>'catalogCode' = @CatalogCode";

    private const string SelectById = $"select {Columns} from licence_types t where t.id = @Id and (@Scope::uuid is null or t.organization_id = @Scope)";

    private const string SelectByCode = $"select {Columns} from licence_types t where t.code = @Code";

    private const string SelectListing = $"""
        select {Columns}, o.name as organization_name, o.code as organization_code,
               (select count(*) from licences l where l.type_id = t.id) as issued
        from licence_types t join organizations o on o.id = t.organization_id
        where (@Scope::uuid is null or t.organization_id = @Scope)
          and (@Status::text is null or t.status = @Status)
        order by o.name, t.code
        """;

    // Serializes sequence allocation per organization without locking the organization row itself.
    private const string LockOrganizationTypes = "select pg_advisory_xact_lock(hashtextextended('licence_types:' || @OrganizationId::text, 0))";

    private const string NextSequence = "select coalesce(max(sequence), 0) + 1 from licence_types where organization_id = @OrganizationId";

    private const string SelectOrganizationCode = "select code from organizations where id = @OrganizationId and status = 'Active'";

    private const string NameTaken = "select exists (select 1 from licence_types where organization_id = @OrganizationId and lower(name) = lower(@Name) and status = 'Active' and id <> @Id)";

    private const string Insert = """
        insert into licence_types (id, organization_id, code, sequence, name, holder_kind, fields, validity_years, layout, status, created_at, updated_at)
        values (@Id, @OrganizationId, @Code, @Sequence, @Name, @HolderKind, @Fields::jsonb, @ValidityYears,
                @Layout::jsonb || jsonb_strip_nulls(jsonb_build_object('catalogCode', @CatalogCode::text)), 'Active', @Now, @Now)
        """;

    private const string Update = """
        update licence_types set name = @Name, fields = @Fields::jsonb, validity_years = @ValidityYears,
               layout = @Layout::jsonb || jsonb_strip_nulls(jsonb_build_object('catalogCode', layout->'catalogCode')),
               updated_at = @Now, version = version + 1
        where id = @Id
        """;

    private const string UpdateStatus = "update licence_types set status = @Status, updated_at = @Now, version = version + 1 where id = @Id";

    public async Task<LicenceType?> FindAsync(Guid id, Guid? scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id, Scope = scope }, cancellationToken: cancellationToken));
        return row?.ToType();
    }

    public async Task<LicenceType?> FindByCodeAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByCode, new { Code = code }, cancellationToken: cancellationToken));
        return row?.ToType();
    }

    /// <summary>The licence type registered in the catalog under this resource code, if any.</summary>
    public async Task<LicenceType?> FindByCatalogCodeAsync(string catalogCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByCatalogCode, new { CatalogCode = catalogCode }, cancellationToken: cancellationToken));
        return row?.ToType();
    }

    public async Task<IReadOnlyList<LicenceTypeListing>> ListAsync(Guid? scope, LicenceTypeStatus? status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ListingRow>(new CommandDefinition(SelectListing, new { Scope = scope, Status = status?.ToString() }, cancellationToken: cancellationToken));
        return rows.Select(r => new LicenceTypeListing(r.ToType(), r.OrganizationName, r.OrganizationCode, r.Issued)).ToList();
    }

    /// <summary>Creates a type under the next free three-digit sequence of its organization (证照类型代码 = credit code + sequence).</summary>
    public async Task<Outcome<LicenceType>> CreateAsync(Guid organizationId, LicenceTypeDefinition definition, string? catalogCode, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockOrganizationTypes, new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        var organizationCode = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectOrganizationCode, new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        if (organizationCode is null)
        {
            return Failure.Invalid("organizationId", "does not name an active organization");
        }

        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(NameTaken, new { OrganizationId = organizationId, definition.Name, Id = id }, transaction, cancellationToken: cancellationToken)))
        {
            return Failure.Conflict("The organization already has a licence type with this name.", LicenceIssues.TypeNameTaken(definition.Name));
        }

        var sequence = await connection.ExecuteScalarAsync<int>(new CommandDefinition(NextSequence, new { OrganizationId = organizationId }, transaction, cancellationToken: cancellationToken));
        if (sequence > 999)
        {
            return Failure.Conflict("No type code is left.", LicenceIssues.TypeCodeTaken());
        }

        var code = LicenceTypeCode.Of(organizationCode.Trim(), sequence);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            OrganizationId = organizationId,
            Code = code,
            Sequence = sequence,
            definition.Name,
            HolderKind = definition.HolderKind.ToString(),
            Fields = CredentialJson.Serialize(definition.Fields),
            ValidityYears = definition.Validity.Years,
            Layout = CredentialJson.Serialize(definition.Layout),
            CatalogCode = catalogCode,
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
        var created = await ReadAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licenceType.create", "LicenceType", id.ToString(), created.Name, null, LicenceTypeSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Changes name, fields, validity and layout (licences already issued keep what they were issued with).</summary>
    public async Task<Outcome<LicenceType>> UpdateAsync(Guid id, Guid? scope, LicenceTypeDefinition definition, int version, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById + " for update", new { Id = id, Scope = scope }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The licence type");
        }

        var before = row.ToType();
        if (before.Version != version)
        {
            return Failure.Conflict("The licence type was changed by someone else; reload it and try again.", "version", "is not the current version");
        }

        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(NameTaken, new { before.OrganizationId, definition.Name, Id = id }, transaction, cancellationToken: cancellationToken)))
        {
            return Failure.Conflict("The organization already has a licence type with this name.", LicenceIssues.TypeNameTaken(definition.Name));
        }

        await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            Id = id,
            definition.Name,
            Fields = CredentialJson.Serialize(definition.Fields),
            ValidityYears = definition.Validity.Years,
            Layout = CredentialJson.Serialize(definition.Layout),
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
        var after = await ReadAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licenceType.update", "LicenceType", id.ToString(), after.Name, LicenceTypeSnapshot.Of(before), LicenceTypeSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>Retires a type: no more licences are issued under it; those issued stay valid.</summary>
    public async Task<Outcome<LicenceType>> SetStatusAsync(Guid id, Guid? scope, LicenceTypeStatus status, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById + " for update", new { Id = id, Scope = scope }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The licence type");
        }

        var before = row.ToType();
        if (before.Status == status)
        {
            return before;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateStatus, new { Id = id, Status = status.ToString(), Now = now }, transaction, cancellationToken: cancellationToken));
        var after = await ReadAsync(connection, transaction, id, cancellationToken);
        var action = status == LicenceTypeStatus.Retired ? "licenceType.retire" : "licenceType.activate";
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange(action, "LicenceType", id.ToString(), after.Name, LicenceTypeSnapshot.Of(before), LicenceTypeSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<LicenceType> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id, Scope = (Guid?)null }, transaction, cancellationToken: cancellationToken))).ToType();

    private class Row
    {
        public Guid Id { get; init; }
        public Guid OrganizationId { get; init; }
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string HolderKind { get; init; } = "";
        public string Fields { get; init; } = "[]";
        public int? ValidityYears { get; init; }
        public string Layout { get; init; } = "{}";
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }
        public string? CatalogCode { get; init; }

        public LicenceType ToType() => new(
            Id, OrganizationId, Code.Trim(), Name, Enum.Parse<HolderKind>(HolderKind), CredentialJson.Deserialize<List<LicenceField>>(Fields),
            new ValidityRule(ValidityYears), CredentialJson.Deserialize<LicenceLayout>(Layout), Enum.Parse<LicenceTypeStatus>(Status), CreatedAt, UpdatedAt, Version, CatalogCode);
    }

    private sealed class ListingRow : Row
    {
        public string OrganizationName { get; init; } = "";
        public string OrganizationCode { get; init; } = "";
        public long Issued { get; init; }
    }
}
