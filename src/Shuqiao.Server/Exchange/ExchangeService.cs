using Microsoft.AspNetCore.DataProtection;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Ingestion;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Exchange;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Exchange;

/// <summary>Who asks (from the API client's credential) and the request's headers.</summary>
public sealed record ExchangeCaller(Guid ClientId, Guid OrganizationId, string? Purpose, string? EndUser, string RequestId);

/// <summary>The gateway's answer: the JSON body of an allowed request (status 200 or 404 for a missing record), or the denial.</summary>
public sealed record ExchangeAnswer(int Status, byte[]? Json, Denial? Denial)
{
    public static ExchangeAnswer Ok(byte[] json) => new(StatusCodes.Status200OK, json, null);

    public static ExchangeAnswer Refused(Denial denial) => new(0, null, denial);
}

/// <summary>
/// The exchange gateway's hot path (design §3): resource (cached) → grant (cached, invalidated by LISTEN) →
/// <see cref="ExchangeGateway"/> decides → quota → ONE SQL query → <see cref="QueryPlan.Project"/> masks → the access
/// event is appended through the ledger's group-commit writer and awaited → answer. Denials are audited the same way.
/// </summary>
public sealed partial class ExchangeService(
    CatalogStore catalog,
    GrantCache grants,
    ExchangeStore store,
    NpgsqlDataSource dataSource,
    LedgerWriter ledger,
    PseudonymKeys pseudonyms,
    ExchangeMetrics metrics,
    IOptions<ExchangeOptions> options,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<ExchangeService> logger)
{
    // Chinese text as is, not \uXXXX escapes: the consumers' systems read and log these answers.
    private static readonly JsonWriterOptions AnswerJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly TimeSpan ChinaOffset = ValueParsingOptions.ChinaStandardTime;
    private readonly ConcurrentDictionary<string, ResourceEntry?> _resources = new(StringComparer.Ordinal);
    private readonly ExchangeGateway.Limits _limits = new(options.Value.DefaultPageSize, options.Value.MaxPageSize);

    // Read once per catalog load: every call parses its key with them, and records the personal parts as subjects.
    private sealed record ResourceEntry(DataResource Resource, CompiledSchema Schema, ValueParsingOptions Options, long LoadedAt)
    {
        public IReadOnlyList<ResourceField> KeyFields { get; } = [.. Resource.KeyFields];

        public bool PersonalKey { get; } = Resource.KeyFields.Any(f => f.PersonalInfo != PersonalInfoKind.None);
    }

    /// <summary><c>GET /exchange/{code}/records/{key}</c>: one record by its key (several key fields joined by <c>|</c>).</summary>
    public Task<ExchangeAnswer> RecordAsync(ExchangeCaller caller, string code, string key, CancellationToken cancellationToken) =>
        RecordAsync(caller, code, key, audited: true, cancellationToken);

    /// <summary>
    /// The gateway benchmark's middle path (benchmark mode only): <see cref="RecordAsync(ExchangeCaller, string, string, CancellationToken)"/>
    /// without the access event of an allowed read, so that the benchmark can tell the audit's cost from the rest of governance.
    /// </summary>
    public Task<ExchangeAnswer> UnauditedRecordAsync(ExchangeCaller caller, string code, string key, CancellationToken cancellationToken) =>
        RecordAsync(caller, code, key, audited: false, cancellationToken);

    private async Task<ExchangeAnswer> RecordAsync(ExchangeCaller caller, string code, string key, bool audited, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var entry = await ResourceAsync(code, cancellationToken);
        var gatewayCaller = new GatewayCaller(caller.ClientId, caller.OrganizationId, caller.Purpose, now, 0);
        if (entry is null)
        {
            return await DenyAsync(caller, gatewayCaller, code, null, null, AccessOperation.Record, null, NoResource, started);
        }

        var resource = entry.Resource;
        var grant = (await grants.FindAsync(resource.Id, caller.OrganizationId, caller.ClientId, cancellationToken))?.Grant;
        var (canonicalKey, lookup) = ParseKey(entry, key);
        var query = new ExchangeQuery(null, lookup, [], 1, null);
        var decision = ExchangeGateway.Decide(grant, resource, gatewayCaller, query, _limits);
        decision = await QuotaAsync(decision, grant, resource, gatewayCaller, query, now, cancellationToken);
        if (decision.Denial is { } denial)
        {
            return await DenyAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Record, QueryShape.Of(query), denial, started);
        }

        var plan = decision.Plan!;
        List<(string Key, string Payload)> rows = [];
        byte[]? body = null;
        try
        {
            if (canonicalKey is not null)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                rows = await RecordQuerySql.Page(resource, canonicalKey, plan.Filter, [], null, 1).ReadAsync(connection, cancellationToken);
            }

            if (rows.Count == 1)
            {
                using var document = JsonDocument.Parse(rows[0].Payload);
                body = JsonBytes.Write((Plan: plan, Record: document.RootElement, Masking: pseudonyms.For(caller.OrganizationId)), AnswerJson,
                    static (writer, s) => s.Plan.Project(s.Record, s.Masking, writer));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailedAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Record, plan.Shape, started, e);
            throw;
        }

        if (audited)
        {
            var subjects = canonicalKey is null ? null : Subjects(entry, [canonicalKey]);
            await AuditAsync(AccessEvent.Allowed(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, AccessOperation.Record, plan, rows.Count, Elapsed(started), subjects), code, resource, caller);
        }

        return body is null ? new ExchangeAnswer(StatusCodes.Status404NotFound, null, null) : ExchangeAnswer.Ok(body);
    }

    /// <summary><c>POST /exchange/{code}/query</c>: a page of records matching the filter, within the grant's scope.</summary>
    public async Task<ExchangeAnswer> QueryAsync(ExchangeCaller caller, string code, JsonElement body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var entry = await ResourceAsync(code, cancellationToken);
        var gatewayCaller = new GatewayCaller(caller.ClientId, caller.OrganizationId, caller.Purpose, now, 0);
        if (entry is null)
        {
            return await DenyAsync(caller, gatewayCaller, code, null, null, AccessOperation.Query, null, NoResource, started);
        }

        var resource = entry.Resource;
        var grant = (await grants.FindAsync(resource.Id, caller.OrganizationId, caller.ClientId, cancellationToken))?.Grant;
        var decision = ExchangeGateway.Decide(grant, resource, gatewayCaller, body, entry.Options, _limits);
        RecordCursor? cursor = null;
        if (decision.Plan is { Cursor: { } cursorText } readPlan)
        {
            cursor = Unprotect(cursorText, caller.OrganizationId) is { } plain ? RecordCursor.Decode(plain, readPlan.Sort.Count) : null;
            if (cursor is null)
            {
                decision = new Denial(DenialReason.InvalidQuery, "cursor", [ExchangeIssues.Cursor("cursor")]);
            }
        }

        if (decision.Plan is not null && grant?.DailyQuota is { } quota && !await store.TryConsumeAsync(grant.Id, Today(now), quota, cancellationToken))
        {
            decision = ExchangeGateway.Decide(grant, resource, gatewayCaller with { UsedToday = quota }, body, entry.Options, _limits);
        }

        if (decision.Denial is { } denial)
        {
            return await DenyAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Query, decision.Plan?.Shape, denial, started);
        }

        var plan = decision.Plan!;
        List<(string Key, string Payload)> rows;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            rows = await RecordQuerySql.Page(resource, null, plan.Filter, plan.Sort, cursor, plan.PageSize + 1).ReadAsync(connection, cancellationToken);
        }
        catch (FormatException)
        {
            return await DenyAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Query, plan.Shape,
                new Denial(DenialReason.InvalidQuery, "cursor", [ExchangeIssues.Cursor("cursor")]), started);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailedAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Query, plan.Shape, started, e);
            throw;
        }

        var more = rows.Count > plan.PageSize;
        var count = Math.Min(rows.Count, plan.PageSize);
        var context = pseudonyms.For(caller.OrganizationId);
        var json = JsonBytes.Write(0, AnswerJson, (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("items");
            writer.WriteStartArray();
            string? next = null;
            for (var i = 0; i < count; i++)
            {
                using var document = JsonDocument.Parse(rows[i].Payload);
                plan.Project(document.RootElement, context, writer);
                if (more && i == count - 1)
                {
                    next = Protect(new RecordCursor(
                        plan.Sort.Select(s => document.RootElement.TryGetProperty(s.Field, out var v) && v.ValueKind != JsonValueKind.Null ? (JsonElement?)v.Clone() : null).ToList(),
                        rows[i].Key).Encode(), caller.OrganizationId);
                }
            }

            writer.WriteEndArray();
            writer.WriteString("nextCursor", next);
            writer.WriteEndObject();
        });

        await AuditAsync(AccessEvent.Allowed(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, AccessOperation.Query, plan, count, Elapsed(started),
            Subjects(entry, rows.Take(count).Select(r => r.Key))), code, resource, caller);
        return ExchangeAnswer.Ok(json);
    }

    /// <summary><c>POST /exchange/{code}/verify</c> (核验): <c>{"values": {field: value}}</c> → match / no match per field, never a stored value.</summary>
    public async Task<ExchangeAnswer> VerifyAsync(ExchangeCaller caller, string code, JsonElement body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var entry = await ResourceAsync(code, cancellationToken);
        var gatewayCaller = new GatewayCaller(caller.ClientId, caller.OrganizationId, caller.Purpose, now, 0);
        if (entry is null)
        {
            return await DenyAsync(caller, gatewayCaller, code, null, null, AccessOperation.Verify, null, NoResource, started);
        }

        var resource = entry.Resource;
        var grant = (await grants.FindAsync(resource.Id, caller.OrganizationId, caller.ClientId, cancellationToken))?.Grant;
        var values = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("values", out var v) ? v : body.ValueKind == JsonValueKind.Object ? default : body;
        var decision = ExchangeGateway.DecideVerify(grant, resource, entry.Schema, gatewayCaller, values);
        if (decision.Plan is not null && grant?.DailyQuota is { } quota && !await store.TryConsumeAsync(grant.Id, Today(now), quota, cancellationToken))
        {
            decision = ExchangeGateway.DecideVerify(grant, resource, entry.Schema, gatewayCaller with { UsedToday = quota }, values);
        }

        if (decision.Denial is { } denial)
        {
            return await DenyAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Verify, null, denial, started);
        }

        var plan = decision.Plan!;
        var key = BatchReader.Key(entry.KeyFields.Select(k => plan.Submitted[k.Name].Text).ToList());
        List<(string Key, string Payload)> rows;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            rows = await RecordQuerySql.Page(resource, key, plan.Lookup, [], null, 1).ReadAsync(connection, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailedAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Verify, plan.Shape, started, e);
            throw;
        }

        Dictionary<string, TypedValue>? stored = null;
        if (rows.Count == 1)
        {
            using var document = JsonDocument.Parse(rows[0].Payload);
            stored = new Dictionary<string, TypedValue>(StringComparer.Ordinal);
            foreach (var name in plan.Submitted.Keys)
            {
                if (document.RootElement.TryGetProperty(name, out var value) && entry.Schema.CheckJson(name, value).Value is { } typed)
                {
                    stored[name] = typed;
                }
            }
        }

        var result = plan.Compare(stored);
        var json = JsonBytes.Write(result, AnswerJson, static (writer, result) =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("allMatch", result.AllMatch);
            writer.WritePropertyName("fields");
            writer.WriteStartObject();
            foreach (var (name, outcome) in result.Fields)
            {
                writer.WriteString(name, outcome == VerifyOutcome.Match ? "match" : "noMatch");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });

        await AuditAsync(AccessEvent.Allowed(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, plan, Elapsed(started), Subjects(entry, [key])), code, resource, caller);
        return ExchangeAnswer.Ok(json);
    }

    /// <summary>
    /// <c>GET /exchange/{code}/changes?since=&lt;cursor&gt;</c> (增量同步): records written or deleted since the cursor, oldest
    /// first, within the grant's row scope, projected and masked as reads are (a deletion carries the granted key fields).
    /// The answer's <c>nextCursor</c> is where the next poll starts (the same cursor when nothing changed).
    /// </summary>
    public async Task<ExchangeAnswer> ChangesAsync(ExchangeCaller caller, string code, string? since, int? pageSize, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var entry = await ResourceAsync(code, cancellationToken);
        var gatewayCaller = new GatewayCaller(caller.ClientId, caller.OrganizationId, caller.Purpose, now, 0);
        if (entry is null)
        {
            return await DenyAsync(caller, gatewayCaller, code, null, null, AccessOperation.Changes, null, NoResource, started);
        }

        var resource = entry.Resource;
        var grant = (await grants.FindAsync(resource.Id, caller.OrganizationId, caller.ClientId, cancellationToken))?.Grant;
        var query = new ExchangeQuery(null, null, [], pageSize, since);
        var decision = ExchangeGateway.Decide(grant, resource, gatewayCaller, query, _limits);
        (DateTimeOffset Time, string Key)? position = null;
        if (decision.Plan is not null && pageSize is < 1)
        {
            decision = new Denial(DenialReason.InvalidQuery, "pageSize", [ExchangeIssues.PageSize("pageSize", _limits.MaxPageSize)]);
        }
        else if (decision.Plan is not null && since is not null)
        {
            position = Unprotect(since, caller.OrganizationId) is { } plain ? ChangeCursor.Decode(plain) : null;
            if (position is null)
            {
                decision = new Denial(DenialReason.InvalidQuery, "since", [ExchangeIssues.Cursor("since")]);
            }
        }

        decision = await QuotaAsync(decision, grant, resource, gatewayCaller, query, now, cancellationToken);
        if (decision.Denial is { } denial)
        {
            return await DenyAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Changes, QueryShape.Of(query), denial, started);
        }

        var plan = decision.Plan!;
        List<(string Key, string Payload, DateTimeOffset Time, bool Deleted)> rows;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            rows = await RecordQuerySql.Changes(resource, plan.Filter, position?.Time, position?.Key ?? "", now.AddSeconds(-options.Value.ChangesLagSeconds), plan.PageSize)
                .ReadChangesAsync(connection, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailedAsync(caller, gatewayCaller, code, resource, grant?.Id, AccessOperation.Changes, plan.Shape, started, e);
            throw;
        }

        var context = pseudonyms.For(caller.OrganizationId);
        var keysOnly = plan with { Fields = plan.Fields.Where(f => f.Field.Key).ToList() };
        var json = JsonBytes.Write(0, AnswerJson, (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("items");
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                using var document = JsonDocument.Parse(row.Payload);
                writer.WriteStartObject();
                writer.WriteString("op", row.Deleted ? "delete" : "upsert");
                writer.WriteString("changedAt", row.Time);
                writer.WritePropertyName("record");
                (row.Deleted ? keysOnly : plan).Project(document.RootElement, context, writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("nextCursor", rows.Count > 0 ? Protect(ChangeCursor.Encode(rows[^1].Time, rows[^1].Key), caller.OrganizationId) : since);
            writer.WriteEndObject();
        });

        await AuditAsync(AccessEvent.Allowed(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, AccessOperation.Changes, plan, rows.Count, Elapsed(started),
            Subjects(entry, rows.Select(r => r.Key))), code, resource, caller);
        return ExchangeAnswer.Ok(json);
    }

    /// <summary>
    /// The benchmark's baseline (benchmark mode only): the same resource lookup and the same SQL as
    /// <see cref="RecordAsync"/> for a grant without row scope, but no grant, masking or audit; the stored payload as is.
    /// </summary>
    public async Task<byte[]?> BaselineRecordAsync(string code, string key, CancellationToken cancellationToken)
    {
        if (await ResourceAsync(code, cancellationToken) is not { } entry || ParseKey(entry, key) is not ({ } canonical, var lookup))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await RecordQuerySql.Page(entry.Resource, canonical, lookup, [], null, 1).ReadAsync(connection, cancellationToken);
        return rows.Count == 1 ? System.Text.Encoding.UTF8.GetBytes(rows[0].Payload) : null;
    }

    // A cursor holds the last record's key and sort values — for a key like 公民身份号码 the very value masking hides — so
    // consumers get it encrypted and authenticated, bound to their organization (another consumer's cursor is invalid).
    private string Protect(string cursor, Guid organizationId) =>
        protection.CreateProtector(CursorPurpose, organizationId.ToString()).Protect(cursor);

    private string? Unprotect(string text, Guid organizationId)
    {
        try
        {
            return protection.CreateProtector(CursorPurpose, organizationId.ToString()).Unprotect(text);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private const string CursorPurpose = "Shuqiao.Exchange.Cursor";

    /// <summary>The Asia/Shanghai day of an instant: the quota's day.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime);

    /// <summary>Drops the cached catalog entries (tests; a resource changed).</summary>
    public void ForgetResources() => _resources.Clear();

    private static Denial NoResource { get; } = new(DenialReason.NoGrant, null, []);

    // The data subjects of the records a call read or verified: digests of the personal parts of their keys.
    private List<string>? Subjects(ResourceEntry entry, IEnumerable<string> keys)
    {
        if (!entry.PersonalKey)
        {
            return null;
        }

        // A page holds up to MaxPageSize keys: repeats (a person in several composite keys) are found by hash, not by
        // scanning the list for each digest.
        List<string>? subjects = null;
        HashSet<string>? seen = null;
        var keyFields = entry.KeyFields;

        foreach (var key in keys)
        {
            var parts = keyFields.Count == 1 ? [key] : BatchReader.SplitKey(key);
            for (var i = 0; i < parts.Count && i < keyFields.Count; i++)
            {
                if (keyFields[i].PersonalInfo == PersonalInfoKind.None)
                {
                    continue;
                }

                var digest = pseudonyms.SubjectDigest(parts[i]);
                if ((seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(digest))
                {
                    (subjects ??= []).Add(digest);
                }
            }
        }

        return subjects;
    }

    private static TimeSpan Elapsed(long started) => Stopwatch.GetElapsedTime(started);

    private async Task<AccessDecision<QueryPlan>> QuotaAsync(
        AccessDecision<QueryPlan> decision, Core.Sharing.Grant? grant, DataResource resource, GatewayCaller caller, ExchangeQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (decision.Plan is null || grant?.DailyQuota is not { } quota || await store.TryConsumeAsync(grant.Id, Today(now), quota, cancellationToken))
        {
            return decision;
        }

        return ExchangeGateway.Decide(grant, resource, caller with { UsedToday = quota }, query, _limits);
    }

    // Best effort: the failure may be the database itself, and then no event can be written either; the caller gets
    // the original error either way.
    private async Task FailedAsync(
        ExchangeCaller caller, GatewayCaller gatewayCaller, string code, DataResource resource, Guid? grantId, AccessOperation operation, QueryShape shape, long started,
        Exception failure)
    {
        var now = gatewayCaller.Now;
        LogCallFailed(logger, operation, resource.Code.ToString(), failure);
        try
        {
            await AuditAsync(AccessEvent.Failed(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, resource.Id, grantId, operation, shape, Elapsed(started)), code, resource, caller);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailureNotAudited(logger, e);
        }
    }

    [LoggerMessage(9140, LogLevel.Error, "An allowed exchange call ({Operation} on {Resource}) failed; it is audited as Failed")]
    private static partial void LogCallFailed(ILogger logger, AccessOperation operation, string resource, Exception exception);

    [LoggerMessage(9141, LogLevel.Error, "A failed exchange call could not be audited either")]
    private static partial void LogFailureNotAudited(ILogger logger, Exception exception);

    private async Task<ExchangeAnswer> DenyAsync(
        ExchangeCaller caller, GatewayCaller gatewayCaller, string code, DataResource? resource, Guid? grantId, AccessOperation operation, QueryShape? shape,
        Denial denial, long started)
    {
        var now = gatewayCaller.Now;
        var e = AccessEvent.Denied(Guid.CreateVersion7(now), now, gatewayCaller, caller.EndUser, resource?.Id, grantId, operation, shape, denial, Elapsed(started));
        await AuditAsync(e, code, resource, caller);
        return ExchangeAnswer.Refused(denial);
    }

    // The event must be durable before the answer leaves, even if the consumer hung up meanwhile: the rows were read.
    private async Task AuditAsync(AccessEvent e, string code, DataResource? resource, ExchangeCaller caller)
    {
        await ledger.AppendAsync(new AccessRecord(e, resource?.Code.ToString() ?? Cut(code, 64), resource?.ProviderId, caller.RequestId).ToLedgerItem());
        metrics.Request(e);
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    // A key the schema cannot read cannot exist: no lookup filter (the grant is still checked), no query.
    private static (string? Key, RowPredicate? Lookup) ParseKey(ResourceEntry entry, string key)
    {
        var keys = entry.KeyFields;
        var schema = entry.Schema;
        var parts = keys.Count == 1 ? [key] : BatchReader.SplitKey(key);
        if (keys.Count == 0 || parts.Count != keys.Count)
        {
            return (null, null);
        }

        var terms = new List<RowPredicate>(keys.Count);
        var texts = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (schema.CheckText(keys[i].Name, parts[i]).Value is not { } value)
            {
                return (null, null);
            }

            terms.Add(new RowPredicate.Eq(keys[i].Name, value));
            texts.Add(value.Text);
        }

        return (BatchReader.Key(texts), terms.Count == 1 ? terms[0] : new RowPredicate.AllOf(terms));
    }

    private async ValueTask<ResourceEntry?> ResourceAsync(string code, CancellationToken cancellationToken)
    {
        var ttl = options.Value.ResourceCacheSeconds;
        var nowTicks = Stopwatch.GetTimestamp();
        if (ttl > 0 && _resources.TryGetValue(code, out var cached) && cached is not null &&
            Stopwatch.GetElapsedTime(cached.LoadedAt, nowTicks) < TimeSpan.FromSeconds(ttl))
        {
            return cached;
        }

        if (ResourceCode.TryParse(code, out var parsed) != ResourceCodeError.None)
        {
            return null;
        }

        var resource = await catalog.FindAsync(parsed, cancellationToken);
        if (resource is null)
        {
            return null;
        }

        var valueOptions = ValueParsingOptions.ForChina(DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaOffset).DateTime));
        var entry = new ResourceEntry(resource, CompiledSchema.Compile(resource.Fields, valueOptions), valueOptions, nowTicks);
        if (ttl > 0)
        {
            if (_resources.Count > 10_000)
            {
                _resources.Clear();
            }

            _resources[code] = entry;
        }

        return entry;
    }
}
