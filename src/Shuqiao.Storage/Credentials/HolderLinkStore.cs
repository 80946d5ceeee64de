using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Credentials;

/// <summary>A portal user and the holder whose licences they see.</summary>
public sealed record HolderLink(Guid UserId, string Login, HolderKind HolderKind, string HolderCode, DateTimeOffset LinkedAt, string LinkedBy);

/// <summary>The audit snapshot of a link: the holder code masked, as everywhere in the audit log.</summary>
public sealed record HolderLinkSnapshot(Guid UserId, string HolderKind, string HolderCode);

/// <summary>Links between Citizen users and 持证主体代码, made by an administrator (see docs/credentials.md).</summary>
public sealed class HolderLinkStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string SelectByUser = """
        select h.user_id, u.login, h.holder_kind, h.holder_code, h.linked_at, h.linked_by
        from licence_holder_links h join users u on u.id = h.user_id where h.user_id = @UserId
        """;

    private const string SelectCitizen = "select login from users where id = @UserId and status = 'Active' and 'Citizen' = any(roles)";

    private const string Upsert = """
        insert into licence_holder_links (user_id, holder_kind, holder_code, linked_at, linked_by)
        values (@UserId, @HolderKind, @HolderCode, @Now, @LinkedBy)
        on conflict (user_id) do update set holder_kind = excluded.holder_kind, holder_code = excluded.holder_code,
                                            linked_at = excluded.linked_at, linked_by = excluded.linked_by
        """;

    private const string Delete = "delete from licence_holder_links where user_id = @UserId";

    public async Task<HolderLink?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByUser, new { UserId = userId }, cancellationToken: cancellationToken));
        return row?.ToLink();
    }

    public async Task<Outcome<HolderLink>> LinkAsync(Guid userId, HolderKind kind, string holderCode, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var login = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectCitizen, new { UserId = userId }, transaction, cancellationToken: cancellationToken));
        if (login is null)
        {
            return Failure.Invalid(LicenceIssues.NotCitizenUser());
        }

        var before = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByUser, new { UserId = userId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Upsert, new { UserId = userId, HolderKind = kind.ToString(), HolderCode = holderCode, Now = now, LinkedBy = actor.Name }, transaction, cancellationToken: cancellationToken));
        var after = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectByUser, new { UserId = userId }, transaction, cancellationToken: cancellationToken))).ToLink();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licenceHolder.link", "User", userId.ToString(), login,
            before is null ? null : Snapshot(before.ToLink()), Snapshot(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    public async Task<bool> UnlinkAsync(Guid userId, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByUser, new { UserId = userId }, transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(Delete, new { UserId = userId }, transaction, cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licenceHolder.unlink", "User", userId.ToString(), before.Login, Snapshot(before.ToLink()), null), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static HolderLinkSnapshot Snapshot(HolderLink link) =>
        new(link.UserId, link.HolderKind.ToString(), link.HolderKind == HolderKind.Citizen ? ResidentId.Mask(link.HolderCode) : link.HolderCode);

    private sealed class Row
    {
        public Guid UserId { get; init; }
        public string Login { get; init; } = "";
        public string HolderKind { get; init; } = "";
        public string HolderCode { get; init; } = "";
        public DateTimeOffset LinkedAt { get; init; }
        public string LinkedBy { get; init; } = "";

        public HolderLink ToLink() => new(UserId, Login, Enum.Parse<HolderKind>(HolderKind), HolderCode, LinkedAt, LinkedBy);
    }
}
