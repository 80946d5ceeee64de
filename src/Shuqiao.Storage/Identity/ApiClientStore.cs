using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Identity;

/// <summary>The audit snapshot of an API client: no secret, no hash.</summary>
public sealed record ApiClientSnapshot(
    Guid Id, string KeyId, Guid OrganizationId, string Name, string? Description, IReadOnlyList<string> IpAllowList,
    int RateLimitPerMinute, string Status, DateTimeOffset? PreviousSecretExpiresAt)
{
    public static ApiClientSnapshot Of(ApiClient c) => new(
        c.Id, c.KeyId, c.OrganizationId, c.Name, c.Description, c.IpAllowList.ToStrings(), c.RateLimitPerMinute, c.Status.ToString(), c.PreviousSecretExpiresAt);
}

public sealed record NewApiClient(
    string KeyId, Guid OrganizationId, string Name, string? Description, IpAllowList IpAllowList, int RateLimitPerMinute, bool IsDemo);

public sealed record ApiClientChanges(string Name, string? Description, IpAllowList IpAllowList, int RateLimitPerMinute, int Version);

/// <summary>
/// API clients (应用系统). Management methods take an organization scope: null for a PlatformAdmin, otherwise the
/// caller's organization, and a client outside it is "not found". Deleted clients are invisible to all of them.
/// </summary>
public sealed class ApiClientStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = """
        c.id, c.key_id, c.organization_id, c.name, c.description, c.ip_allow_list::text[] as ip_allow_list,
        c.rate_limit_per_minute, c.status, c.is_demo, c.last_used_at, c.created_at, c.updated_at, c.version,
        c.previous_secret_expires_at
        """;

    private const string SelectVisible = $"""
        select {Columns} from api_clients c
        where c.id = @Id and c.status <> 'Deleted' and (@Scope::uuid is null or c.organization_id = @Scope)
        """;

    // Deleted clients are returned too, so that their key gets its own refusal reason.
    private const string SelectForAuthentication = $"""
        select {Columns}, c.secret_hash, c.previous_secret_hash, o.status = 'Active' as organization_active
        from api_clients c join organizations o on o.id = c.organization_id
        where c.key_id = @KeyId
        """;

    private const string SelectPage = $"""
        select {Columns} from api_clients c
        where c.status <> 'Deleted'
          and (@OrganizationId::uuid is null or c.organization_id = @OrganizationId)
          and (@After::uuid is null or c.id > @After)
        order by c.id
        limit @Limit
        """;

    private const string Insert = """
        insert into api_clients (id, key_id, organization_id, name, description, secret_hash, ip_allow_list,
                                 rate_limit_per_minute, status, is_demo, created_at, updated_at)
        values (@Id, @KeyId, @OrganizationId, @Name, @Description, @SecretHash, @IpAllowList::cidr[],
                @RateLimitPerMinute, 'Active', @IsDemo, @Now, @Now)
        """;

    private const string UpdateSettings = """
        update api_clients set name = @Name, description = @Description, ip_allow_list = @IpAllowList::cidr[],
                               rate_limit_per_minute = @RateLimitPerMinute, updated_at = @Now, version = version + 1
        where id = @Id and version = @Version
        """;

    private const string ReplaceSecret = """
        update api_clients set previous_secret_hash = case when @GraceUntil::timestamptz is null then null else secret_hash end,
                               previous_secret_expires_at = @GraceUntil,
                               secret_hash = @SecretHash, updated_at = @Now, version = version + 1
        where id = @Id
        """;

    // A deleted client also forgets its previous secret, so nothing about it can ever match again by accident.
    private const string UpdateStatus = """
        update api_clients set status = @Status, updated_at = @Now, version = version + 1,
                               previous_secret_hash = case when @Status = 'Deleted' then null else previous_secret_hash end,
                               previous_secret_expires_at = case when @Status = 'Deleted' then null else previous_secret_expires_at end
        where id = @Id
        """;

    // The condition makes this at most one write a minute per client however many nodes serve it.
    private const string Touch = """
        update api_clients set last_used_at = @Now
        where id = @Id and (last_used_at is null or last_used_at < @Now - interval '1 minute')
        """;

    public async Task<ApiClient?> FindAsync(Guid id, Guid? scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectVisible, new { Id = id, Scope = scope }, cancellationToken: cancellationToken));
        return row?.ToClient();
    }

    /// <summary>The client with its secret hashes, for authentication only.</summary>
    public async Task<ApiClientCredential?> FindForAuthenticationAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(SelectForAuthentication, new { KeyId = keyId }, cancellationToken: cancellationToken));
        return row is null ? null : new ApiClientCredential(row.ToClient(), row.SecretHash, row.PreviousSecretHash, row.OrganizationActive);
    }

    public async Task<IReadOnlyList<ApiClient>> ListAsync(Guid? organizationId, Guid? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            SelectPage, new { OrganizationId = organizationId, After = after, Limit = Math.Clamp(limit, 1, 501) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToClient()).ToList();
    }

    public async Task<Outcome<ApiClient>> CreateAsync(NewApiClient client, byte[] secretHash, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Insert,
                new
                {
                    Id = id, client.KeyId, client.OrganizationId, client.Name, client.Description, SecretHash = secretHash,
                    IpAllowList = client.IpAllowList.ToStrings().ToArray(), client.RateLimitPerMinute, client.IsDemo, Now = now,
                },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return NameTaken();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Failure.Invalid("organizationId", "does not name an existing organization");
        }

        var created = await SelectAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change("client.create", created, null, ApiClientSnapshot.Of(created)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Changes name, description, allow-list and rate limit, if <see cref="ApiClientChanges.Version"/> is current.</summary>
    public async Task<Outcome<ApiClient>> UpdateAsync(Guid id, Guid? scope, ApiClientChanges changes, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await LockAsync(connection, transaction, id, scope, cancellationToken);
        if (before is null)
        {
            return Failure.NotFound("The API client");
        }

        int updated;
        try
        {
            updated = await connection.ExecuteAsync(new CommandDefinition(
                UpdateSettings,
                new { Id = id, changes.Name, changes.Description, IpAllowList = changes.IpAllowList.ToStrings().ToArray(), changes.RateLimitPerMinute, Now = now, changes.Version },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return NameTaken();
        }

        if (updated == 0)
        {
            return Failure.Conflict("The API client was changed by someone else; reload and try again.", "version", "is not the current version");
        }

        var after = await SelectAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change("client.update", after, ApiClientSnapshot.Of(before), ApiClientSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>
    /// Replaces the secret. With a grace period the replaced secret keeps working until it ends (so a department can
    /// roll out the new key without downtime); without one it stops at once. A second rotation ends any earlier grace.
    /// </summary>
    public async Task<Outcome<ApiClient>> RotateAsync(Guid id, Guid? scope, byte[] secretHash, TimeSpan grace, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await LockAsync(connection, transaction, id, scope, cancellationToken);
        if (before is null)
        {
            return Failure.NotFound("The API client");
        }

        DateTimeOffset? graceUntil = grace > TimeSpan.Zero ? now + grace : null;
        await connection.ExecuteAsync(new CommandDefinition(
            ReplaceSecret, new { Id = id, SecretHash = secretHash, GraceUntil = graceUntil, Now = now }, transaction, cancellationToken: cancellationToken));
        var after = await SelectAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change("client.rotate", after, ApiClientSnapshot.Of(before), ApiClientSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    public Task<Outcome<ApiClient>> SuspendAsync(Guid id, Guid? scope, Actor actor, CancellationToken cancellationToken) =>
        SetStatusAsync(id, scope, ApiClientStatus.Suspended, "client.suspend", actor, cancellationToken);

    public Task<Outcome<ApiClient>> ActivateAsync(Guid id, Guid? scope, Actor actor, CancellationToken cancellationToken) =>
        SetStatusAsync(id, scope, ApiClientStatus.Active, "client.activate", actor, cancellationToken);

    /// <summary>Deletes for good: the key never works again and the client disappears from every list.</summary>
    public Task<Outcome<ApiClient>> DeleteAsync(Guid id, Guid? scope, Actor actor, CancellationToken cancellationToken) =>
        SetStatusAsync(id, scope, ApiClientStatus.Deleted, "client.delete", actor, cancellationToken);

    /// <summary>Records that the client was used (for the console's "last used"); a no-op within a minute of the last record.</summary>
    public async Task TouchAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Touch, new { Id = id, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private async Task<Outcome<ApiClient>> SetStatusAsync(Guid id, Guid? scope, ApiClientStatus status, string action, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await LockAsync(connection, transaction, id, scope, cancellationToken);
        if (before is null)
        {
            return Failure.NotFound("The API client");
        }

        if (before.Status == status)
        {
            return before; // already so: nothing changed, nothing to audit
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateStatus, new { Id = id, Status = status.ToString(), Now = now }, transaction, cancellationToken: cancellationToken));
        var after = await SelectAsync(connection, transaction, id, cancellationToken);
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, Change(action, after, ApiClientSnapshot.Of(before), ApiClientSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<ApiClient?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, Guid? scope, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectVisible + " for update of c", new { Id = id, Scope = scope }, transaction, cancellationToken: cancellationToken));
        return row?.ToClient();
    }

    private static async Task<ApiClient> SelectAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleAsync<Row>(new CommandDefinition(
            $"select {Columns} from api_clients c where c.id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken))).ToClient();

    private static AdminChange Change(string action, ApiClient client, ApiClientSnapshot? before, ApiClientSnapshot? after) =>
        new(action, "ApiClient", client.Id.ToString(), client.Name, before, after);

    private static Failure NameTaken() =>
        Failure.Conflict("The organization already has an API client with this name.", "name", "is already taken in this organization");

    // Dapper row types have settable properties: its constructor mapping would bypass the DateTimeOffset handler.
    private class Row
    {
        public Guid Id { get; init; }
        public string KeyId { get; init; } = "";
        public Guid OrganizationId { get; init; }
        public string Name { get; init; } = "";
        public string? Description { get; init; }
        public string[] IpAllowList { get; init; } = [];
        public int RateLimitPerMinute { get; init; }
        public string Status { get; init; } = "";
        public bool IsDemo { get; init; }
        public DateTimeOffset? LastUsedAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }
        public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

        public ApiClient ToClient() => new(
            Id, KeyId, OrganizationId, Name, Description, Core.Identity.IpAllowList.FromStored(IpAllowList), RateLimitPerMinute,
            Enum.Parse<ApiClientStatus>(Status), IsDemo, LastUsedAt, CreatedAt, UpdatedAt, Version, PreviousSecretExpiresAt);
    }

    private sealed class CredentialRow : Row
    {
        public byte[] SecretHash { get; init; } = [];
        public byte[]? PreviousSecretHash { get; init; }
        public bool OrganizationActive { get; init; }
    }
}
