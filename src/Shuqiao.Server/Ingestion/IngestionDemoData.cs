using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Ingestion;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>
/// The demo records (demo mode only, once, after the demo catalog): synthetic records for every demo resource
/// (<see cref="DemoRecordSets"/>), each loaded as one CSV batch through <see cref="IngestionService.UploadAsync"/> — the
/// same path as an upload — by the provider department's demo API client (e.g. 人口信息管理系统 for 人口基本信息), so
/// the batches, findings and audit look like a department's. The CSV is written into a pipe while the batch reads it:
/// never held whole. Each batch has a fixed Idempotency-Key, so a load interrupted half-way skips what is stored.
/// </summary>
public sealed partial class IngestionDemoData(
    IServiceScopeFactory scopes,
    DemoParts demo,
    IOptions<DemoOptions> options,
    TimeProvider clock,
    ILogger<IngestionDemoData> logger) : IStartupTask
{
    /// <summary>The <c>node_settings</c> key of this part of the demo data set.</summary>
    public const string LoadedKey = "demo.records.loaded";

    /// <summary>The Idempotency-Key of every demo batch (scoped to its client and resource).</summary>
    public const string IdempotencyKey = "demo-records-v1";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var scale = options.Value.RecordScale;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ValueParsingOptions.ChinaStandardTime).DateTime);
        var population = DemoPopulation.Generate(DemoRecordSets.Size(DemoRecordSets.FullPopulation, scale), DemoPopulation.AsOfFor(today));
        var sets = new DemoRecordSets(population, scale);

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var catalog = services.GetRequiredService<CatalogService>();
        var ingestion = services.GetRequiredService<IngestionService>();
        var batches = services.GetRequiredService<IngestStore>();
        var clients = services.GetRequiredService<ApiClientStore>();

        long records = 0;
        var loaded = 0;
        foreach (var set in sets.All())
        {
            var resource = await catalog.GetAsync(set.Code, CatalogAccess.System, cancellationToken);
            if (resource is null)
            {
                LogMissing(logger, set.Code);
                continue;
            }

            var client = await DemoParts.DemoClientAsync(clients, resource.ProviderId, cancellationToken);
            if (await batches.FindByIdempotencyKeyAsync(client.Id, resource.Id, IdempotencyKey, cancellationToken) is not null)
            {
                loaded++;
                continue;
            }

            var batchStarted = Stopwatch.GetTimestamp();
            var outcome = await UploadAsync(ingestion, resource, client, set, cancellationToken);
            if (outcome.Value is not { } result)
            {
                LogRefused(logger, set.Code, outcome.Failure!.Title, string.Join(", ", outcome.Failure.Issues.Select(i => i.Code).Distinct().Take(5)));
                continue;
            }

            var counts = result.Batch.Counts;
            if (result.Batch.Status != BatchStatus.Committed)
            {
                LogRefused(logger, set.Code, "rows rejected", string.Join(", ", result.Rejections.Select(r => $"{r.Field}:{r.Code}").Distinct().Take(5)));
                continue;
            }

            records += counts.Accepted;
            loaded++;
            var batchSeconds = Stopwatch.GetElapsedTime(batchStarted).TotalSeconds;
            LogResource(logger, set.Code, counts.Accepted, counts.Warnings, batchSeconds);
        }

        var seconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
        await demo.MarkLoadedAsync(LoadedKey, new { resources = loaded, records, scale, seconds }, cancellationToken);
        LogLoaded(logger, records, loaded, seconds);
    }

    /// <summary>The department's demo API client (<see cref="DemoCity.Clients"/>), which loads its resources.</summary>
    private static async Task<Outcome<IngestResult>> UploadAsync(
        IngestionService ingestion, DataResource resource, ApiClient client, DemoRecordSet set, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = Task.Run(() => Write(pipe.Writer, set, stop.Token), CancellationToken.None);
        try
        {
            var principal = ApiKeyAuthenticationHandler.PrincipalFor(client, AuthSchemes.ApiKey);
            var actor = new Actor(ActorKind.ApiClient, client.Id, client.KeyId, client.OrganizationId);
            await using var body = pipe.Reader.AsStream();
            return await ingestion.UploadAsync(new Upload(resource.Code.Value, "text/csv; charset=utf-8", null, IdempotencyKey, body), principal, actor, cancellationToken);
        }
        finally
        {
            // The reader may stop early (a refused header, a failure): stop the writer rather than let it wait for room.
            await stop.CancelAsync();
            await pipe.Reader.CompleteAsync();
            try
            {
                await writing;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static void Write(PipeWriter writer, DemoRecordSet set, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            using var stream = writer.AsStream(leaveOpen: true);
            using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
            text.Write(CsvRecords.Join(set.Columns));
            text.Write("\r\n");
            foreach (var row in set.Rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                text.Write(CsvRecords.Join(row.Select(v => v ?? "")));
                text.Write("\r\n");
            }
        }
        catch (Exception e)
        {
            // Handed to the reader too, so that it fails rather than waits for rows that never come.
            failure = e;
            throw;
        }
        finally
        {
            writer.Complete(failure is OperationCanceledException ? null : failure);
        }
    }

    [LoggerMessage(EventId = 2480, Level = LogLevel.Information, Message = "Demo records of {Code}: {Records} records, {Warnings} findings, in {Seconds:F1} s")]
    private static partial void LogResource(ILogger logger, string code, long records, long warnings, double seconds);

    [LoggerMessage(EventId = 2481, Level = LogLevel.Information, Message = "Demo records loaded: {Records} records into {Resources} resources in {Seconds} s")]
    private static partial void LogLoaded(ILogger logger, long records, int resources, double seconds);

    [LoggerMessage(EventId = 2482, Level = LogLevel.Warning, Message = "Demo records of {Code} were refused ({Title}): {Codes}")]
    private static partial void LogRefused(ILogger logger, string code, string title, string codes);

    [LoggerMessage(EventId = 2483, Level = LogLevel.Warning, Message = "Demo resource {Code} is missing from the catalog; its records are skipped")]
    private static partial void LogMissing(ILogger logger, string code);
}
