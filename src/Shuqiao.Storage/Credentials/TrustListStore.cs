using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Credentials;

/// <summary>An issuer of another node whose licences this node accepts (跨省互认).</summary>
public sealed record TrustedIssuer(Guid Id, string Did, string Name, string? Node, string? P256Key, string? Sm2Key, string? StatusOrigin, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record NewTrustedIssuer(string Did, string Name, string? Node, string? P256Key, string? Sm2Key, string? StatusOrigin);

/// <summary>The trust list, kept by the data authority's platform administrators; every change is audited.</summary>
public sealed class TrustListStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, did, name, node, p256_key, sm2_key, status_origin, status, created_at, updated_at, version";

    private const string SelectActive = $"select {Columns} from credential_trust_list where status = 'Active' order by name, did";

    private const string SelectByDid = $"select {Columns} from credential_trust_list where did = @Did and status = 'Active'";

    private const string SelectById = $"select {Columns} from credential_trust_list where id = @Id";

    private const string Insert = """
        insert into credential_trust_list (id, did, name, node, p256_key, sm2_key, status_origin, status, created_at, updated_at)
        values (@Id, @Did, @Name, @Node, @P256Key, @Sm2Key, @StatusOrigin, 'Active', @Now, @Now)
        """;

    private const string Remove = "update credential_trust_list set status = 'Removed', updated_at = @Now, version = version + 1 where id = @Id and status = 'Active'";

    public async Task<IReadOnlyList<TrustedIssuer>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(SelectActive, cancellationToken: cancellationToken))).Select(r => r.ToIssuer()).ToList();
    }

    public async Task<TrustedIssuer?> FindByDidAsync(string did, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByDid, new { Did = did }, cancellationToken: cancellationToken)))?.ToIssuer();
    }

    public async Task<Outcome<TrustedIssuer>> AddAsync(NewTrustedIssuer issuer, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, new { Id = id, issuer.Did, issuer.Name, issuer.Node, issuer.P256Key, issuer.Sm2Key, issuer.StatusOrigin, Now = now }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(cancellationToken);
            return Failure.Conflict("The issuer is already on the trust list.", LicenceIssues.DidTaken());
        }

        var added = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToIssuer();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("trustList.add", "TrustedIssuer", id.ToString(), added.Name, null, added), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    public async Task<Outcome<TrustedIssuer>> RemoveAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById + " for update", new { Id = id }, transaction, cancellationToken: cancellationToken)))?.ToIssuer();
        if (before is null || before.Status != "Active")
        {
            return Failure.NotFound("The trusted issuer");
        }

        await connection.ExecuteAsync(new CommandDefinition(Remove, new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken));
        var after = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToIssuer();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("trustList.remove", "TrustedIssuer", id.ToString(), after.Name, before, after), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Did { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Node { get; init; }
        public string? P256Key { get; init; }
        public string? Sm2Key { get; init; }
        public string? StatusOrigin { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }

        public TrustedIssuer ToIssuer() => new(Id, Did, Name, Node, P256Key, Sm2Key, StatusOrigin, Status, CreatedAt, UpdatedAt, Version);
    }
}
