using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Exchange;

/// <summary>
/// The gateway benchmark's comparison paths (bench/gateway), mapped only when <c>Shuqiao:BenchmarkMode</c> is true —
/// never in production: the baseline reads the same row with the same SQL as the governed <c>records/{key}</c> without
/// authentication, grant, masking or audit; the unaudited path is the governed one without the access event of an
/// allowed read (refusals are still audited), which tells the audit's cost from the rest of governance.
/// </summary>
public static class ExchangeBenchEndpoints
{
    public static IEndpointRouteBuilder MapExchangeBench(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/bench/exchange/{resource}/records/{key}", Record).WithName("BenchExchangeRecord").WithTags("Benchmark").AllowAnonymous().ExcludeFromDescription();
        routes.MapGet("/bench/exchange/{resource}/unaudited/{key}", Unaudited).WithName("BenchExchangeUnaudited").WithTags("Benchmark")
            .RequireAuthorization(Policies.Api).RequireAuthorization(ExchangePolicies.Consumers).ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> Record(string resource, string key, ExchangeService service, CancellationToken cancellationToken) =>
        await service.BaselineRecordAsync(resource, key, cancellationToken) is { } json ? TypedResults.Bytes(json, "application/json") : TypedResults.NotFound();

    private static async Task<IResult> Unaudited(string resource, string key, HttpContext context, ExchangeService service, CancellationToken cancellationToken)
    {
        var caller = ExchangeEndpoints.Caller(context);
        return ExchangeEndpoints.Respond(caller, await service.UnauditedRecordAsync(caller, resource, key, cancellationToken));
    }
}
