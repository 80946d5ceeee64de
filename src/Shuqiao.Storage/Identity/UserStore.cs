using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Identity;

/// <summary>The audit snapshot of a user: everything but the password hash and security stamp.</summary>
public sealed record UserSnapshot(Guid Id, string Login, string DisplayName, Guid OrganizationId, IReadOnlyList<string> Roles, string Status)
{
    public static UserSnapshot Of(User u) => new(u.Id, u.Login, u.DisplayName, u.OrganizationId, u.Roles, u.Status.ToString());
}

public sealed class UserStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = """
        id, login, display_name, organization_id, roles, status, is_demo, failed_login_count, locked_until,
        security_stamp, password_changed_at, last_login_at, created_at, updated_at, version
        """;

    private const string SelectById = $"select {Columns} from users where id = @Id";

    private const string SelectByLogin = $"select {Columns}, password_hash from users where lower(login) = lower(@Login)";

    private const string SelectPage = $"""
        select {Columns} from users
        where (@OrganizationId::uuid is null or organization_id = @OrganizationId)
          and (@Search::text is null or login ilike '%' || @Search || '%' or display_name ilike '%' || @Search || '%')
          and (@After::uuid is null or id > @After)
        order by id
        limit @Limit
        """;

    private const string Insert = """
        insert into users (id, login, display_name, organization_id, roles, password_hash, status, is_demo,
                           security_stamp, password_changed_at, created_at, updated_at)
        values (@Id, @Login, @DisplayName, @OrganizationId, @Roles, @PasswordHash, 'Active', @IsDemo,
                @SecurityStamp, @Now, @Now, @Now)
        """;

    private const string UpdateProfile = """
        update users set display_name = @DisplayName, organization_id = @OrganizationId, roles = @Roles,
                         status = @Status, updated_at = @Now, version = version + 1,
                         security_stamp = case when status <> @Status or roles <> @Roles then @NewStamp else security_stamp end
        where id = @Id and version = @Version
        """;

    private const string UpdatePassword = """
        update users set password_hash = @PasswordHash, password_changed_at = @Now, security_stamp = @NewStamp,
                         failed_login_count = 0, locked_until = null, updated_at = @Now, version = version + 1
        where id = @Id
        """;

    // One statement, so concurrent failures cannot lose a count; the lock starts on the failure that reaches the limit.
    private const string RecordFailure = """
        update users set failed_login_count = failed_login_count + 1,
                         locked_until = case when failed_login_count + 1 >= @MaxFailures then @LockedUntil else locked_until end
        where id = @Id
        returning failed_login_count, locked_until
        """;

    private const string RecordSuccess = """
        update users set failed_login_count = 0, locked_until = null, last_login_at = @Now where id = @Id
        """;

    private const string Unlock = """
        update users set failed_login_count = 0, locked_until = null, updated_at = @Now where id = @Id
        """;

    public async Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToUser();
    }

    /// <summary>The user and its password hash, for signing in only.</summary>
    public async Task<(User User, string PasswordHash)?> FindForLoginAsync(string login, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LoginRow>(new CommandDefinition(SelectByLogin, new { Login = login }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToUser(), row.PasswordHash);
    }

    public async Task<IReadOnlyList<User>> ListAsync(Guid? organizationId, string? search, Guid? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPage,
            new { OrganizationId = organizationId, Search = string.IsNullOrWhiteSpace(search) ? null : search.Trim(), After = after, Limit = Math.Clamp(limit, 1, 500) },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToUser()).ToList();
    }

    public async Task<Outcome<User>> CreateAsync(NewUser user, string passwordHash, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Insert,
                new { Id = id, user.Login, user.DisplayName, user.OrganizationId, Roles = user.Roles.ToArray(), PasswordHash = passwordHash, user.IsDemo, SecurityStamp = Guid.NewGuid(), Now = now },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Failure.Conflict("A user with this login already exists.", "login", "is already taken");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.Invalid("organizationId", "does not name an existing organization");
        }

        var created = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken))).ToUser();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("user.create", "User", id.ToString(), created.Login, null, UserSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Changes name, organization, roles or status; a change of roles or status ends the user's sessions.</summary>
    public async Task<Outcome<User>> UpdateAsync(User changed, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById + " for update", new { changed.Id }, transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return Failure.NotFound("The user");
        }

        int updated;
        try
        {
            updated = await connection.ExecuteAsync(new CommandDefinition(
                UpdateProfile,
                new { changed.Id, changed.DisplayName, changed.OrganizationId, Roles = changed.Roles.ToArray(), Status = changed.Status.ToString(), NewStamp = Guid.NewGuid(), Now = now, changed.Version },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.Invalid("organizationId", "does not name an existing organization");
        }

        if (updated == 0)
        {
            return Failure.Conflict("The user was changed by someone else; reload and try again.", "version", "is not the current version");
        }

        var after = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { changed.Id }, transaction, cancellationToken: cancellationToken))).ToUser();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("user.update", "User", after.Id.ToString(), after.Login, UserSnapshot.Of(before.ToUser()), UserSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    public async Task<bool> SetPasswordAsync(Guid id, string passwordHash, Actor actor, string action, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (user is null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdatePassword, new { Id = id, PasswordHash = passwordHash, NewStamp = Guid.NewGuid(), Now = now }, transaction, cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange(action, "User", id.ToString(), user.Login, null, null), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Counts a failed sign-in; returns when the account is locked until, if this failure locked it.</summary>
    public async Task<DateTimeOffset?> RecordFailedLoginAsync(User user, int maxFailures, TimeSpan lockout, string? sourceIp, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var failure = await connection.QuerySingleAsync<FailureRow>(new CommandDefinition(
            RecordFailure, new { user.Id, MaxFailures = maxFailures, LockedUntil = now + lockout }, transaction, cancellationToken: cancellationToken));
        var (count, lockedUntil) = (failure.FailedLoginCount, failure.LockedUntil);
        var locked = count == maxFailures;
        var actor = new Actor(ActorKind.User, user.Id, user.Login, user.OrganizationId, SourceIp: sourceIp);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange(locked ? "user.lockout" : "user.login-failed", "User", user.Id.ToString(), user.Login, null, new { failedLoginCount = count, lockedUntil }), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return locked ? lockedUntil : null;
    }

    public async Task RecordLoginAsync(User user, string? sourceIp, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordSuccess, new { user.Id, Now = now }, transaction, cancellationToken: cancellationToken));
        var actor = new Actor(ActorKind.User, user.Id, user.Login, user.OrganizationId, SourceIp: sourceIp);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("user.login", "User", user.Id.ToString(), user.Login, null, null), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> UnlockAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (user is null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(Unlock, new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken));
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("user.unlock", "User", id.ToString(), user.Login, null, null), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from users where status = 'Active'", cancellationToken: cancellationToken));
    }

    // Dapper row types have settable properties: its constructor mapping would bypass the DateTimeOffset handler.
    private class Row
    {
        public Guid Id { get; init; }
        public string Login { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public Guid OrganizationId { get; init; }
        public string[] Roles { get; init; } = [];
        public string Status { get; init; } = "";
        public bool IsDemo { get; init; }
        public int FailedLoginCount { get; init; }
        public DateTimeOffset? LockedUntil { get; init; }
        public Guid SecurityStamp { get; init; }
        public DateTimeOffset PasswordChangedAt { get; init; }
        public DateTimeOffset? LastLoginAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }

        public User ToUser() => new(
            Id, Login, DisplayName, OrganizationId, Roles, Enum.Parse<UserStatus>(Status), IsDemo, FailedLoginCount,
            LockedUntil, SecurityStamp, PasswordChangedAt, LastLoginAt, CreatedAt, UpdatedAt, Version);
    }

    private sealed class FailureRow
    {
        public int FailedLoginCount { get; init; }
        public DateTimeOffset? LockedUntil { get; init; }
    }

    private sealed class LoginRow : Row
    {
        public string PasswordHash { get; init; } = "";
    }
}

public sealed record NewUser(string Login, string DisplayName, Guid OrganizationId, IReadOnlyList<string> Roles, bool IsDemo = false);
