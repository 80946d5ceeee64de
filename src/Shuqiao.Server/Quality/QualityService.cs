using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Quality;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>A resource's latest report as a caller may see it: samples only for the provider, PlatformAdmin and Auditor.</summary>
public sealed record QualityView(DataResource Resource, QualityReport? Report, bool ShowsSamples, bool CanRun);

/// <summary>
/// 数据质量 (GB/T 36344-2018): measures a resource's current records and keeps the report; shared by the API, the
/// console, the CLI (through the API) and the background worker. Who sees what: every caller who sees the resource in
/// the catalog sees its scores; failing samples (record keys, masked when personal) go to the provider organization,
/// PlatformAdmin and Auditor; the provider's data stewards and API clients and PlatformAdmin may measure on demand;
/// another organization is answered as if the resource did not exist (tenancy 404).
/// </summary>
public sealed class QualityService(
    CatalogService catalog,
    QualityStore store,
    IAccessStatistics access,
    QualityMetrics metrics,
    IOptions<QualityOptions> options,
    TimeProvider clock,
    ILogger<QualityService> logger)
{
    /// <summary>The latest report of a resource the caller sees; a failure when there is no such resource for the caller.</summary>
    public async Task<Outcome<QualityView>> LatestAsync(string code, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (await catalog.GetAsync(code, CatalogAccess.Of(principal), cancellationToken) is not { } resource)
        {
            return Failure.NotFound("The resource");
        }

        var report = await store.LatestAsync(resource.Id, cancellationToken);
        return new QualityView(resource, report, SeesSamples(principal, resource), Runs(principal, resource));
    }

    /// <summary>The trend: reports in [from, to), newest first, continuing before <paramref name="before"/>.</summary>
    public async Task<Outcome<(DataResource Resource, IReadOnlyList<QualityReport> Reports)>> HistoryAsync(
        string code, ClaimsPrincipal principal, DateTimeOffset? from, DateTimeOffset? to, (DateTimeOffset At, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (await catalog.GetAsync(code, CatalogAccess.Of(principal), cancellationToken) is not { } resource)
        {
            return Failure.NotFound("The resource");
        }

        return (resource, await store.HistoryAsync(resource.Id, from, to, before, limit, cancellationToken));
    }

    /// <summary>Measures now (trigger Manual) for the provider's stewards and clients or a PlatformAdmin.</summary>
    public async Task<Outcome<QualityView>> RunAsync(string code, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var resource = await catalog.GetAsync(code, CatalogAccess.Of(principal), cancellationToken);
        if (resource is null || !(principal.IsPlatformAdmin() || principal.OrganizationOf() == resource.ProviderId))
        {
            return Failure.NotFound("The resource");
        }

        if (!Runs(principal, resource))
        {
            return new Failure(FailureKind.Forbidden, "Only the provider's data stewards and API clients, or a platform administrator, measure a resource.", []);
        }

        var report = await MeasureAsync(resource, QualityTrigger.Manual, null, cancellationToken);
        return new QualityView(resource, report, SeesSamples(principal, resource), true);
    }

    /// <summary>部门数据质量排名: providers by the mean overall score of their published resources' latest reports.</summary>
    public Task<IReadOnlyList<ProviderQuality>> RankingAsync(CancellationToken cancellationToken) => store.RankingAsync(cancellationToken);

    /// <summary>Measures a resource by code for the worker (batch or schedule); null when the resource is gone.</summary>
    public async Task<QualityReport?> MeasureAsync(string code, QualityTrigger trigger, Guid? batchId, CancellationToken cancellationToken) =>
        await catalog.GetAsync(code, CatalogAccess.System, cancellationToken) is { } resource
            ? await MeasureAsync(resource, trigger, batchId, cancellationToken)
            : null;

    public static bool SeesSamples(ClaimsPrincipal principal, DataResource resource)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        return principal.IsPlatformAdmin() || principal.IsInRole(Roles.Auditor) || principal.OrganizationOf() == resource.ProviderId;
    }

    public static bool Runs(ClaimsPrincipal principal, DataResource resource)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        return principal.IsPlatformAdmin() ||
            (principal.OrganizationOf() == resource.ProviderId && (principal.IsApiClient() || principal.IsInRole(Roles.DataSteward)));
    }

    /// <summary>
    /// Measures the resource's current records in one consistent snapshot, scores them and keeps the report
    /// (docs/quality.md, "How each dimension is measured").
    /// </summary>
    public async Task<QualityReport> MeasureAsync(DataResource resource, QualityTrigger trigger, Guid? batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        var limit = options.Value.SampleLimit;
        var samples = new List<QualitySample>();
        try
        {
            RecordTotals totals;
            CheckCounts required, uniqueness, references;
            CheckCounts conformity;
            await using (var snapshot = await store.OpenSnapshotAsync(cancellationToken))
            {
                totals = await snapshot.TotalsAsync(resource.Id, cancellationToken);
                required = await RequiredAsync(snapshot, resource, totals.Records, limit, samples, cancellationToken);
                uniqueness = await UniquenessAsync(snapshot, resource, limit, samples, cancellationToken);
                references = await ReferencesAsync(snapshot, resource, limit, samples, cancellationToken);
                conformity = await ConformityAsync(snapshot, resource, limit, samples, cancellationToken);
            }

            var lastUpdate = Latest(totals.LastCommittedBatch, totals.LastRecordUpdate) ?? resource.PublishedAt;
            var calls = await access.CallsAsync(resource.Id, now - options.Value.AccessWindow, now, cancellationToken);
            var measurements = new QualityMeasurements(
                totals.Records, conformity, required, resource.ExpectedRecordCount, uniqueness, references,
                new TimelinessInput(resource.UpdateFrequency, lastUpdate, now), calls);
            var keyFields = resource.KeyFields.ToList();
            var report = new QualityReport(
                Guid.CreateVersion7(now), resource.Id, resource.Code.Value, resource.Name, resource.ProviderId, resource.ProviderName, now, trigger, batchId,
                measurements, QualityScoring.Score(measurements, options.Value.Weights.ToWeights()),
                samples.Select(s => s with { Key = SampleKeys.Mask(s.Key, keyFields) }).ToList(),
                clock.GetElapsedTime(started));
            await store.AddAsync(report, cancellationToken);
            metrics.Run(report);
            QualityLog.Measured(logger, resource.Code.Value, trigger, report.Measurements.Records, report.Scores.Overall, report.Duration.TotalMilliseconds);
            return report;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Failed(trigger);
            throw;
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    /// <summary>完整性: required fields that are not key fields (a key is always present), counted per cell.</summary>
    private static async Task<CheckCounts> RequiredAsync(QualitySnapshot snapshot, DataResource resource, long records, int limit, List<QualitySample> samples, CancellationToken cancellationToken)
    {
        var fields = resource.Fields.Where(f => f.Required && !f.Key).Select(f => f.Name).ToList();
        var missing = await snapshot.MissingAsync(resource.Id, fields, cancellationToken);
        foreach (var field in fields.Where(f => missing.GetValueOrDefault(f) > 0))
        {
            foreach (var key in await snapshot.MissingKeysAsync(resource.Id, field, limit, cancellationToken))
            {
                samples.Add(new QualitySample(QualityDimension.Completeness, field, QualityCodes.Missing, key));
            }
        }

        return new CheckCounts(records * fields.Count, missing.Values.Sum());
    }

    /// <summary>准确性: fields declared unique; a sole key field is unique by construction and not counted.</summary>
    private static async Task<CheckCounts> UniquenessAsync(QualitySnapshot snapshot, DataResource resource, int limit, List<QualitySample> samples, CancellationToken cancellationToken)
    {
        var soleKey = resource.KeyFields.Count() == 1 ? resource.KeyFields.Single().Name : null;
        var total = CheckCounts.None;
        foreach (var field in resource.Fields.Where(f => f.Unique && f.Name != soleKey))
        {
            var counts = await snapshot.DuplicatesAsync(resource.Id, field.Name, cancellationToken);
            total = total.Plus(counts);
            if (counts.Failed > 0)
            {
                foreach (var key in await snapshot.DuplicateKeysAsync(resource.Id, field.Name, limit, cancellationToken))
                {
                    samples.Add(new QualitySample(QualityDimension.Accuracy, field.Name, QualityCodes.Duplicate, key));
                }
            }
        }

        return total;
    }

    /// <summary>一致性: every declared reference, resolved against the target resource's current records.</summary>
    private async Task<CheckCounts> ReferencesAsync(QualitySnapshot snapshot, DataResource resource, int limit, List<QualitySample> samples, CancellationToken cancellationToken)
    {
        var total = CheckCounts.None;
        foreach (var field in resource.Fields.Where(f => f.References.Count > 0))
        {
            var sampled = 0;
            foreach (var reference in field.References)
            {
                var target = reference.Resource == resource.Code ? resource : await catalog.GetAsync(reference.Resource, CatalogAccess.System, cancellationToken);
                var targetKeys = target?.KeyFields.Select(f => f.Name).ToList() ?? [];
                var targetField = targetKeys is [var onlyKey] && onlyKey == reference.Field ? null : reference.Field;
                var counts = await snapshot.ReferencesAsync(resource.Id, field.Name, target?.Id, targetField, cancellationToken);
                total = total.Plus(counts);
                if (counts.Failed > 0 && sampled < limit)
                {
                    foreach (var key in await snapshot.UnresolvedKeysAsync(resource.Id, field.Name, target?.Id, targetField, limit - sampled, cancellationToken))
                    {
                        samples.Add(new QualitySample(QualityDimension.Consistency, field.Name, QualityCodes.Unresolved, key));
                        sampled++;
                    }
                }
            }
        }

        return total;
    }

    /// <summary>规范性: the stored values of validated fields, streamed through the compiled schema.</summary>
    private async Task<CheckCounts> ConformityAsync(QualitySnapshot snapshot, DataResource resource, int limit, List<QualitySample> samples, CancellationToken cancellationToken)
    {
        var counter = new ConformityCounter(CompiledSchema.Compile(resource.Fields, catalog.ValueOptions), limit);
        if (counter.Fields.Count == 0)
        {
            return CheckCounts.None;
        }

        var drop = resource.Fields.Select(f => f.Name).Where(n => !counter.Fields.Contains(n)).ToList();
        await foreach (var (key, payload) in snapshot.PayloadsAsync(resource.Id, drop, cancellationToken))
        {
            using var document = JsonDocument.Parse(payload);
            counter.Add(key, document.RootElement);
        }

        samples.AddRange(counter.Samples);
        return counter.Counts;
    }
}

/// <summary>Log messages of the Quality capability (event ids 2500–2599): codes and counts, never values.</summary>
internal static partial class QualityLog
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Quality of {Code} measured ({Trigger}): {Records} records, overall {Overall}, {Milliseconds} ms")]
    public static partial void Measured(ILogger logger, string code, QualityTrigger trigger, long records, double? overall, double milliseconds);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Error, Message = "Quality measurement of {Code} ({Trigger}) failed")]
    public static partial void Failed(ILogger logger, string code, QualityTrigger trigger, Exception exception);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Error, Message = "The scheduled quality sweep failed; it runs again at the next tick")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information, Message = "Scheduled quality sweep: {Count} resources measured")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "The quality queue is full; {Code} will be measured by the schedule")]
    public static partial void Dropped(ILogger logger, string code);
}
