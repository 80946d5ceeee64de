using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Sharing;

/// <summary>
/// <c>/api/v1/sharing-requests</c> (design §5): consumers request, providers review, the data authority decides what is
/// escalated, co-approves 核心 fields and arbitrates disputes. Requests of other organizations answer 404.
/// </summary>
public static class SharingEndpoints
{
    public static IEndpointRouteBuilder MapSharingEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sharing-requests").WithTags("Sharing").RequireAuthorization(Policies.Api);
        group.MapPost("/", Submit).WithName("SubmitSharingRequest").RequireAuthorization(SharingPolicies.Requesters)
            .WithSummary("Request a resource (共享申请)")
            .WithDescription("Unconditional resources are granted at once (201 with grantId); NotShared ones are refused (403) with the catalog's legal basis; Conditional ones wait for review.");
        group.MapGet("/", List).WithName("ListSharingRequests").RequireAuthorization(Policies.Api)
            .WithSummary("Requests the caller's organization made or must review")
            .WithDescription("box = outgoing | incoming | authority (escalated, co-approval, disputes; the data authority) | all; status filters (comma-separated); cursor paging.");
        group.MapGet("/{id:guid}", Get).WithName("GetSharingRequest").RequireAuthorization(Policies.Api).WithSummary("A request with its history");
        group.MapPost("/{id:guid}/review", Review).WithName("StartSharingReview").RequireAuthorization(SharingPolicies.Reviewers).WithSummary("The provider takes the request into review (受理)");
        group.MapPost("/{id:guid}/approve", Approve).WithName("ApproveSharingRequest").RequireAuthorization(SharingPolicies.Reviewers)
            .WithSummary("Approve, possibly narrowing fields, rows, period, quota or mode")
            .WithDescription("An approval only narrows. maskingOverrides that show more than a field's default need the field in confirmedLifts.");
        group.MapPost("/{id:guid}/reject", Reject).WithName("RejectSharingRequest").RequireAuthorization(SharingPolicies.Reviewers).WithSummary("Reject with a reason (required)");
        group.MapPost("/{id:guid}/co-approve", CoApprove).WithName("CoApproveSharingRequest").RequireAuthorization(SharingPolicies.Authority).WithSummary("The data authority co-approves 核心 fields (会签)");
        group.MapPost("/{id:guid}/arbitrate", Arbitrate).WithName("ArbitrateSharingRequest").RequireAuthorization(SharingPolicies.Authority).WithSummary("The data authority upholds or overturns a disputed rejection");
        group.MapPost("/{id:guid}/withdraw", Withdraw).WithName("WithdrawSharingRequest").RequireAuthorization(SharingPolicies.Requesters).WithSummary("The requester withdraws an open request");
        group.MapPost("/{id:guid}/dispute", Dispute).WithName("DisputeSharingRejection").RequireAuthorization(SharingPolicies.Requesters).WithSummary("The requester disputes a rejection (异议, reason required, once)");
        return routes;
    }

    private static async Task<Results<Created<SharingRequestResponse>, ProblemHttpResult>> Submit(SharingRequestBody body, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The organization");
        }

        var outcome = await service.SubmitAsync(body, caller, context.ToActor(), cancellationToken);
        return outcome.Value is { } view
            ? TypedResults.Created($"/api/v1/sharing-requests/{view.Request.Id}", SharingRequestResponse.Of(view))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<Page<SharingRequestResponse>>, ProblemHttpResult>> List(
        HttpContext context, SharingService service, string? box, string? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The organization");
        }

        var issues = new List<Issue>();
        var which = SharingBox.All;
        if (!string.IsNullOrWhiteSpace(box) && (!Enum.TryParse(box.Trim(), ignoreCase: true, out which) || !Enum.IsDefined(which) || char.IsAsciiDigit(box.Trim()[0])))
        {
            issues.Add(new Issue("box", "box.unknown", "must be outgoing, incoming, authority or all", [box]));
        }

        var statuses = new List<SharingRequestStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<SharingRequestStatus>(part, ignoreCase: true, out var s) && Enum.IsDefined(s) && !char.IsAsciiDigit(part[0]))
            {
                statuses.Add(s);
            }
            else
            {
                issues.Add(new Issue("status", "status.unknown", $"'{part}' is not a status: {string.Join(", ", Enum.GetNames<SharingRequestStatus>())}", [part]));
            }
        }

        if (issues.Count > 0)
        {
            return Problems.From(Failure.Invalid(issues));
        }

        var page = await service.ListAsync(caller, which, statuses.Count > 0 ? statuses : null, cursor, limit ?? Cursor.DefaultLimit, cancellationToken);
        return page.Value is { } found
            ? TypedResults.Ok(new Page<SharingRequestResponse>(found.Items.Select(r => SharingRequestResponse.Of(r)).ToList(), found.NextCursor))
            : Problems.From(page.Failure!);
    }

    private static async Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Get(Guid id, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        await service.CallerAsync(context.User, cancellationToken) is { } caller && await service.GetAsync(id, caller, cancellationToken) is { } view
            ? TypedResults.Ok(SharingRequestResponse.Of(view))
            : Problems.NotFound("The sharing request");

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Review(Guid id, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.StartReviewAsync(id, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Approve(Guid id, ApprovalBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.ApproveAsync(id, body, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Reject(Guid id, ReasonBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.RejectAsync(id, body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> CoApprove(Guid id, ReasonBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.CoApproveAsync(id, body.Comment ?? body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Arbitrate(Guid id, ArbitrationBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.ArbitrateAsync(id, body, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Withdraw(Guid id, ReasonBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.WithdrawAsync(id, body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Dispute(Guid id, ReasonBody body, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        Step(context, service, (caller, actor) => service.DisputeAsync(id, body.Reason, caller, actor, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<SharingRequestResponse>, ProblemHttpResult>> Step(
        HttpContext context, SharingService service, Func<SharingCaller, Core.Audit.Actor, Task<Outcome<SharingView>>> step, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The sharing request");
        }

        var outcome = await step(caller, context.ToActor());
        return outcome.Value is { } view ? TypedResults.Ok(SharingRequestResponse.Of(view)) : Problems.From(outcome.Failure!);
    }
}
