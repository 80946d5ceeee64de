using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary><c>/api/v1/grants</c>: what consumers may take; the provider's approver or the data authority suspends, resumes, revokes and renews.</summary>
public static class GrantEndpoints
{
    public static IEndpointRouteBuilder MapGrantEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/grants").WithTags("Sharing").RequireAuthorization(Policies.Api);
        group.MapGet("/", List).WithName("ListGrants").WithSummary("Grants the caller's organization holds or gives (the data authority: all)");
        group.MapGet("/{id:guid}", Get).WithName("GetGrant");
        group.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendGrant").RequireAuthorization(SharingPolicies.Reviewers).WithSummary("Pause a grant (暂停); reason required");
        group.MapPost("/{id:guid}/resume", Resume).WithName("ResumeGrant").RequireAuthorization(SharingPolicies.Reviewers);
        group.MapPost("/{id:guid}/revoke", Revoke).WithName("RevokeGrant").RequireAuthorization(SharingPolicies.Reviewers).WithSummary("End a grant for good (撤销); reason required");
        group.MapPost("/{id:guid}/renew", Renew).WithName("RenewGrant").RequireAuthorization(SharingPolicies.Reviewers).WithSummary("Extend validity (续期)");
        return routes;
    }

    private static async Task<Results<Ok<Page<GrantResponse>>, ProblemHttpResult>> List(
        HttpContext context, SharingService service, TimeProvider clock, string? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The organization");
        }

        GrantStatus? which = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<GrantStatus>(status.Trim(), ignoreCase: true, out var s) || !Enum.IsDefined(s) || char.IsAsciiDigit(status.Trim()[0]))
            {
                return Problems.From(Failure.Invalid(new Issue("status", "status.unknown", "must be Active, Suspended, Revoked or Expired", [status])));
            }

            which = s;
        }

        var page = await service.ListGrantsAsync(caller, which, cursor, limit ?? Cursor.DefaultLimit, cancellationToken);
        var now = clock.GetUtcNow();
        return page.Value is { } found
            ? TypedResults.Ok(new Page<GrantResponse>(found.Items.Select(g => GrantResponse.Of(g, now)).ToList(), found.NextCursor))
            : Problems.From(page.Failure!);
    }

    private static async Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Get(Guid id, HttpContext context, SharingService service, TimeProvider clock, CancellationToken cancellationToken) =>
        await service.CallerAsync(context.User, cancellationToken) is { } caller && await service.GetGrantAsync(id, caller, cancellationToken) is { } grant
            ? TypedResults.Ok(GrantResponse.Of(grant, clock.GetUtcNow()))
            : Problems.NotFound("The grant");

    private static Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Suspend(Guid id, ReasonBody body, HttpContext context, SharingService service, TimeProvider clock, CancellationToken cancellationToken) =>
        Step(context, service, clock, (caller, actor) => service.SuspendGrantAsync(id, body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Resume(Guid id, HttpContext context, SharingService service, TimeProvider clock, CancellationToken cancellationToken) =>
        Step(context, service, clock, (caller, actor) => service.ResumeGrantAsync(id, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Revoke(Guid id, ReasonBody body, HttpContext context, SharingService service, TimeProvider clock, CancellationToken cancellationToken) =>
        Step(context, service, clock, (caller, actor) => service.RevokeGrantAsync(id, body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Renew(Guid id, RenewBody body, HttpContext context, SharingService service, TimeProvider clock, CancellationToken cancellationToken) =>
        Step(context, service, clock, (caller, actor) => service.RenewGrantAsync(id, body.ValidTo, caller, actor, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<GrantResponse>, ProblemHttpResult>> Step(
        HttpContext context, SharingService service, TimeProvider clock, Func<SharingCaller, Core.Audit.Actor, Task<Outcome<StoredGrant>>> step, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The grant");
        }

        var outcome = await step(caller, context.ToActor());
        return outcome.Value is { } grant ? TypedResults.Ok(GrantResponse.Of(grant, clock.GetUtcNow())) : Problems.From(outcome.Failure!);
    }
}
