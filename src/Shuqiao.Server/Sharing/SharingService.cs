using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Privacy;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Catalog;
using Shuqiao.Storage.Organizations;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary>Which requests a list shows: the caller's outgoing ones, incoming ones to review, or those awaiting the data authority.</summary>
public enum SharingBox
{
    All,
    Outgoing,
    Incoming,
    Authority,
}

/// <summary>A request with what the detail page and API show beside it.</summary>
public sealed record SharingView(SharingRequest Request, IReadOnlyList<string> LiftedFields, Guid? GrantId, IReadOnlyList<RequestEvent>? History);

/// <summary>An organization's webhook as shown (never the secret), and the new secret when one was just issued.</summary>
public sealed record WebhookView(Guid OrganizationId, string Url, bool Enabled, DateTimeOffset UpdatedAt, string? Secret);

/// <summary>
/// 供需对接: requests, their review, and the grants they give. Shared by the API, the console and the jobs. Tenancy:
/// a request or grant is seen by its consumer's and provider's organizations and by the data authority; anyone else is
/// told it does not exist (404). Whether the caller is the right party for a step is checked here; whether the step
/// fits the request's state is the domain's (<see cref="SharingRequest"/>, <see cref="Grant"/>).
/// </summary>
public sealed class SharingService(
    SharingRequestStore requests,
    GrantStore grants,
    NotificationStore notifications,
    CatalogStore catalog,
    OrganizationStore organizations,
    IDataProtectionProvider protection,
    WebhookAddressGuard webhookAddresses,
    IOptions<SharingOptions> options,
    TimeProvider clock,
    ILogger<SharingService> logger)
{
    public const string WebhookSecretPurpose = "Shuqiao.Sharing.WebhookSecret";

    private static readonly IReadOnlyList<SharingRequestStatus> AuthorityStatuses =
        [SharingRequestStatus.Escalated, SharingRequestStatus.PendingAuthority, SharingRequestStatus.Disputed];

    private readonly ReplyDeadlines _deadlines = options.Value.Deadlines();

    public ReplyDeadlines Deadlines => _deadlines;

    /// <summary>The caller's sharing identity, or null for a principal without an organization.</summary>
    public async Task<SharingCaller?> CallerAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.OrganizationOf() is not { } organizationId)
        {
            return null;
        }

        var organization = await organizations.FindAsync(organizationId, cancellationToken);
        return SharingCaller.Of(principal, organizationId, organization?.IsDataAuthority == true);
    }

    // ---------------------------------------------------------------- requests

    public async Task<Outcome<SharingView>> SubmitAsync(SharingRequestBody body, SharingCaller caller, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Requests(caller.OrganizationId))
        {
            return new Failure(FailureKind.Forbidden, "Only a consumer's data steward or API client requests data.", []);
        }

        var issues = new List<Issue>();
        DataResource? resource = null;
        if (string.IsNullOrWhiteSpace(body.Resource))
        {
            issues.Add(new Issue("resource", "resource.required", "is required (the resource's code)", []));
        }
        else if (ResourceCode.TryParse(body.Resource, out var code) != ResourceCodeError.None
                 || await catalog.FindAsync(code, cancellationToken) is not { } found
                 || (found.Status == ResourceStatus.Draft && found.ProviderId != caller.OrganizationId))
        {
            issues.Add(new Issue("resource", "resource.unknown", "does not name a resource of the catalog", [body.Resource]));
        }
        else
        {
            resource = found;
        }

        var mode = SharingInput.ReadMode(body.Mode, "mode", issues) ?? GrantMode.Read;
        if (body.ValidTo is null)
        {
            issues.Add(new Issue("validTo", "period.required", "is required (the end of the requested period)", []));
        }

        Guid? clientId = caller.IsClient ? caller.Id : body.ClientId;
        if (!caller.IsClient && body.ClientId is { } named && await requests.ClientOrganizationAsync(named, cancellationToken) != caller.OrganizationId)
        {
            issues.Add(new Issue("clientId", "client.unknown", "does not name an API client of your organization", []));
        }

        RowPredicate? scope = null;
        if (resource is not null && body.RowScope is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } json)
        {
            scope = RowFilterJson.Read(json, resource.Fields, ValueOptions(), "rowScope", issues);
        }

        if (issues.Count > 0 || resource is null)
        {
            return Failure.Invalid(issues);
        }

        var now = clock.GetUtcNow();
        var terms = new SharingTerms(body.Fields ?? [], scope, body.ValidFrom ?? now, body.ValidTo!.Value, body.DailyQuota, mode);
        var application = new SharingApplication(caller.OrganizationId, clientId, body.Purpose ?? "", body.Scenario, body.LegalBasis, terms);
        var submitted = SharingRequest.Submit(Guid.CreateVersion7(now), application, resource, _deadlines, now);
        if (submitted.Value is not { } request)
        {
            return submitted.Failure!;
        }

        var notice = Notice("sharing.request.submit", request, await AuthoritiesFor(request, cancellationToken));
        var saved = await requests.InsertAsync(request, resource, new RequestStep("sharing.request.submit", "submit", null, null, [], notice), actor, cancellationToken);
        SharingLog.Submitted(logger, request.Id, request.ResourceCode, request.Status);
        return new SharingView(saved.Request, [], saved.Grant?.Grant.Id, null);
    }

    public async Task<Outcome<Page<SharingRequest>>> ListAsync(SharingCaller caller, SharingBox box, IReadOnlyList<SharingRequestStatus>? statuses, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Failure.Invalid("cursor", "is not a cursor this API returned");
        }

        var size = Math.Clamp(limit, 1, Cursor.MaxLimit);
        var query = box switch
        {
            SharingBox.Outgoing => new RequestQuery(caller.OrganizationId, true, false, statuses, after, size + 1),
            SharingBox.Incoming => new RequestQuery(caller.OrganizationId, false, true, statuses, after, size + 1),
            SharingBox.Authority when caller.OrganizationIsAuthority => new RequestQuery(null, false, false, statuses ?? AuthorityStatuses, after, size + 1),
            SharingBox.Authority => new RequestQuery(caller.OrganizationId, false, false, [], after, 0),
            _ when caller.OrganizationIsAuthority => new RequestQuery(null, false, false, statuses, after, size + 1),
            _ => new RequestQuery(caller.OrganizationId, true, true, statuses, after, size + 1),
        };
        if (query.Limit == 0)
        {
            return new Page<SharingRequest>([], null);
        }

        var rows = await requests.ListAsync(query, cancellationToken);
        return Cursor.PageOf(rows, size, r => r.Id.ToString(), r => r);
    }

    public async Task<SharingView?> GetAsync(Guid id, SharingCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await requests.FindAsync(id, cancellationToken) is not { } request || !caller.Sees(request))
        {
            return null;
        }

        var history = await requests.HistoryAsync(id, cancellationToken);
        var grant = await grants.FindByRequestAsync(id, cancellationToken);
        return new SharingView(request, await requests.LiftedFieldsAsync(id, cancellationToken), grant?.Grant.Id, history);
    }

    /// <summary>The provider takes the request into review (受理).</summary>
    public Task<Outcome<SharingView>> StartReviewAsync(Guid id, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        ReviewStepAsync(id, caller, actor, "sharing.request.review", "review", null,
            (request, _, reviewer, now) => (request.StartReview(reviewer, now), []), cancellationToken);

    public Task<Outcome<SharingView>> ApproveAsync(Guid id, ApprovalBody body, SharingCaller caller, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ReviewStepAsync(id, caller, actor, "sharing.request.approve", "approve", body.Comment, (request, resource, reviewer, now) =>
        {
            var decision = Decision(body, resource, out var issues);
            if (issues.Count > 0)
            {
                return (Failure.Invalid(issues), []);
            }

            var next = request.Approve(reviewer, decision!, resource, _deadlines, now);
            return (next, next.Value is { } approved ? Lifts(approved, resource) : []);
        }, cancellationToken);
    }

    public Task<Outcome<SharingView>> RejectAsync(Guid id, string? reason, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        ReviewStepAsync(id, caller, actor, "sharing.request.reject", "reject", reason,
            (request, _, reviewer, now) => (request.Reject(reviewer, reason, now), []), cancellationToken);

    public Task<Outcome<SharingView>> CoApproveAsync(Guid id, string? comment, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        ReviewStepAsync(id, caller, actor, "sharing.request.coApprove", "coApprove", comment,
            (request, _, reviewer, now) => (request.CoApprove(reviewer, comment, now), []), cancellationToken);

    public Task<Outcome<SharingView>> ArbitrateAsync(Guid id, ArbitrationBody body, SharingCaller caller, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ReviewStepAsync(id, caller, actor, "sharing.request.arbitrate", "arbitrate", body.Reason, (request, resource, reviewer, now) =>
        {
            var issues = new List<Issue>();
            ArbitrationResult? result = body.Result?.Trim() switch
            {
                { } t when t.Equals("Upheld", StringComparison.OrdinalIgnoreCase) || t == "维持" => ArbitrationResult.Upheld,
                { } t when t.Equals("Overturned", StringComparison.OrdinalIgnoreCase) || t == "撤销驳回" => ArbitrationResult.Overturned,
                _ => null,
            };
            if (result is null)
            {
                issues.Add(new Issue("result", "arbitration.result", "must be Upheld or Overturned", []));
            }

            var decision = ApprovalDecision.AsRequested;
            if (body.Approval is not null)
            {
                decision = Decision(body.Approval, resource, out var decisionIssues, "approval.");
                issues.AddRange(decisionIssues);
            }

            if (issues.Count > 0)
            {
                return (Failure.Invalid(issues), []);
            }

            var next = request.Arbitrate(reviewer, result!.Value, body.Reason, decision, resource, now);
            return (next, next.Value is { Status: SharingRequestStatus.Approved } approved ? Lifts(approved, resource) : []);
        }, cancellationToken);
    }

    public Task<Outcome<SharingView>> WithdrawAsync(Guid id, string? reason, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        RequesterStepAsync(id, caller, actor, "sharing.request.withdraw", "withdraw", reason, (request, now) => request.Withdraw(now), cancellationToken);

    public Task<Outcome<SharingView>> DisputeAsync(Guid id, string? reason, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        RequesterStepAsync(id, caller, actor, "sharing.request.dispute", "dispute", reason, (request, now) => request.Dispute(reason, _deadlines, now), cancellationToken);

    /// <summary>Escalates every overdue request to the data authority (the job's step); returns how many it escalated.</summary>
    public async Task<int> EscalateOverdueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var escalated = 0;
        foreach (var id in await requests.ListOverdueAsync(now, 200, cancellationToken))
        {
            if (await requests.FindAsync(id, cancellationToken) is not { } request || request.Escalate(_deadlines, now).Value is not { } next
                || await ResourceOf(request, cancellationToken) is not { } resource)
            {
                continue;
            }

            var notice = Notice("sharing.request.escalate", next, await AuthoritiesFor(next, cancellationToken));
            // Another instance may have escalated it a moment ago: then the revision no longer matches and this one skips.
            var saved = await requests.UpdateAsync(request, next, resource, new RequestStep("sharing.request.escalate", "escalate", null, null, [], notice), Actor.System("sharing-jobs"), cancellationToken);
            if (saved.Succeeded)
            {
                escalated++;
                SharingLog.Escalated(logger, id);
            }
        }

        return escalated;
    }

    // ---------------------------------------------------------------- grants

    public async Task<Outcome<Page<StoredGrant>>> ListGrantsAsync(SharingCaller caller, GrantStatus? status, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Failure.Invalid("cursor", "is not a cursor this API returned");
        }

        var size = Math.Clamp(limit, 1, Cursor.MaxLimit);
        var rows = await grants.ListAsync(new GrantQuery(caller.OrganizationIsAuthority ? null : caller.OrganizationId, null, status, after, size + 1), cancellationToken);
        return Cursor.PageOf(rows, size, r => r.Grant.Id.ToString(), r => r);
    }

    public async Task<StoredGrant?> GetGrantAsync(Guid id, SharingCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await grants.FindAsync(id, cancellationToken) is { } grant && caller.Sees(grant.Grant.ConsumerOrganizationId, grant.Grant.ProviderId) ? grant : null;
    }

    public Task<Outcome<StoredGrant>> SuspendGrantAsync(Guid id, string? reason, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        GrantStepAsync(id, caller, actor, "grant.suspend", (g, now) => g.Suspend(reason, now), cancellationToken);

    public Task<Outcome<StoredGrant>> ResumeGrantAsync(Guid id, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        GrantStepAsync(id, caller, actor, "grant.resume", (g, now) => g.Resume(now), cancellationToken);

    public Task<Outcome<StoredGrant>> RevokeGrantAsync(Guid id, string? reason, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        GrantStepAsync(id, caller, actor, "grant.revoke", (g, now) => g.Revoke(reason, now), cancellationToken);

    public Task<Outcome<StoredGrant>> RenewGrantAsync(Guid id, DateTimeOffset? validTo, SharingCaller caller, Actor actor, CancellationToken cancellationToken) =>
        GrantStepAsync(id, caller, actor, "grant.renew", (g, now) => validTo is { } to ? g.Renew(to, now) : Failure.Invalid(new Issue("validTo", "period.required", "is required (the new end of validity)", [])), cancellationToken);

    /// <summary>Records the expiry of every grant past its end (the job's step); returns how many.</summary>
    public async Task<int> ExpireGrantsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expired = 0;
        foreach (var id in await grants.ListExpiringAsync(now, 500, cancellationToken))
        {
            if (await grants.FindAsync(id, cancellationToken) is not { } stored || stored.Grant.Expire(now).Value is not { } next)
            {
                continue;
            }

            var notice = new SharingNotice("grant.expire", [next.ConsumerOrganizationId, next.ProviderId], next.RequestId, next.Id, stored.ResourceCode, next.Status.ToString());
            if ((await grants.UpdateAsync(stored, next, "grant.expire", Actor.System("sharing-jobs"), notice, cancellationToken)).Succeeded)
            {
                expired++;
            }
        }

        return expired;
    }

    // ---------------------------------------------------------------- notifications and webhooks

    public async Task<Outcome<Page<Notification>>> NotificationsAsync(SharingCaller caller, bool unreadOnly, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Failure.Invalid("cursor", "is not a cursor this API returned");
        }

        var size = Math.Clamp(limit, 1, Cursor.MaxLimit);
        var rows = await notifications.ListAsync(caller.OrganizationId, unreadOnly, after, size + 1, cancellationToken);
        return Cursor.PageOf(rows, size, r => r.Id.ToString(), r => r);
    }

    public Task<int> MarkReadAsync(SharingCaller caller, Guid? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return notifications.MarkReadAsync(caller.OrganizationId, id, cancellationToken);
    }

    /// <summary>A DataSteward manages its own organization's webhook, a PlatformAdmin any; others are told it does not exist.</summary>
    public static bool ManagesWebhook(ClaimsPrincipal principal, Guid organizationId)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsPlatformAdmin() || (principal.IsInRole(Shuqiao.Core.Identity.Roles.DataSteward) && principal.OrganizationOf() == organizationId);
    }

    public async Task<Outcome<WebhookView>> GetWebhookAsync(Guid organizationId, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!ManagesWebhook(principal, organizationId) || await notifications.FindWebhookAsync(organizationId, cancellationToken) is not { } webhook)
        {
            return Failure.NotFound("The webhook");
        }

        return new WebhookView(webhook.OrganizationId, webhook.Url, webhook.Enabled, webhook.UpdatedAt, null);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid organizationId, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        ManagesWebhook(principal, organizationId) ? await notifications.ListDeliveriesAsync(organizationId, 100, cancellationToken) : [];

    /// <summary>Sets the webhook; a new secret is issued on first set-up or when asked, and shown only in this answer.</summary>
    public async Task<Outcome<WebhookView>> SetWebhookAsync(Guid organizationId, WebhookBody body, ClaimsPrincipal principal, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!ManagesWebhook(principal, organizationId) || await organizations.FindAsync(organizationId, cancellationToken) is null)
        {
            return Failure.NotFound("The organization");
        }

        var url = body.Url?.Trim();
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Length > 2000)
        {
            return Failure.Invalid(new Issue("url", "webhook.url", "must be an absolute http(s) URL", []));
        }

        // Names are checked again on every delivery, against what DNS then returns; literal addresses can be refused now.
        var literal = System.Net.IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) ? address : uri.IsLoopback ? System.Net.IPAddress.Loopback : null;
        if (literal is not null && !webhookAddresses.Allows(literal))
        {
            return Failure.Invalid(new Issue("url", "webhook.internal", "points to an internal address (loopback, private or link-local), which webhooks may not reach", []));
        }

        var current = await notifications.FindWebhookAsync(organizationId, cancellationToken);
        string? secret = null;
        if (current is null || body.RotateSecret == true)
        {
            secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }

        var saved = await notifications.SetWebhookAsync(
            organizationId, url, secret is null ? null : protection.CreateProtector(WebhookSecretPurpose).Protect(secret), body.Enabled ?? true, actor, cancellationToken);
        return new WebhookView(saved.OrganizationId, saved.Url, saved.Enabled, saved.UpdatedAt, secret);
    }

    // ---------------------------------------------------------------- steps

    private async Task<Outcome<SharingView>> ReviewStepAsync(
        Guid id, SharingCaller caller, Actor actor, string auditAction, string eventAction, string? reason,
        Func<SharingRequest, DataResource, Reviewer, DateTimeOffset, (Outcome<SharingRequest> Next, IReadOnlyList<MaskingLift> Lifts)> step,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await requests.FindAsync(id, cancellationToken) is not { } request || !caller.Sees(request))
        {
            return Failure.NotFound("The sharing request");
        }

        var needed = request.Status switch
        {
            SharingRequestStatus.Submitted or SharingRequestStatus.UnderReview => ReviewerCapacity.Provider,
            SharingRequestStatus.Escalated or SharingRequestStatus.PendingAuthority or SharingRequestStatus.Disputed => ReviewerCapacity.DataAuthority,
            _ => (ReviewerCapacity?)null,
        };
        if (caller.CapacityFor(request.ProviderId, needed) is not { } capacity || caller.Id is not { } userId)
        {
            return new Failure(FailureKind.Forbidden, "This step is not yours to take.", [SharingIssues.Capacity(needed ?? ReviewerCapacity.Provider)]);
        }

        if (await ResourceOf(request, cancellationToken) is not { } resource)
        {
            return Failure.NotFound("The resource");
        }

        var now = clock.GetUtcNow();
        var (outcome, lifts) = step(request, resource, new Reviewer(userId, capacity), now);
        if (outcome.Value is not { } next)
        {
            return outcome.Failure!;
        }

        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var notice = Notice(auditAction, next, await AuthoritiesFor(next, cancellationToken));
        var saved = await requests.UpdateAsync(request, next, resource, new RequestStep(auditAction, eventAction, capacity, text, lifts, notice), actor, cancellationToken);
        if (saved.Value is not { } done)
        {
            return saved.Failure!;
        }

        SharingLog.Stepped(logger, id, eventAction, next.Status);
        return await GetAsync(id, caller, cancellationToken) is { } view ? view : new SharingView(done.Request, [], done.Grant?.Grant.Id, null);
    }

    private async Task<Outcome<SharingView>> RequesterStepAsync(
        Guid id, SharingCaller caller, Actor actor, string auditAction, string eventAction, string? reason,
        Func<SharingRequest, DateTimeOffset, Outcome<SharingRequest>> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await requests.FindAsync(id, cancellationToken) is not { } request || !caller.Sees(request))
        {
            return Failure.NotFound("The sharing request");
        }

        if (!caller.Requests(request.RequesterOrganizationId))
        {
            return new Failure(FailureKind.Forbidden, "Only the requesting organization's data steward or API client takes this step.", []);
        }

        if (await ResourceOf(request, cancellationToken) is not { } resource)
        {
            return Failure.NotFound("The resource");
        }

        var outcome = step(request, clock.GetUtcNow());
        if (outcome.Value is not { } next)
        {
            return outcome.Failure!;
        }

        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var notice = Notice(auditAction, next, await AuthoritiesFor(next, cancellationToken));
        var saved = await requests.UpdateAsync(request, next, resource, new RequestStep(auditAction, eventAction, null, text, [], notice), actor, cancellationToken);
        if (!saved.Succeeded)
        {
            return saved.Failure!;
        }

        SharingLog.Stepped(logger, id, eventAction, next.Status);
        return (await GetAsync(id, caller, cancellationToken))!;
    }

    private async Task<Outcome<StoredGrant>> GrantStepAsync(
        Guid id, SharingCaller caller, Actor actor, string action, Func<Grant, DateTimeOffset, Outcome<Grant>> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await GetGrantAsync(id, caller, cancellationToken) is not { } stored)
        {
            return Failure.NotFound("The grant");
        }

        if (!caller.IsProviderApprover(stored.Grant.ProviderId) && !caller.IsAuthority)
        {
            return new Failure(FailureKind.Forbidden, "Only the provider's approver or the data authority changes a grant.", [SharingIssues.Capacity(ReviewerCapacity.Provider)]);
        }

        var outcome = step(stored.Grant, clock.GetUtcNow());
        if (outcome.Value is not { } next)
        {
            return outcome.Failure!;
        }

        var g = next;
        var notice = new SharingNotice(action, [g.ConsumerOrganizationId, g.ProviderId], g.RequestId, g.Id, stored.ResourceCode, g.Status.ToString());
        var saved = await grants.UpdateAsync(stored, next, action, actor, notice, cancellationToken);
        if (saved.Succeeded)
        {
            SharingLog.GrantChanged(logger, id, action, g.Status);
        }

        return saved;
    }

    private ApprovalDecision? Decision(ApprovalBody body, DataResource resource, out List<Issue> issues, string prefix = "")
    {
        issues = [];
        var mode = SharingInput.ReadMode(body.Mode, prefix + "mode", issues);
        RowPredicate? scope = null;
        if (body.AdditionalScope is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } json)
        {
            scope = RowFilterJson.Read(json, resource.Fields, ValueOptions(), prefix + "additionalScope", issues);
        }

        var overrides = SharingInput.ReadOverrides(body.MaskingOverrides, issues);
        if (issues.Count > 0)
        {
            return null;
        }

        return new ApprovalDecision(
            body.Fields, scope, body.ValidFrom, body.ValidTo, body.DailyQuota, mode, overrides,
            body.ConfirmedLifts?.ToHashSet(StringComparer.Ordinal), body.Comment);
    }

    /// <summary>The overrides of an approval that show more than the field's default: each an audited masking lift.</summary>
    private static List<MaskingLift> Lifts(SharingRequest approved, DataResource resource) =>
        approved.MaskingOverrides
            .Select(o => (o.Key, o.Value, Field: resource.Fields.FirstOrDefault(f => f.Name == o.Key)))
            .Where(o => o.Field is not null && MaskingPolicy.IsLift(o.Value, MaskingPolicy.Baseline(o.Field)))
            .Select(o => new MaskingLift(o.Key, o.Value.ToString(), MaskingPolicy.Baseline(o.Field!).ToString()))
            .ToList();

    private async Task<DataResource?> ResourceOf(SharingRequest request, CancellationToken cancellationToken) =>
        ResourceCode.TryParse(request.ResourceCode, out var code) == ResourceCodeError.None ? await catalog.FindAsync(code, cancellationToken) : null;

    /// <summary>The data authority hears of a request when it owes the next step (escalated, co-approval, dispute) or decided it.</summary>
    private async Task<IReadOnlyList<Guid>> AuthoritiesFor(SharingRequest request, CancellationToken cancellationToken) =>
        request.Status is SharingRequestStatus.Escalated or SharingRequestStatus.PendingAuthority or SharingRequestStatus.Disputed
            || request.EscalatedAt is not null || request.Arbitration is not null || request.CoApproval is not null
            ? await requests.DataAuthoritiesAsync(cancellationToken)
            : [];

    private static SharingNotice Notice(string kind, SharingRequest request, IReadOnlyList<Guid> authorities) =>
        new(kind, [request.RequesterOrganizationId, request.ProviderId, .. authorities], request.Id, null, request.ResourceCode, request.Status.ToString());

    private ValueParsingOptions ValueOptions() =>
        ValueParsingOptions.ForChina(DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ValueParsingOptions.ChinaStandardTime).DateTime));
}

internal static partial class SharingLog
{
    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Sharing request {RequestId} for {ResourceCode} submitted: {Status}")]
    public static partial void Submitted(ILogger logger, Guid requestId, string resourceCode, SharingRequestStatus status);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Sharing request {RequestId}: {Step} → {Status}")]
    public static partial void Stepped(ILogger logger, Guid requestId, string step, SharingRequestStatus status);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Sharing request {RequestId} escalated to the data authority (reply overdue)")]
    public static partial void Escalated(ILogger logger, Guid requestId);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Grant {GrantId}: {Action} → {Status}")]
    public static partial void GrantChanged(ILogger logger, Guid grantId, string action, GrantStatus status);

    [LoggerMessage(EventId = 9110, Level = LogLevel.Warning, Message = "Sharing job {Job} failed")]
    public static partial void JobFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} attempt {Attempt} failed: {Status}")]
    public static partial void DeliveryFailed(ILogger logger, Guid deliveryId, int attempt, string status);
}
