using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Identity;

/// <summary>The audit snapshot of a personal access token: no secret, no hash.</summary>
public sealed record AccessTokenSnapshot(Guid Id, string TokenId, Guid UserId, string Name, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static AccessTokenSnapshot Of(PersonalAccessToken t) => new(t.Id, t.TokenId, t.UserId, t.Name, t.Roles, t.ExpiresAt, t.RevokedAt);
}

public sealed record NewAccessToken(string TokenId, Guid UserId, string Name, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);

/// <summary>Personal access tokens (个人访问令牌). A user sees and revokes only their own.</summary>
public sealed class AccessTokenStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, token_id, user_id, name, roles, created_at, expires_at, revoked_at, last_used_at";

    private const string SelectById = $"select {Columns} from personal_access_tokens where id = @Id";

    private const string SelectByTokenId = $"select {Columns}, secret_hash from personal_access_tokens where token_id = @TokenId";

    // Newest first: the token just created is at the top.
    private const string SelectPageForUser = $"""
        select {Columns} from personal_access_tokens
        where user_id = @UserId and (@Before::uuid is null or id < @Before)
        order by id desc
        limit @Limit
        """;

    private const string Insert = """
        insert into personal_access_tokens (id, token_id, user_id, name, roles, secret_hash, created_at, expires_at)
        values (@Id, @TokenId, @UserId, @Name, @Roles, @SecretHash, @Now, @ExpiresAt)
        """;

    private const string Revoke = "update personal_access_tokens set revoked_at = @Now where id = @Id and revoked_at is null";

    private const string Touch = """
        update personal_access_tokens set last_used_at = @Now
        where id = @Id and (last_used_at is null or last_used_at < @Now - interval '1 minute')
        """;

    public async Task<PersonalAccessToken?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToToken();
    }

    /// <summary>The token with its secret hash, for authentication only.</summary>
    public async Task<AccessTokenCredential?> FindByTokenIdAsync(string tokenId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(SelectByTokenId, new { TokenId = tokenId }, cancellationToken: cancellationToken));
        return row is null ? null : new AccessTokenCredential(row.ToToken(), row.SecretHash);
    }

    /// <summary>A user's tokens, newest first; <paramref name="before"/> is the last id of the previous page.</summary>
    public async Task<IReadOnlyList<PersonalAccessToken>> ListForUserAsync(Guid userId, Guid? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPageForUser, new { UserId = userId, Before = before, Limit = Math.Clamp(limit, 1, 501) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToToken()).ToList();
    }

    public async Task<Outcome<PersonalAccessToken>> CreateAsync(NewAccessToken token, byte[] secretHash, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Insert,
                new { Id = id, token.TokenId, token.UserId, token.Name, Roles = token.Roles.ToArray(), SecretHash = secretHash, Now = now, token.ExpiresAt },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.NotFound("The user");
        }

        var created = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToToken();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change("token.create", created, null, AccessTokenSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Revokes one of <paramref name="userId"/>'s tokens; anyone else's is "not found". Revoking twice changes nothing.</summary>
    public async Task<Outcome<PersonalAccessToken>> RevokeAsync(Guid id, Guid userId, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectById + " for update", new { Id = id }, transaction, cancellationToken: cancellationToken)))?.ToToken();
        if (before is null || before.UserId != userId)
        {
            return Failure.NotFound("The token");
        }

        if (before.RevokedAt is not null)
        {
            return before;
        }

        await connection.ExecuteAsync(new CommandDefinition(Revoke, new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken));
        var after = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToToken();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change("token.revoke", after, AccessTokenSnapshot.Of(before), AccessTokenSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    public async Task TouchAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Touch, new { Id = id, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private static AdminChange Change(string action, PersonalAccessToken token, AccessTokenSnapshot? before, AccessTokenSnapshot? after) =>
        new(action, "PersonalAccessToken", token.Id.ToString(), token.Name, before, after);

    private class Row
    {
        public Guid Id { get; init; }
        public string TokenId { get; init; } = "";
        public Guid UserId { get; init; }
        public string Name { get; init; } = "";
        public string[] Roles { get; init; } = [];
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public DateTimeOffset? RevokedAt { get; init; }
        public DateTimeOffset? LastUsedAt { get; init; }

        public PersonalAccessToken ToToken() => new(Id, TokenId, UserId, Name, Roles, CreatedAt, ExpiresAt, RevokedAt, LastUsedAt);
    }

    private sealed class CredentialRow : Row
    {
        public byte[] SecretHash { get; init; } = [];
    }
}
