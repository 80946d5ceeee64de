using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// /api/v1/trust-list (跨省互认, kept by the data authority's PlatformAdmins) and /api/v1/licence-holders (links of
/// portal users to the holder codes whose licences they see, made by a PlatformAdmin).
/// </summary>
public static class TrustListEndpoints
{
    public static IEndpointRouteBuilder MapTrustListEndpoints(this IEndpointRouteBuilder routes)
    {
        var trust = routes.MapGroup("/api/v1/trust-list").WithTags("Licences").RequireAuthorization(Policies.Api);
        trust.MapGet("/", List).WithName("ListTrustedIssuers");
        trust.MapPost("/", Add).WithName("AddTrustedIssuer").RequireAuthorization(Policies.PlatformAdmin);
        trust.MapDelete("/{id:guid}", Remove).WithName("RemoveTrustedIssuer").RequireAuthorization(Policies.PlatformAdmin);

        var holders = routes.MapGroup("/api/v1/licence-holders").WithTags("Licences").RequireAuthorization(Policies.Api, Policies.PlatformAdmin);
        holders.MapGet("/{userId:guid}", GetLink).WithName("GetLicenceHolderLink");
        holders.MapPut("/{userId:guid}", Link).WithName("LinkLicenceHolder");
        holders.MapDelete("/{userId:guid}", Unlink).WithName("UnlinkLicenceHolder");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<TrustedIssuer>>> List(TrustListService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(cancellationToken));

    private static async Task<Results<Created<TrustedIssuer>, ProblemHttpResult>> Add(TrustedIssuerRequest request, TrustListService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.AddAsync(request, context.User.OrganizationOf(), context.ToActor(), cancellationToken);
        return outcome.Value is { } issuer ? TypedResults.Created($"/api/v1/trust-list/{issuer.Id}", issuer) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<TrustedIssuer>, ProblemHttpResult>> Remove(Guid id, TrustListService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.RemoveAsync(id, context.User.OrganizationOf(), context.ToActor(), cancellationToken);
        return outcome.Value is { } issuer ? TypedResults.Ok(issuer) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<HolderLinkResponse>, ProblemHttpResult>> GetLink(Guid userId, HolderService service, CancellationToken cancellationToken) =>
        await service.FindLinkAsync(userId, cancellationToken) is { } link ? TypedResults.Ok(HolderLinkResponse.Of(link)) : Problems.NotFound("The holder link");

    private static async Task<Results<Ok<HolderLinkResponse>, ProblemHttpResult>> Link(Guid userId, HolderLinkRequest request, HolderService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.LinkAsync(userId, request, context.ToActor(), cancellationToken);
        return outcome.Value is { } link ? TypedResults.Ok(HolderLinkResponse.Of(link)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unlink(Guid userId, HolderService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.UnlinkAsync(userId, context.ToActor(), cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("The holder link");
}
