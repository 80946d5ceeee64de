using Shuqiao.Core.Common;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>A load request: entries <c>{"type":"bench","run":Run,"seq":Start…Start+Count−1,"v":1}</c>.</summary>
public sealed record BenchAppendRequest(string Run, long Start, int Count);

/// <summary>The index each entry got, in <c>seq</c> order; returned only after every one is durable.</summary>
public sealed record BenchAppendResponse(IReadOnlyList<long> Indices);

/// <summary>
/// Load for the crash test and benchmarks: appends entries through the group-commit writer as concurrent callers
/// would. Mapped only when <c>Shuqiao:BenchmarkMode</c> is true — never in production.
/// </summary>
public static class LedgerBenchEndpoints
{
    public const int MaxCount = 10_000;

    public static IEndpointRouteBuilder MapLedgerBench(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/bench/ledger/append", Append).WithName("BenchLedgerAppend").WithTags("Benchmark").AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    /// <summary>The bytes of bench entry <paramref name="seq"/> of <paramref name="run"/> (the test recomputes them).</summary>
    public static byte[] Entry(string run, long seq) =>
        Jcs.Canonicalize(new JsonObject { ["v"] = 1, ["type"] = "bench", ["run"] = run, ["seq"] = seq });

    private static async Task<Results<Ok<BenchAppendResponse>, BadRequest>> Append(BenchAppendRequest request, LedgerWriter writer, CancellationToken cancellationToken)
    {
        if (request.Count is < 1 or > MaxCount || string.IsNullOrEmpty(request.Run) || request.Run.Length > 100)
        {
            return TypedResults.BadRequest();
        }

        var appends = new Task<long>[request.Count];
        for (var i = 0; i < request.Count; i++)
        {
            appends[i] = writer.AppendAsync(Entry(request.Run, request.Start + i), null, cancellationToken);
        }

        return TypedResults.Ok(new BenchAppendResponse(await Task.WhenAll(appends)));
    }
}
