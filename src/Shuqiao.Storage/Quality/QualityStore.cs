using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Quality;

namespace Shuqiao.Storage.Quality;

/// <summary>
/// Quality reports (<c>quality_reports</c>): written once per measurement, read as the latest report, the trend and the
/// providers' ranking; and the lease that lets one server instance at a time run the scheduled sweep.
/// </summary>
public sealed class QualityStore(NpgsqlDataSource dataSource)
{
    private const string ReportColumns = """
        q.id, q.resource_id, r.code as resource_code, r.name as resource_name, q.provider_id, o.name as provider_name,
        q.measured_at, q.trigger, q.batch_id, q.duration_ms, q.records, q.expected_records, q.conformity_checked,
        q.conformity_failed, q.required_checked, q.required_missing, q.unique_checked, q.unique_duplicates,
        q.reference_checked, q.reference_unresolved, q.update_frequency, q.last_update_at, q.access_requests,
        q.access_failed, q.conformity, q.completeness, q.accuracy, q.consistency, q.timeliness, q.accessibility, q.overall
        """;

    private const string InsertReport = """
        insert into quality_reports (id, resource_id, provider_id, measured_at, trigger, batch_id, duration_ms, records,
            expected_records, conformity_checked, conformity_failed, required_checked, required_missing, unique_checked,
            unique_duplicates, reference_checked, reference_unresolved, update_frequency, last_update_at, access_requests,
            access_failed, conformity, completeness, accuracy, consistency, timeliness, accessibility, overall, rating, samples)
        values (@Id, @ResourceId, @ProviderId, @MeasuredAt, @Trigger, @BatchId, @DurationMs, @Records,
            @ExpectedRecords, @ConformityChecked, @ConformityFailed, @RequiredChecked, @RequiredMissing, @UniqueChecked,
            @UniqueDuplicates, @ReferenceChecked, @ReferenceUnresolved, @UpdateFrequency, @LastUpdateAt, @AccessRequests,
            @AccessFailed, @Conformity, @Completeness, @Accuracy, @Consistency, @Timeliness, @Accessibility, @Overall, @Rating,
            @Samples::jsonb)
        """;

    private const string SelectLatest = $"""
        select {ReportColumns}, q.samples::text as samples
        from quality_reports q join data_resources r on r.id = q.resource_id join organizations o on o.id = q.provider_id
        where q.resource_id = @ResourceId
        order by q.measured_at desc, q.id desc limit 1
        """;

    private const string SelectHistory = $"""
        select {ReportColumns}, '[]' as samples
        from quality_reports q join data_resources r on r.id = q.resource_id join organizations o on o.id = q.provider_id
        where q.resource_id = @ResourceId
          and (@From::timestamptz is null or q.measured_at >= @From)
          and (@To::timestamptz is null or q.measured_at < @To)
          and (@BeforeId::uuid is null or (q.measured_at, q.id) < (@BeforeAt, @BeforeId))
        order by q.measured_at desc, q.id desc
        limit @Limit
        """;

    // The latest report of every published resource, averaged per provider; providers with nothing measured last.
    private const string SelectRanking = """
        with latest as (
            select distinct on (q.resource_id) q.resource_id, q.overall
            from quality_reports q join data_resources r on r.id = q.resource_id and r.status = 'Published'
            order by q.resource_id, q.measured_at desc, q.id desc
        )
        select o.id as ProviderId, o.name as ProviderName, o.code as ProviderCode,
               count(*)::int as Published, count(l.overall)::int as Measured, round(avg(l.overall), 1) as MeanOverall
        from data_resources r
        join organizations o on o.id = r.provider_id
        left join latest l on l.resource_id = r.id
        where r.status = 'Published'
        group by o.id, o.name, o.code
        order by MeanOverall desc nulls last, Published desc, o.name
        """;

    // Published resources whose latest report is older than the interval (or that have none), oldest first.
    private const string SelectDue = """
        select r.code
        from data_resources r
        left join lateral (select max(measured_at) as at from quality_reports q where q.resource_id = r.id) as last on true
        where r.status = 'Published' and (last.at is null or last.at <= @DueBefore)
        order by last.at nulls first, r.code
        limit @Limit
        """;

    // Takes the lease when it is free or expired, or renews it for its holder.
    private const string TakeLease = """
        insert into quality_sweeps (name, leased_by, leased_until) values (@Name, @Holder, @Until)
        on conflict (name) do update set leased_by = excluded.leased_by, leased_until = excluded.leased_until
            where quality_sweeps.leased_until <= @Now or quality_sweeps.leased_by = @Holder
        returning leased_by
        """;

    private const string ReleaseLease = "update quality_sweeps set leased_until = @Now where name = @Name and leased_by = @Holder";

    private static readonly JsonSerializerOptions SampleJson = new(JsonSerializerDefaults.Web);

    /// <summary>Opens a consistent read-only view of the records for one measurement; dispose it when done.</summary>
    public Task<QualitySnapshot> OpenSnapshotAsync(CancellationToken cancellationToken) => QualitySnapshot.OpenAsync(dataSource, cancellationToken);

    public async Task AddAsync(QualityReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Measurements;
        var s = report.Scores;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertReport, new
        {
            report.Id,
            report.ResourceId,
            report.ProviderId,
            report.MeasuredAt,
            Trigger = report.Trigger.ToString(),
            report.BatchId,
            DurationMs = (int)Math.Min(int.MaxValue, report.Duration.TotalMilliseconds),
            m.Records,
            m.ExpectedRecords,
            ConformityChecked = m.Conformity.Checked,
            ConformityFailed = m.Conformity.Failed,
            RequiredChecked = m.RequiredValues.Checked,
            RequiredMissing = m.RequiredValues.Failed,
            UniqueChecked = m.Uniqueness.Checked,
            UniqueDuplicates = m.Uniqueness.Failed,
            ReferenceChecked = m.References.Checked,
            ReferenceUnresolved = m.References.Failed,
            UpdateFrequency = (m.Timeliness?.Frequency ?? UpdateFrequency.Irregular).ToString(),
            LastUpdateAt = m.Timeliness?.LastUpdate,
            AccessRequests = m.Access?.Checked,
            AccessFailed = m.Access?.Failed,
            Conformity = Numeric(s.Of(QualityDimension.Conformity)),
            Completeness = Numeric(s.Of(QualityDimension.Completeness)),
            Accuracy = Numeric(s.Of(QualityDimension.Accuracy)),
            Consistency = Numeric(s.Of(QualityDimension.Consistency)),
            Timeliness = Numeric(s.Of(QualityDimension.Timeliness)),
            Accessibility = Numeric(s.Of(QualityDimension.Accessibility)),
            Overall = Numeric(s.Overall),
            Rating = s.Rating?.ToString(),
            Samples = JsonSerializer.Serialize(report.Samples.Select(x => new SampleRow { Dimension = x.Dimension.ToString(), Field = x.Field, Code = x.Code, Key = x.Key }).ToList(), SampleJson),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest report of a resource, with its samples, or null when it was never measured.</summary>
    public async Task<QualityReport?> LatestAsync(Guid resourceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ReportRow>(new CommandDefinition(SelectLatest, new { ResourceId = resourceId }, cancellationToken: cancellationToken));
        return row?.ToReport();
    }

    /// <summary>Reports of a resource, newest first, in [from, to), after a position (the last one of a previous page); no samples.</summary>
    public async Task<IReadOnlyList<QualityReport>> HistoryAsync(
        Guid resourceId, DateTimeOffset? from, DateTimeOffset? to, (DateTimeOffset At, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReportRow>(new CommandDefinition(
            SelectHistory, new { ResourceId = resourceId, From = from, To = to, BeforeAt = before?.At, BeforeId = before?.Id, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToReport()).ToList();
    }

    public async Task<IReadOnlyList<ProviderQuality>> RankingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RankingRow>(new CommandDefinition(SelectRanking, cancellationToken: cancellationToken));
        return rows.Select(r => new ProviderQuality(r.ProviderId, r.ProviderName, r.ProviderCode.TrimEnd(), r.Published, r.Measured, r.MeanOverall is { } mean ? (double)mean : null)).ToList();
    }

    /// <summary>Codes of published resources not measured since <paramref name="dueBefore"/>, longest-waiting first.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(SelectDue, new { DueBefore = dueBefore, Limit = limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Takes or renews the named lease until <paramref name="until"/>; false while another holder's lease runs.</summary>
    public async Task<bool> TryLeaseAsync(string name, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var taken = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(TakeLease, new { Name = name, Holder = holder, Now = now, Until = until }, cancellationToken: cancellationToken));
        return taken == holder;
    }

    public async Task ReleaseAsync(string name, string holder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseLease, new { Name = name, Holder = holder, Now = now }, cancellationToken: cancellationToken));
    }

    private static decimal? Numeric(double? score) => score is { } s ? (decimal)s : null;

    private sealed class SampleRow
    {
        public string Dimension { get; init; } = "";

        public string Field { get; init; } = "";

        public string Code { get; init; } = "";

        public string Key { get; init; } = "";
    }

    private sealed class RankingRow
    {
        public Guid ProviderId { get; init; }

        public string ProviderName { get; init; } = "";

        public string ProviderCode { get; init; } = "";

        public int Published { get; init; }

        public int Measured { get; init; }

        public decimal? MeanOverall { get; init; }
    }

    private sealed class ReportRow
    {
        public Guid Id { get; init; }

        public Guid ResourceId { get; init; }

        public string ResourceCode { get; init; } = "";

        public string ResourceName { get; init; } = "";

        public Guid ProviderId { get; init; }

        public string ProviderName { get; init; } = "";

        public DateTimeOffset MeasuredAt { get; init; }

        public string Trigger { get; init; } = "";

        public Guid? BatchId { get; init; }

        public int DurationMs { get; init; }

        public long Records { get; init; }

        public long? ExpectedRecords { get; init; }

        public long ConformityChecked { get; init; }

        public long ConformityFailed { get; init; }

        public long RequiredChecked { get; init; }

        public long RequiredMissing { get; init; }

        public long UniqueChecked { get; init; }

        public long UniqueDuplicates { get; init; }

        public long ReferenceChecked { get; init; }

        public long ReferenceUnresolved { get; init; }

        public string UpdateFrequency { get; init; } = "";

        public DateTimeOffset? LastUpdateAt { get; init; }

        public long? AccessRequests { get; init; }

        public long? AccessFailed { get; init; }

        public decimal? Conformity { get; init; }

        public decimal? Completeness { get; init; }

        public decimal? Accuracy { get; init; }

        public decimal? Consistency { get; init; }

        public decimal? Timeliness { get; init; }

        public decimal? Accessibility { get; init; }

        public decimal? Overall { get; init; }

        public string Samples { get; init; } = "[]";

        public QualityReport ToReport()
        {
            var measurements = new QualityMeasurements(
                Records,
                new CheckCounts(ConformityChecked, ConformityFailed),
                new CheckCounts(RequiredChecked, RequiredMissing),
                ExpectedRecords,
                new CheckCounts(UniqueChecked, UniqueDuplicates),
                new CheckCounts(ReferenceChecked, ReferenceUnresolved),
                new TimelinessInput(Enum.Parse<Core.Catalog.UpdateFrequency>(UpdateFrequency), LastUpdateAt, MeasuredAt),
                AccessRequests is { } requests ? new CheckCounts(requests, AccessFailed ?? 0) : null);
            var scores = new QualityScores(
            [
                new DimensionScore(QualityDimension.Conformity, Score(Conformity)),
                new DimensionScore(QualityDimension.Completeness, Score(Completeness)),
                new DimensionScore(QualityDimension.Accuracy, Score(Accuracy)),
                new DimensionScore(QualityDimension.Consistency, Score(Consistency)),
                new DimensionScore(QualityDimension.Timeliness, Score(Timeliness)),
                new DimensionScore(QualityDimension.Accessibility, Score(Accessibility)),
            ], Score(Overall));
            var samples = (JsonSerializer.Deserialize<List<SampleRow>>(Samples, SampleJson) ?? [])
                .Select(x => new QualitySample(Enum.Parse<QualityDimension>(x.Dimension), x.Field, x.Code, x.Key)).ToList();
            return new QualityReport(Id, ResourceId, ResourceCode, ResourceName, ProviderId, ProviderName, MeasuredAt, Enum.Parse<QualityTrigger>(Trigger), BatchId,
                measurements, scores, samples, TimeSpan.FromMilliseconds(DurationMs));
        }

        private static double? Score(decimal? value) => value is { } v ? (double)v : null;
    }
}
