using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Ingestion;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>One upload as the API or the console receives it.</summary>
public sealed record Upload(string Code, string? ContentType, string? Mode, string? IdempotencyKey, Stream Body);

/// <summary>
/// 数据归集: loading records into a resource, shared by the API, the console and the demo data. Only the provider
/// organization's API clients and data stewards load a resource (PlatformAdmin any); another organization is answered
/// as if the resource did not exist (tenancy 404). Batch reports (with rejected rows, which may hold personal data)
/// are read by the uploading organization's clients and stewards and by PlatformAdmin.
/// </summary>
public sealed class IngestionService(
    CatalogService catalog,
    IngestStore store,
    RejectedRowRetentionStore retention,
    IOptions<IngestionOptions> options,
    IngestionSlots slots,
    Quality.QualityBacklog quality,
    ILogger<IngestionService> logger)
{
    public long MaxBatchBytes => options.Value.MaxBatchBytes;

    /// <summary>How long the raw text of rejected rows is kept (<c>Shuqiao:Ingestion:RejectedRowRetention</c>).</summary>
    public TimeSpan RejectedRowRetention => options.Value.RejectedRowRetention;

    public async Task<Outcome<IngestResult>> UploadAsync(Upload upload, ClaimsPrincipal principal, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(actor);
        var resourceOutcome = await LoadableAsync(upload.Code, principal, cancellationToken);
        if (resourceOutcome.Value is not { } resource)
        {
            return resourceOutcome.Failure!;
        }

        var issues = new List<Issue>();
        var (format, encoding) = ReadContentType(upload.ContentType, issues);
        var mode = ReadMode(upload.Mode, issues);
        var key = upload.IdempotencyKey;
        if (key is not null && (key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~')))
        {
            issues.Add(new Issue("Idempotency-Key", "idempotency.format", "must be 1 to 200 printable ASCII characters", []));
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        var charset = Charsets.Canonical(encoding!);
        var actorId = principal.UserOrClientId() ?? throw new InvalidOperationException("An uploader has an id.");
        var organizationId = principal.OrganizationOf() ?? resource.ProviderId;
        using var body = new DigestStream(upload.Body, MaxBatchBytes, $"{format}|{mode}|{charset}");
        if (key is not null && await store.FindByIdempotencyKeyAsync(actorId, resource.Id, key, cancellationToken) is not null)
        {
            try
            {
                await body.DrainAsync(cancellationToken);
            }
            catch (IngestAbortedException)
            {
                // Larger than the limit: certainly not the body stored under this key.
                return await store.ReplayAsync(actorId, resource.Id, key, [], cancellationToken);
            }

            return await store.ReplayAsync(actorId, resource.Id, key, body.Digest().Hash, cancellationToken);
        }

        var schema = CompiledSchema.Compile(resource.Fields, catalog.ValueOptions);
        var batch = new NewBatch(resource.Id, resource.Code.Value, resource.Version, actor, organizationId, actorId, key, format!.Value, charset, mode!.Value);
        var rows = BatchReader.Open(body, format.Value, encoding!, schema);
        Outcome<IngestResult> outcome;
        using (await slots.TakeAsync(cancellationToken))
        {
            outcome = await store.IngestAsync(batch, rows, body.Digest, cancellationToken);
        }

        if (outcome.Value is { Replayed: false } result)
        {
            var counts = result.Batch.Counts;
            IngestionLog.Batch(logger, result.Batch.Id, resource.Code.Value, result.Batch.Status, counts.Received, counts.Rejected, counts.Inserted, counts.Updated, counts.Deleted);
            IngestionLog.Phases(logger, result.Batch.Id, result.Phases);
            quality.BatchCommitted(result.Batch);
        }

        return outcome;
    }

    /// <summary>A batch the caller may read, or null (not found, or another organization's).</summary>
    public async Task<IngestBatch?> BatchAsync(Guid id, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } batch && Reads(principal, batch.OrganizationId) ? batch : null;

    public Task<IReadOnlyList<RowRejection>> RejectionsAsync(IngestBatch batch, CancellationToken cancellationToken) =>
        store.RejectionsAsync(batch.Id, cancellationToken);

    /// <summary>Whether retention has removed the raw text of the batch's rejected rows (<see cref="RejectedRowRetention"/>).</summary>
    public async Task<bool> RawRowsRemovedAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Counts.Rejected > 0 && await retention.HorizonAsync(cancellationToken) is { } before && batch.FinishedAt < before;
    }

    /// <summary>Batches of a resource, newest first: all of them for PlatformAdmin, the provider organization's own for its clients and stewards.</summary>
    public async Task<Outcome<(DataResource Resource, IReadOnlyList<IngestBatch> Batches)>> HistoryAsync(
        string code, ClaimsPrincipal principal, (DateTimeOffset At, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        var resourceOutcome = await LoadableAsync(code, principal, cancellationToken);
        if (resourceOutcome.Value is not { } resource)
        {
            return resourceOutcome.Failure!;
        }

        var organization = principal.IsPlatformAdmin() ? null : principal.OrganizationOf();
        return (resource, await store.ListAsync(resource.Id, organization, before, limit, cancellationToken));
    }

    /// <summary>Whether the caller may load this resource at all (the console shows the upload link by it).</summary>
    public static bool Loads(ClaimsPrincipal principal, DataResource resource)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        return principal.IsPlatformAdmin() ||
            (principal.OrganizationOf() == resource.ProviderId && (principal.IsApiClient() || principal.IsInRole(Roles.DataSteward)));
    }

    private static bool Reads(ClaimsPrincipal principal, Guid organizationId) =>
        principal.IsPlatformAdmin() ||
        (principal.OrganizationOf() == organizationId && (principal.IsApiClient() || principal.IsInRole(Roles.DataSteward)));

    private async Task<Outcome<DataResource>> LoadableAsync(string code, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var resource = await catalog.GetAsync(code, CatalogAccess.Of(principal), cancellationToken);
        if (resource is null || !(principal.IsPlatformAdmin() || principal.OrganizationOf() == resource.ProviderId))
        {
            return Failure.NotFound("The resource");
        }

        if (!Loads(principal, resource))
        {
            return new Failure(FailureKind.Forbidden, "Only the provider's API clients and data stewards load this resource.", []);
        }

        return resource.Status == ResourceStatus.Retired
            ? Failure.Conflict("The resource is retired; it takes no more records.", new Issue("code", "ingest.retired", "the resource is retired", []))
            : resource;
    }

    private static (BatchFormat? Format, System.Text.Encoding? Encoding) ReadContentType(string? contentType, List<Issue> issues)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            issues.Add(IngestIssues.ContentType(contentType));
            return (null, null);
        }

        BatchFormat? format = type.ToLowerInvariant() switch
        {
            "text/csv" => BatchFormat.Csv,
            "application/json" => BatchFormat.Json,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" => BatchFormat.Ndjson,
            _ => null,
        };
        if (format is null)
        {
            issues.Add(IngestIssues.ContentType(type));
            return (null, null);
        }

        var charset = media.Charset.HasValue ? media.Charset.Value : null;
        if (Charsets.Strict(charset) is not { } encoding)
        {
            issues.Add(IngestIssues.Charset(charset!));
            return (format, null);
        }

        return (format, encoding);
    }

    private static BatchMode? ReadMode(string? mode, List<Issue> issues)
    {
        switch ((mode ?? "").Trim().ToLowerInvariant())
        {
            case "" or "all" or "allornothing":
                return BatchMode.AllOrNothing;
            case "partial":
                return BatchMode.Partial;
            default:
                issues.Add(IngestIssues.Mode(mode!));
                return null;
        }
    }
}

/// <summary>Log messages of the Ingestion capability (event ids 2400–2499): ids, codes and counts, never values.</summary>
internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Batch {BatchId} of {Code}: {Status}, {Received} rows read, {Rejected} rejected, {Inserted} inserted, {Updated} updated, {Deleted} deleted")]
    public static partial void Batch(ILogger logger, Guid batchId, string code, BatchStatus status, long received, long rejected, long inserted, long updated, long deleted);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "Batch {BatchId} phases: {Phases}")]
    private static partial void PhasesText(ILogger logger, Guid batchId, string phases);

    /// <summary>Seconds per phase of a load (bench/ingest reads this line).</summary>
    public static void Phases(ILogger logger, Guid batchId, IReadOnlyList<KeyValuePair<string, double>> phases)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var text = string.Join("; ", phases.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.000}s")));
            PhasesText(logger, batchId, text);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Demo records loaded: {Count} records into {Resources} resources")]
    public static partial void DemoLoaded(ILogger logger, long count, int resources);
}
