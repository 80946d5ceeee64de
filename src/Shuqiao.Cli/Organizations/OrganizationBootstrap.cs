using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Cli.Organizations;

/// <summary>
/// The one organization a new node needs before its first administrator can exist: found by code, or inserted
/// with plain SQL and audited. Deliberately minimal — the Organizations capability's store owns everything else
/// (hierarchy, updates, imports); this only bootstraps a top-level organization on an empty node.
/// </summary>
internal sealed class OrganizationBootstrap(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string SelectByCode = "select id, code, name, level from organizations where code = @Code";

    // The first organization of a node is its data bureau (数据主管部门) unless the node already has one.
    private const string Insert = """
        insert into organizations (id, code, name, level, parent_id, is_data_authority, status, created_at, updated_at)
        values (@Id, @Code, @Name, @Level, null,
                not exists (select 1 from organizations where is_data_authority), 'Active', @Now, @Now)
        returning is_data_authority
        """;

    public async Task<OrganizationRow?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OrganizationRow>(new CommandDefinition(SelectByCode, new { Code = code }, cancellationToken: cancellationToken));
    }

    public async Task<Outcome<OrganizationRow>> CreateAsync(string code, string name, OrganizationLevel level, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (CreditCode.Validate(code) is { } codeError)
        {
            errors.Add("code", codeError);
        }

        name = name.Trim();
        if (name.Length is 0 or > 200)
        {
            errors.Add("name", "must be 1–200 characters");
        }

        if (!errors.IsEmpty)
        {
            return Failure.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        bool isDataAuthority;
        try
        {
            isDataAuthority = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                Insert, new { Id = id, Code = code, Name = name, Level = level.ToString(), Now = now }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Failure.Conflict("An organization with this code already exists.", "code", "is already registered");
        }

        var snapshot = new { id, code, name, level = level.ToString(), parentId = (Guid?)null, isDataAuthority, status = "Active" };
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("organization.create", "Organization", id.ToString(), name, null, snapshot), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OrganizationRow { Id = id, Code = code, Name = name, Level = level.ToString() };
    }
}

internal sealed class OrganizationRow
{
    public Guid Id { get; init; }

    public string Code { get; init; } = "";

    public string Name { get; init; } = "";

    public string Level { get; init; } = "";
}
