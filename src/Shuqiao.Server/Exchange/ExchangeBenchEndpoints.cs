namespace Shuqiao.Server.Exchange;

/// <summary>
/// The gateway benchmark's baseline (bench/gateway): reads the same row with the same SQL as the governed
/// <c>records/{key}</c>, without authentication, grant, masking or audit. Mapped only when <c>Shuqiao:BenchmarkMode</c>
/// is true — never in production.
/// </summary>
public static class ExchangeBenchEndpoints
{
    public static IEndpointRouteBuilder MapExchangeBench(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/bench/exchange/{resource}/records/{key}", Record).WithName("BenchExchangeRecord").WithTags("Benchmark").AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> Record(string resource, string key, ExchangeService service, CancellationToken cancellationToken) =>
        await service.BaselineRecordAsync(resource, key, cancellationToken) is { } json ? TypedResults.Bytes(json, "application/json") : TypedResults.NotFound();
}
