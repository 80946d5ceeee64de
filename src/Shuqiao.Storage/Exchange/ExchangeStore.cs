using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Exchange;

/// <summary>The gateway's small tables: daily quota counters and (demo and test only) the generated pseudonym secret.</summary>
public sealed class ExchangeStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string PseudonymSecretSetting = "exchange.pseudonymSecret";

    // One statement, atomic across server instances: counts the request only while the day's count is below the quota.
    private const string Consume = """
        insert into exchange_quota_usage as q (grant_id, day, used) values (@GrantId, @Day::date, 1)
        on conflict (grant_id, day) do update set used = q.used + 1 where q.used < @Quota
        returning used
        """;

    private const string SelectUsed = "select coalesce((select used from exchange_quota_usage where grant_id = @GrantId and day = @Day::date), 0)";

    private const string InsertSecret = """
        insert into node_settings (key, value, updated_at) values (@Key, jsonb_build_object('secret', @Secret::text), @Now)
        on conflict (key) do nothing
        """;

    private const string SelectSecret = "select value ->> 'secret' from node_settings where key = @Key";

    /// <summary>Counts one allowed request of the grant on <paramref name="day"/>; false (nothing counted) when the quota is used up.</summary>
    public async Task<bool> TryConsumeAsync(Guid grantId, DateOnly day, int quota, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var used = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            Consume, new { GrantId = grantId, Day = day.ToDateTime(TimeOnly.MinValue), Quota = (long)quota }, cancellationToken: cancellationToken));
        return used is not null;
    }

    public async Task<long> UsedAsync(Guid grantId, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectUsed, new { GrantId = grantId, Day = day.ToDateTime(TimeOnly.MinValue) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Demo and test nodes only: a pseudonym secret generated once and kept in the database (so pseudonyms stay stable
    /// across restarts). Production nodes must configure Shuqiao:Exchange:PseudonymSecret instead.
    /// </summary>
    public async Task<byte[]> GeneratedSecretAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertSecret, new { Key = PseudonymSecretSetting, Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));
        var text = await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectSecret, new { Key = PseudonymSecretSetting }, cancellationToken: cancellationToken));
        return Convert.FromBase64String(text!);
    }
}
