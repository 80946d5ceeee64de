using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Common;
using Shuqiao.Core.Ingestion;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>
/// <c>POST /api/v1/resources/{code}/batches</c>, <c>GET /api/v1/resources/{code}/batches</c>,
/// <c>GET /api/v1/batches/{id}</c> and its rejected rows as CSV (design §5; docs/ingestion.md).
/// </summary>
public static class IngestionEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder routes)
    {
        var resources = routes.MapGroup("/api/v1/resources").WithTags("Ingestion").RequireAuthorization(Policies.Api);
        resources.MapPost("/{code}/batches", Upload).WithName("UploadBatch").RequireAuthorization(IngestionPolicies.Loaders)
            .WithSummary("Load records into a resource (CSV, JSON array or NDJSON), all or nothing unless mode=partial")
            .WithDescription("Content-Type text/csv (charset utf-8 or gb18030; header row of field names or Chinese labels), application/json (array of objects) or application/x-ndjson. A row with _op = delete removes the record with its key. Idempotency-Key makes a retry answer the stored batch. 201 with the batch; 422 when rows were refused and nothing was stored.")
            .Accepts<string>("text/csv", "application/json", "application/x-ndjson")
            .Produces<BatchResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        resources.MapGet("/{code}/batches", History).WithName("ListResourceBatches").RequireAuthorization(IngestionPolicies.Loaders)
            .WithSummary("Batches loaded into a resource, newest first");

        var batches = routes.MapGroup("/api/v1/batches").WithTags("Ingestion").RequireAuthorization(Policies.Api);
        batches.MapGet("/{id:guid}", Get).WithName("GetBatch").RequireAuthorization(IngestionPolicies.Loaders)
            .WithSummary("A batch: status, counts and rejected rows");
        batches.MapGet("/{id:guid}/rejections.csv", RejectionsCsv).WithName("GetBatchRejectionsCsv").RequireAuthorization(IngestionPolicies.Loaders)
            .WithSummary("The rejected rows of a batch as CSV, with each row as sent (may hold personal data)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return routes;
    }

    private static async Task<Results<Created<BatchResponse>, ProblemHttpResult>> Upload(
        string code, string? mode, HttpContext context, IngestionService service, CancellationToken cancellationToken)
    {
        // Batches are far larger than JSON requests: the batch limit is enforced while streaming, not by Kestrel.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        // The rows are read as they arrive, on this request's thread (CSV and NDJSON readers are synchronous).
        if (context.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true;
        }

        var upload = new Upload(code, context.Request.ContentType, mode, context.Request.Headers[IdempotencyHeader].FirstOrDefault(), context.Request.Body);
        var outcome = await service.UploadAsync(upload, context.User, context.ToActor(), cancellationToken);
        if (outcome.Value is not { } result)
        {
            var failure = outcome.Failure!;
            if (failure.Issues.Any(i => i.Code is "contentType"))
            {
                return TypedResults.Problem(title: "The media type is not supported.", statusCode: StatusCodes.Status415UnsupportedMediaType,
                    extensions: new Dictionary<string, object?> { ["errors"] = failure.Errors });
            }

            return Problems.From(failure);
        }

        if (result.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return Answer(result);
    }

    /// <summary>201 with the batch, or 422 (413 for a body over the limit) with every rejected row when nothing was stored.</summary>
    private static Results<Created<BatchResponse>, ProblemHttpResult> Answer(IngestResult result)
    {
        var response = BatchResponse.Of(result.Batch, result.Rejections);
        if (result.Batch.Status == BatchStatus.Committed)
        {
            return TypedResults.Created(response.Self, response);
        }

        var tooLarge = result.Rejections.Any(r => r.Code == "tooLarge");
        var errors = result.Rejections.Take(BatchResponse.MaxListed)
            .GroupBy(r => r.Row == 0 ? r.Field : $"rows[{r.Row}].{r.Field}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Reason).ToArray(), StringComparer.Ordinal);
        return TypedResults.Problem(
            title: $"The batch was refused: {result.Batch.Counts.Rejected} of {result.Batch.Counts.Received} rows have errors; nothing was stored.",
            statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["errors"] = errors, ["batch"] = response });
    }

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> Get(Guid id, HttpContext context, IngestionService service, CancellationToken cancellationToken)
    {
        if (await service.BatchAsync(id, context.User, cancellationToken) is not { } batch)
        {
            return Problems.NotFound("The batch");
        }

        return TypedResults.Ok(BatchResponse.Of(batch, await service.RejectionsAsync(batch, cancellationToken), await service.RawRowsRemovedAsync(batch, cancellationToken)));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> RejectionsCsv(Guid id, HttpContext context, IngestionService service, CancellationToken cancellationToken)
    {
        if (await service.BatchAsync(id, context.User, cancellationToken) is not { } batch)
        {
            return Problems.NotFound("The batch");
        }

        var csv = RejectionCsv.Write(await service.RejectionsAsync(batch, cancellationToken), await service.RawRowsRemovedAsync(batch, cancellationToken));
        return TypedResults.File(csv, "text/csv; charset=utf-8", $"batch-{batch.Id}-rejections.csv");
    }

    private static async Task<Results<Ok<Page<BatchResponse>>, ProblemHttpResult>> History(
        string code, string? cursor, int? limit, HttpContext context, IngestionService service, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeTimeAndId(cursor, out var before))
        {
            return Problems.Invalid("cursor", "is not a cursor this list gave out");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var outcome = await service.HistoryAsync(code, context.User, before, size + 1, cancellationToken);
        if (!outcome.Succeeded)
        {
            return Problems.From(outcome.Failure!);
        }

        var history = outcome.Value;
        var items = history.Batches.Take(size).Select(b => BatchResponse.Of(b, null)).ToList();
        var next = history.Batches.Count > size
            ? Cursor.EncodeTimeAndId(history.Batches[size - 1].StartedAt, history.Batches[size - 1].Id)
            : null;
        return TypedResults.Ok(new Page<BatchResponse>(items, next));
    }
}

/// <summary>The rejected rows of a batch as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese right).</summary>
public static class RejectionCsv
{
    /// <summary>What the <c>raw</c> column says of a row whose text retention removed.</summary>
    public const string RemovedByRetention = "removed by retention (原始内容已按保留期限删除)";

    /// <param name="rawRowsRemoved">Retention removed the rows as sent: each row's raw cell says so instead of being blank.</param>
    public static byte[] Write(IReadOnlyList<RowRejection> rejections, bool rawRowsRemoved = false)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        var text = new StringBuilder("row,field,code,reason,raw\r\n");
        foreach (var r in rejections)
        {
            text.Append(CsvRecords.Join([r.Row.ToString(CultureInfo.InvariantCulture), r.Field, r.Code, r.Reason, r.Raw ?? (rawRowsRemoved && r.Row > 0 ? RemovedByRetention : "")])).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}

public static class IngestionPolicies
{
    /// <summary>Who may load and read batches at all: PlatformAdmin, DataSteward and API clients (the service checks the organization).</summary>
    public const string Loaders = "ingestion-loaders";

    /// <summary>The console's upload and batch pages: PlatformAdmin and DataSteward with the console cookie.</summary>
    public const string ConsoleLoaders = "ingestion-console-loaders";
}
