using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Quality;

/// <summary>
/// <c>GET /api/v1/resources/{code}/quality</c> (design §5), its history and on-demand runs, and
/// <c>GET /api/v1/quality/ranking</c> (部门数据质量排名) for the data authority. docs/quality.md.
/// </summary>
public static class QualityEndpoints
{
    public static IEndpointRouteBuilder MapQualityEndpoints(this IEndpointRouteBuilder routes)
    {
        var resources = routes.MapGroup("/api/v1/resources").WithTags("Quality").RequireAuthorization(Policies.Api);
        resources.MapGet("/{code}/quality", Latest).WithName("GetResourceQuality")
            .WithSummary("The latest quality report of a resource (GB/T 36344 dimensions, overall score, five-level rating)")
            .WithDescription("Failing samples (record keys, masked when a key field is personal information, and the rule code; never values) are included for the provider organization, PlatformAdmin and Auditor. 404 when the resource was never measured.")
            .Produces<QualityReportResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        resources.MapGet("/{code}/quality/history", History).WithName("ListResourceQualityHistory")
            .WithSummary("The quality trend: reports newest first, optionally in [from, to)")
            .Produces<Page<QualityTrendResponse>>();
        resources.MapPost("/{code}/quality/runs", Run).WithName("RunResourceQuality").RequireAuthorization(QualityPolicies.Runners)
            .WithSummary("Measure a resource now (the provider's data stewards and API clients, PlatformAdmin); answers the new report")
            .Produces<QualityReportResponse>(StatusCodes.Status201Created);

        var quality = routes.MapGroup("/api/v1/quality").WithTags("Quality").RequireAuthorization(Policies.Api);
        quality.MapGet("/ranking", Ranking).WithName("GetQualityRanking").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("部门数据质量排名: providers by the mean overall score of their published resources' latest reports")
            .Produces<Page<ProviderRankResponse>>();
        return routes;
    }

    private static async Task<Results<Ok<QualityReportResponse>, ProblemHttpResult>> Latest(string code, HttpContext context, QualityService service, CancellationToken cancellationToken)
    {
        var outcome = await service.LatestAsync(code, context.User, cancellationToken);
        if (outcome.Value is not { } view)
        {
            return Problems.From(outcome.Failure!);
        }

        return view.Report is { } report
            ? TypedResults.Ok(QualityReportResponse.Of(report, view.ShowsSamples))
            : TypedResults.Problem(title: "The resource has not been measured yet.", detail: $"POST /api/v1/resources/{view.Resource.Code.Slug}/quality/runs measures it now.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<QualityTrendResponse>>, ProblemHttpResult>> History(
        string code, DateTimeOffset? from, DateTimeOffset? to, string? cursor, int? limit, HttpContext context, QualityService service, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeTimeAndId(cursor, out var before))
        {
            return Problems.Invalid("cursor", "is not a cursor this list gave out");
        }

        if (from is { } f && to is { } t && f >= t)
        {
            return Problems.Invalid("to", "must be after from");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var outcome = await service.HistoryAsync(code, context.User, from, to, before, size + 1, cancellationToken);
        if (!outcome.Succeeded)
        {
            return Problems.From(outcome.Failure!);
        }

        var reports = outcome.Value.Reports;
        return TypedResults.Ok(Cursor.PageOf(reports, size,
            r => Cursor.TimeAndId(r.MeasuredAt, r.Id), QualityTrendResponse.Of));
    }

    private static async Task<Results<Created<QualityReportResponse>, ProblemHttpResult>> Run(string code, HttpContext context, QualityService service, CancellationToken cancellationToken)
    {
        var outcome = await service.RunAsync(code, context.User, cancellationToken);
        if (outcome.Value is not { Report: { } report } view)
        {
            return Problems.From(outcome.Failure!);
        }

        return TypedResults.Created($"/api/v1/resources/{view.Resource.Code.Slug}/quality", QualityReportResponse.Of(report, view.ShowsSamples));
    }

    private static async Task<Ok<Page<ProviderRankResponse>>> Ranking(QualityService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(new Page<ProviderRankResponse>(ProviderRankResponse.RankAll(await service.RankingAsync(cancellationToken)), null));
}

public static class QualityPolicies
{
    /// <summary>Who may ask for a measurement at all: PlatformAdmin, DataSteward and API clients (the service checks the organization).</summary>
    public const string Runners = "quality-runners";
}
