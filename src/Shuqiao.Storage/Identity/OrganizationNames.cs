using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Identity;

public sealed record OrganizationName(Guid Id, string Name, bool Active);

/// <summary>
/// Organization names for the identity pages' pickers and lists (which organization a user or API client belongs
/// to). Read-only; the Organizations capability owns the rows.
/// </summary>
public sealed class OrganizationNames(NpgsqlDataSource dataSource)
{
    private const string SelectAll = "select id, name, status = 'Active' as active from organizations order by name, id";

    private const string SelectOne = "select id, name, status = 'Active' as active from organizations where id = @Id";

    public async Task<IReadOnlyList<OrganizationName>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        return rows.Select(r => new OrganizationName(r.Id, r.Name, r.Active)).ToList();
    }

    public async Task<OrganizationName?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectOne, new { Id = id }, cancellationToken: cancellationToken));
        return row is null ? null : new OrganizationName(row.Id, row.Name, row.Active);
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public bool Active { get; init; }
    }
}
