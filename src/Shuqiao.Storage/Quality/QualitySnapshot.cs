using System.Data;
using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using Shuqiao.Core.Quality;

namespace Shuqiao.Storage.Quality;

/// <summary>The record count and the last update of a resource, from one scan of its records and its batches.</summary>
public sealed record RecordTotals(long Records, DateTimeOffset? LastRecordUpdate, DateTimeOffset? LastCommittedBatch);

/// <summary>
/// The measurements of one resource, read in one read-only REPEATABLE READ transaction so every count sees the same
/// records. Set-based dimensions are single SQL statements over <c>payload -&gt;&gt; field</c>; conformity streams the
/// payloads (<see cref="PayloadsAsync"/>) one row at a time. Field names are parameters, never SQL text.
/// </summary>
public sealed class QualitySnapshot : IAsyncDisposable
{
    private const string SelectTotals = """
        select count(*) as Records, max(updated_at) as LastRecordUpdate,
               (select max(finished_at) from ingest_batches where resource_id = @ResourceId and status = 'Committed') as LastCommittedBatch
        from records where resource_id = @ResourceId
        """;

    // One scan: every record against every required field. ->> is null both for an absent property and a JSON null.
    private const string SelectMissingPerField = """
        select f.name as Field, count(*) filter (where r.payload ->> f.name is null) as Missing
        from records r cross join unnest(@Fields::text[]) as f(name)
        where r.resource_id = @ResourceId
        group by f.name
        """;

    private const string SelectMissingKeys = """
        select key from records where resource_id = @ResourceId and payload ->> @Field is null order by key limit @Limit
        """;

    // Checked: present values; failed: records whose value at least one other record has.
    private const string SelectDuplicates = """
        select coalesce(sum(n), 0)::bigint as Checked, coalesce(sum(n) filter (where n > 1), 0)::bigint as Failed
        from (select count(*) as n from records
              where resource_id = @ResourceId and payload ->> @Field is not null
              group by payload ->> @Field) as g
        """;

    private const string SelectDuplicateKeys = """
        select r.key from records r
        join (select payload ->> @Field as value from records
              where resource_id = @ResourceId and payload ->> @Field is not null
              group by payload ->> @Field having count(*) > 1) as d on d.value = r.payload ->> @Field
        where r.resource_id = @ResourceId
        order by r.key limit @Limit
        """;

    // A reference to the target's only key field is looked up by the primary key (resource_id, key).
    private const string SelectReferencesByKey = """
        select count(*) as Checked,
               count(*) filter (where not exists (select 1 from records t where t.resource_id = @TargetId and t.key = r.payload ->> @Field)) as Failed
        from records r where r.resource_id = @ResourceId and r.payload ->> @Field is not null
        """;

    private const string SelectReferencesByField = """
        select count(*) as Checked,
               count(*) filter (where not exists (select 1 from records t where t.resource_id = @TargetId and t.payload ->> @TargetField = r.payload ->> @Field)) as Failed
        from records r where r.resource_id = @ResourceId and r.payload ->> @Field is not null
        """;

    private const string SelectUnresolvedByKey = """
        select r.key from records r
        where r.resource_id = @ResourceId and r.payload ->> @Field is not null
          and not exists (select 1 from records t where t.resource_id = @TargetId and t.key = r.payload ->> @Field)
        order by r.key limit @Limit
        """;

    private const string SelectUnresolvedByField = """
        select r.key from records r
        where r.resource_id = @ResourceId and r.payload ->> @Field is not null
          and not exists (select 1 from records t where t.resource_id = @TargetId and t.payload ->> @TargetField = r.payload ->> @Field)
        order by r.key limit @Limit
        """;

    // Only the checked fields leave the database: the others are removed from the payload first.
    private const string SelectPayloads = "select key, (payload - @Drop::text[])::text from records where resource_id = @ResourceId";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private QualitySnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    internal static async Task<QualitySnapshot> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("set transaction read only", transaction: transaction, cancellationToken: cancellationToken));
            return new QualitySnapshot(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<RecordTotals> TotalsAsync(Guid resourceId, CancellationToken cancellationToken)
    {
        var row = await _connection.QuerySingleAsync<TotalsRow>(Command(SelectTotals, new { ResourceId = resourceId }, cancellationToken));
        return new RecordTotals(row.Records, row.LastRecordUpdate, row.LastCommittedBatch);
    }

    /// <summary>Records without a value, per field (fields of a resource with no records are absent: nothing missing).</summary>
    public async Task<IReadOnlyDictionary<string, long>> MissingAsync(Guid resourceId, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            return new Dictionary<string, long>();
        }

        var rows = await _connection.QueryAsync<FieldCountRow>(Command(SelectMissingPerField, new { ResourceId = resourceId, Fields = fields.ToArray() }, cancellationToken));
        return rows.ToDictionary(r => r.Field, r => r.Missing, StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<string>> MissingKeysAsync(Guid resourceId, string field, int limit, CancellationToken cancellationToken) =>
        KeysAsync(SelectMissingKeys, new { ResourceId = resourceId, Field = field, Limit = limit }, cancellationToken);

    public async Task<CheckCounts> DuplicatesAsync(Guid resourceId, string field, CancellationToken cancellationToken)
    {
        var row = await _connection.QuerySingleAsync<CountsRow>(Command(SelectDuplicates, new { ResourceId = resourceId, Field = field }, cancellationToken));
        return new CheckCounts(row.Checked, row.Failed);
    }

    public Task<IReadOnlyList<string>> DuplicateKeysAsync(Guid resourceId, string field, int limit, CancellationToken cancellationToken) =>
        KeysAsync(SelectDuplicateKeys, new { ResourceId = resourceId, Field = field, Limit = limit }, cancellationToken);

    /// <summary>
    /// Values of <paramref name="field"/> and how many of them the target resource does not hold. A null
    /// <paramref name="targetId"/> (the target resource is gone) resolves nothing. With <paramref name="targetField"/>
    /// null the target's key is compared (its only key field is the referenced one).
    /// </summary>
    public async Task<CheckCounts> ReferencesAsync(Guid resourceId, string field, Guid? targetId, string? targetField, CancellationToken cancellationToken)
    {
        var row = await _connection.QuerySingleAsync<CountsRow>(Command(
            targetField is null ? SelectReferencesByKey : SelectReferencesByField,
            new { ResourceId = resourceId, Field = field, TargetId = targetId, TargetField = targetField }, cancellationToken));
        return new CheckCounts(row.Checked, row.Failed);
    }

    public Task<IReadOnlyList<string>> UnresolvedKeysAsync(Guid resourceId, string field, Guid? targetId, string? targetField, int limit, CancellationToken cancellationToken) =>
        KeysAsync(targetField is null ? SelectUnresolvedByKey : SelectUnresolvedByField,
            new { ResourceId = resourceId, Field = field, TargetId = targetId, TargetField = targetField, Limit = limit }, cancellationToken);

    /// <summary>
    /// The current records' keys and payloads (without the <paramref name="drop"/> fields), streamed: one row is in
    /// memory at a time, whatever the size of the resource.
    /// </summary>
    public async IAsyncEnumerable<(string Key, string Payload)> PayloadsAsync(Guid resourceId, IReadOnlyCollection<string> drop, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drop);
        await using var command = new NpgsqlCommand(SelectPayloads, _connection, _transaction)
        {
            Parameters =
            {
                new NpgsqlParameter("ResourceId", resourceId),
                new NpgsqlParameter("Drop", drop.ToArray()),
            },
            CommandTimeout = 0,
        };
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task<IReadOnlyList<string>> KeysAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        (await _connection.QueryAsync<string>(Command(sql, parameters, cancellationToken))).ToList();

    // Measuring a large resource takes as long as it takes: no command timeout inside the snapshot.
    private CommandDefinition Command(string sql, object parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, _transaction, commandTimeout: 0, cancellationToken: cancellationToken);

    private sealed class TotalsRow
    {
        public long Records { get; init; }

        public DateTimeOffset? LastRecordUpdate { get; init; }

        public DateTimeOffset? LastCommittedBatch { get; init; }
    }

    private sealed class FieldCountRow
    {
        public string Field { get; init; } = "";

        public long Missing { get; init; }
    }

    private sealed class CountsRow
    {
        public long Checked { get; init; }

        public long Failed { get; init; }
    }
}
