using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// <c>/api/v1/ledger</c>: the ledger for integrators — overview, entries, proofs, receipts — and the integrity check.
/// Reading needs any API credential (the same data is public at <c>/ledger/…</c> anyway: entries hold no personal
/// data); running the check is for PlatformAdmin and Auditor.
/// </summary>
public static class LedgerApiEndpoints
{
    private const string ReceiptType = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder routes)
    {
        var ledger = routes.MapGroup("/api/v1/ledger").WithTags("Ledger").RequireAuthorization(Policies.Api);
        ledger.MapGet("/", Overview).WithName("GetLedger").RequireAuthorization(Policies.Api)
            .WithSummary("Tree size, latest checkpoint with its cosignatures, keys, witnesses, last integrity check");
        ledger.MapGet("/entries/{index:long}", Entry).WithName("GetLedgerEntry").RequireAuthorization(Policies.Api)
            .WithSummary("One entry: its JSON, exact bytes (base64), leaf hash and the audit event it records");
        ledger.MapGet("/proofs/inclusion", Inclusion).WithName("GetLedgerInclusionProof").RequireAuthorization(Policies.Api)
            .WithSummary("RFC 9162 inclusion proof of entry `index` in the tree of `size` (default: the latest checkpoint)");
        ledger.MapGet("/proofs/consistency", Consistency).WithName("GetLedgerConsistencyProof").RequireAuthorization(Policies.Api)
            .WithSummary("RFC 9162 consistency proof from tree size `from` to `to` (default: the latest checkpoint)");
        ledger.MapGet("/receipts/{index:long}", Receipt).WithName("GetLedgerReceipt").RequireAuthorization(Policies.Api)
            .WithSummary("The entry's receipt (c2sp.org/tlog-proof, entry bytes as extra data), verifiable offline")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        ledger.MapGet("/receipts/by-event/{auditEventId:guid}", ReceiptByEvent).WithName("GetLedgerReceiptByEvent").RequireAuthorization(Policies.Api)
            .WithSummary("The receipt of the ledger entry that records an audit event")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        ledger.MapPost("/verify", Verify).WithName("VerifyLedger").RequireAuthorization(Policies.AuditReaders)
            .WithSummary("Recompute the whole tree now and compare it with every stored hash and signed checkpoint; the result is recorded");
        return routes;
    }

    private static async Task<Ok<LedgerOverview>> Overview(LedgerService ledger, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ledger.OverviewAsync(cancellationToken));

    private static async Task<Results<Ok<EntryView>, ProblemHttpResult>> Entry(long index, LedgerService ledger, CancellationToken cancellationToken)
    {
        var entry = await ledger.EntryAsync(index, cancellationToken);
        return entry.Value is { } view ? TypedResults.Ok(view) : Problems.From(entry.Failure!);
    }

    private static async Task<Results<Ok<InclusionProofView>, ProblemHttpResult>> Inclusion(long? index, long? size, LedgerService ledger, CancellationToken cancellationToken)
    {
        if (index is null)
        {
            return Problems.Invalid("index", "is required");
        }

        var proof = await ledger.InclusionAsync(index.Value, size, cancellationToken);
        return proof.Value is { } view ? TypedResults.Ok(view) : Problems.From(proof.Failure!);
    }

    private static async Task<Results<Ok<ConsistencyProofView>, ProblemHttpResult>> Consistency(long? from, long? to, LedgerService ledger, CancellationToken cancellationToken)
    {
        if (from is null)
        {
            return Problems.Invalid("from", "is required");
        }

        var proof = await ledger.ConsistencyAsync(from.Value, to, cancellationToken);
        return proof.Value is { } view ? TypedResults.Ok(view) : Problems.From(proof.Failure!);
    }

    private static async Task<IResult> Receipt(long index, HttpContext context, LedgerService ledger, CancellationToken cancellationToken)
    {
        var receipt = await ledger.ReceiptAsync(index, cancellationToken);
        return receipt.Value is { } text ? ReceiptFile(context, index, text) : Problems.From(receipt.Failure!);
    }

    private static async Task<IResult> ReceiptByEvent(Guid auditEventId, HttpContext context, LedgerService ledger, CancellationToken cancellationToken)
    {
        var receipt = await ledger.ReceiptByEventAsync(auditEventId, cancellationToken);
        return receipt.Value is var (index, text) && text is not null ? ReceiptFile(context, index, text) : Problems.From(receipt.Failure!);
    }

    private static async Task<Ok<IntegrityView>> Verify(HttpContext context, LedgerService ledger, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ledger.VerifyAsync(context.User.UserOrClientId(), cancellationToken));

    /// <summary>A receipt as a <c>.tlog-proof</c> file (the extension tlog-proof recommends).</summary>
    internal static IResult ReceiptFile(HttpContext context, long index, string text)
    {
        context.Response.Headers.ContentDisposition = $"inline; filename=\"ledger-{index.ToString(CultureInfo.InvariantCulture)}.tlog-proof\"";
        return Results.Text(text, ReceiptType, Encoding.UTF8);
    }
}
