using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Storage.Exchange;

/// <summary>An access event with what the audit table keeps beside it: the resource code as requested, its provider, the request id.</summary>
public sealed record AccessRecord(AccessEvent Event, string? ResourceCode, Guid? ProviderId, string? RequestId)
{
    public const string LedgerType = "access";

    /// <summary>
    /// The ledger entry of the event: ids, operation, outcome and row count only — never the end user, the purpose or
    /// the query's shape (the ledger is public; the audit row has them).
    /// </summary>
    public byte[] LedgerEntry()
    {
        // Written straight in RFC 8785 form — members in the order of their names' UTF-16 code units, no whitespace —
        // instead of building a JsonObject for Jcs to sort: this runs for every gateway call. The values are ids, enum
        // member names, an ISO time and a count (ASCII that needs no escaping), which every canonical form writes alike;
        // AccessRecordTests hold the bytes equal to Jcs.Canonicalize of the same members.
        return JsonBytes.Write(Event, CanonicalAscii, static (writer, e) =>
        {
            writer.WriteStartObject();
            writer.WriteString("client", e.ClientId);
            writer.WriteString("event", e.Id);
            WriteOptional(writer, "grant", e.GrantId);
            writer.WriteString("operation", e.Operation.ToString());
            writer.WriteString("organization", e.OrganizationId);
            writer.WriteString("outcome", e.Outcome.ToString());
            WriteOptional(writer, "reason", e.Reason?.ToString());
            WriteOptional(writer, "resource", e.ResourceId);
            writer.WriteNumber("rows", e.RowsReturned);
            writer.WriteString("time", LedgerEntryFormat.FormatTime(e.Time));
            writer.WriteString("type", LedgerType);
            writer.WriteNumber("v", LedgerEntryFormat.Version);
            writer.WriteEndObject();
        });
    }

    private static readonly JsonWriterOptions CanonicalAscii = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteOptional(Utf8JsonWriter writer, string name, Guid? value)
    {
        if (value is { } id)
        {
            writer.WriteString(name, id);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    public LedgerItem ToLedgerItem() => new(LedgerEntry(), Event.Id, this);
}

/// <summary>What an auditor searches for (every filter optional); <see cref="Before"/> is the keyset position (time, id).</summary>
/// <remarks><see cref="Subject"/> is a data subject's digest (<c>subjects</c>, docs/audit.md).</remarks>
public sealed record AccessEventSearch(
    Guid? OrganizationId, Guid? ClientId, Guid? ResourceId, Guid? ProviderId, string? EndUser, AccessOutcome? Outcome,
    DateTimeOffset? From, DateTimeOffset? To, (DateTimeOffset Time, Guid Id)? Before, int Limit, string? Subject = null);

/// <summary>One row of the access audit, as the API and console show it.</summary>
public sealed class AccessEventRow
{
    public DateTimeOffset Time { get; init; }
    public Guid Id { get; init; }
    public Guid ClientId { get; init; }
    public string? ClientName { get; init; }
    public Guid OrganizationId { get; init; }
    public string? OrganizationName { get; init; }
    public string? EndUser { get; init; }
    public Guid? ResourceId { get; init; }
    public string? ResourceCode { get; init; }
    public Guid? GrantId { get; init; }
    public string Operation { get; init; } = "";
    public string Shape { get; init; } = "";
    public int RowsReturned { get; init; }
    public string[] MaskedFields { get; init; } = [];
    public string? Purpose { get; init; }
    public string Outcome { get; init; } = "";
    public string? Reason { get; init; }
    public long LatencyUs { get; init; }
    public string? RequestId { get; init; }
}

/// <summary>A provider's view of one consumer's use of a resource (数据使用情况).</summary>
public sealed class AccessUsageRow
{
    public Guid OrganizationId { get; init; }
    public string? OrganizationName { get; init; }
    public string? Purpose { get; init; }
    public long Allowed { get; init; }
    public long Denied { get; init; }
    public long Rows { get; init; }
    public DateTimeOffset LastTime { get; init; }
}

/// <summary>
/// 访问审计. Rows are written by the ledger's group-commit batch (<see cref="ILedgerBatchParticipant"/>), in the same
/// transaction as their ledger entries; the table is append-only.
/// </summary>
public sealed class AccessEventStore(NpgsqlDataSource dataSource) : ILedgerBatchParticipant
{
    // One statement for the whole batch: the columns as arrays, unnested in step. Masked fields and subjects per row
    // travel as JSON arrays (an array of arrays cannot be unnested row by row).
    private const string Insert = """
        insert into access_events (time, client_id, id, organization_id, end_user, resource_id, resource_code, grant_id, provider_id, operation,
                                   shape, rows_returned, masked_fields, purpose, outcome, reason, latency_us, request_id, subjects)
        select t.time, t.client_id, t.id, t.organization_id, t.end_user, t.resource_id, t.resource_code, t.grant_id, t.provider_id, t.operation,
               t.shape, t.rows_returned, array(select jsonb_array_elements_text(t.masked_fields)), t.purpose, t.outcome, t.reason, t.latency_us, t.request_id,
               case when t.subjects is not null then array(select jsonb_array_elements_text(t.subjects)) end
        from unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::uuid[], $9::uuid[], $10::text[],
                    $11::text[], $12::integer[], $13::jsonb[], $14::text[], $15::text[], $16::text[], $17::bigint[], $18::text[], $19::jsonb[])
             as t(time, client_id, id, organization_id, end_user, resource_id, resource_code, grant_id, provider_id, operation,
                  shape, rows_returned, masked_fields, purpose, outcome, reason, latency_us, request_id, subjects)
        """;

    private const string Search = """
        select e.time, e.id, e.client_id, c.name as client_name, e.organization_id, o.name as organization_name, e.end_user, e.resource_id,
               e.resource_code, e.grant_id, e.operation, e.shape, e.rows_returned, e.masked_fields, e.purpose, e.outcome, e.reason,
               e.latency_us, e.request_id
        from access_events e
        left join api_clients c on c.id = e.client_id
        left join organizations o on o.id = e.organization_id
        where (@OrganizationId::uuid is null or e.organization_id = @OrganizationId)
          and (@ClientId::uuid is null or e.client_id = @ClientId)
          and (@ResourceId::uuid is null or e.resource_id = @ResourceId)
          and (@ProviderId::uuid is null or e.provider_id = @ProviderId)
          and (@EndUser::text is null or e.end_user = @EndUser)
          and (@Outcome::text is null or e.outcome = @Outcome)
          and (@From::timestamptz is null or e.time >= @From)
          and (@To::timestamptz is null or e.time < @To)
          and (@BeforeTime::timestamptz is null or (e.time, e.id) < (@BeforeTime, @BeforeId))
          /*subject*/
        order by e.time desc, e.id desc
        limit @Limit
        """;

    private const string Usage = """
        select e.organization_id, o.name as organization_name, e.purpose,
               count(*) filter (where e.outcome = 'Allowed') as allowed, count(*) filter (where e.outcome = 'Denied') as denied,
               coalesce(sum(e.rows_returned), 0) as rows, max(e.time) as last_time
        from access_events e left join organizations o on o.id = e.organization_id
        where e.resource_id = @ResourceId and e.time >= @From
        group by e.organization_id, o.name, e.purpose
        order by max(e.time) desc
        limit 200
        """;

    private const string CountsSince = """
        select count(*) filter (where outcome = 'Allowed') as allowed, count(*) filter (where outcome = 'Denied') as denied
        from access_events where resource_id = @ResourceId and time >= @From and (@Until::timestamptz is null or time < @Until)
        """;

    // 可访问性: a consumer holding a grant found the resource withdrawn. Refusals by the grant's own terms (purpose, quota,
    // fields) are the consumer's side and do not count against the resource.
    private const string AvailabilitySince = """
        select count(*) as calls, count(*) filter (where outcome = 'Denied' and reason = 'ResourceUnavailable') as unavailable
        from access_events where resource_id = @ResourceId and time >= @From and time < @Until
        """;

    public void AddCommands(NpgsqlBatch batch, IReadOnlyList<LedgerItem> items)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(items);
        var records = items.Select(i => i.Payload).OfType<AccessRecord>().ToList();
        if (records.Count == 0)
        {
            return;
        }

        var command = new NpgsqlBatchCommand(Insert);
        command.Parameters.Add(Column(records, r => r.Event.Time.ToUniversalTime()));
        command.Parameters.Add(Column(records, r => r.Event.ClientId));
        command.Parameters.Add(Column(records, r => r.Event.Id));
        command.Parameters.Add(Column(records, r => r.Event.OrganizationId));
        command.Parameters.Add(Column(records, r => r.Event.EndUser));
        command.Parameters.Add(Column(records, r => r.Event.ResourceId));
        command.Parameters.Add(Column(records, r => r.ResourceCode));
        command.Parameters.Add(Column(records, r => r.Event.GrantId));
        command.Parameters.Add(Column(records, r => r.ProviderId));
        command.Parameters.Add(Column(records, r => r.Event.Operation.ToString()));
        command.Parameters.Add(Column(records, r => r.Event.Shape.ToString()));
        command.Parameters.Add(Column(records, r => r.Event.RowsReturned));
        command.Parameters.Add(Column(records, r => JsonSerializer.Serialize(r.Event.MaskedFields)));
        command.Parameters.Add(Column(records, r => r.Event.Purpose));
        command.Parameters.Add(Column(records, r => r.Event.Outcome.ToString()));
        command.Parameters.Add(Column(records, r => r.Event.Reason?.ToString()));
        command.Parameters.Add(Column(records, r => r.Event.Latency.Ticks / 10));
        command.Parameters.Add(Column(records, r => r.RequestId));
        command.Parameters.Add(Column(records, r => r.Event.Subjects is { } subjects ? JsonSerializer.Serialize(subjects) : null));
        batch.BatchCommands.Add(command);
    }

    public async Task<IReadOnlyList<AccessEventRow>> SearchAsync(AccessEventSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The subject's condition is written only when asked for: "@x is null or …" would keep the planner (with a
        // generic plan) from the GIN index on subjects.
        var sql = search.Subject is null ? Search : Search.Replace("/*subject*/", "and e.subjects @> array[@Subject::text]", StringComparison.Ordinal);
        var rows = await connection.QueryAsync<AccessEventRow>(new CommandDefinition(sql, new
        {
            search.OrganizationId,
            search.ClientId,
            search.ResourceId,
            search.ProviderId,
            search.EndUser,
            Outcome = search.Outcome?.ToString(),
            search.From,
            search.To,
            BeforeTime = search.Before?.Time,
            BeforeId = search.Before?.Id,
            Limit = Math.Clamp(search.Limit, 1, 10_001),
            search.Subject,
        }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Who used a resource since <paramref name="from"/> and for what purpose (数据使用情况).</summary>
    public async Task<IReadOnlyList<AccessUsageRow>> UsageAsync(Guid resourceId, DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AccessUsageRow>(new CommandDefinition(Usage, new { ResourceId = resourceId, From = from }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Allowed and denied calls of a resource since <paramref name="from"/> (可访问性, the resource page).</summary>
    public async Task<(long Allowed, long Denied)> CountsAsync(Guid resourceId, DateTimeOffset from, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(
            CountsSince, new { ResourceId = resourceId, From = from, Until = until }, cancellationToken: cancellationToken));
        return (row.Allowed, row.Denied);
    }

    /// <summary>Calls on a resource in [from, until) and those refused because the resource was not available.</summary>
    public async Task<(long Calls, long Unavailable)> AvailabilityAsync(Guid resourceId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<AvailabilityRow>(new CommandDefinition(
            AvailabilitySince, new { ResourceId = resourceId, From = from, Until = until }, cancellationToken: cancellationToken));
        return (row.Calls, row.Unavailable);
    }

    private sealed class AvailabilityRow
    {
        public long Calls { get; init; }
        public long Unavailable { get; init; }
    }

    private sealed class CountsRow
    {
        public long Allowed { get; init; }
        public long Denied { get; init; }
    }

    private static NpgsqlParameter<T[]> Column<T>(List<AccessRecord> records, Func<AccessRecord, T> value) =>
        new() { TypedValue = records.Select(value).ToArray() };
}
