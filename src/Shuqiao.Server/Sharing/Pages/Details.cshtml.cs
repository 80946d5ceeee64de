using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Privacy;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>The approval form: the fields kept, a shorter period or quota, the mode, per-field masking and the lifts ticked.</summary>
public sealed class ApproveForm
{
    public IList<string> Fields { get; set; } = [];

    public string? ValidTo { get; set; }

    public int? DailyQuota { get; set; }

    public string? Mode { get; set; }

    /// <summary>Field → rule name ("" keeps the default; None shows the value in clear, a lift).</summary>
    public IDictionary<string, string> Masking { get; set; } = new Dictionary<string, string>();

    public IList<string> ConfirmedLifts { get; set; } = [];

    public string? Comment { get; set; }
}

/// <summary>A request: terms, history, and the steps the caller may take (review, approve with narrowing, reject, withdraw, dispute, arbitrate, co-approve).</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class DetailsModel(SharingService sharing, CatalogService catalog, OrganizationStore organizations, ConsoleTime time, TimeProvider clock, IStringLocalizer<Program> localizer) : PageModel
{
    public SharingView View { get; private set; } = null!;

    public SharingRequest Item => View.Request;

    public DataResource? Resource { get; private set; }

    public SharingCaller Caller { get; private set; } = null!;

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public ApproveForm Approval { get; set; } = new();

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    /// <summary>The capacity the open step needs, when this caller has it.</summary>
    public ReviewerCapacity? ReviewsAs { get; private set; }

    public bool IsRequester => Caller.Requests(Item.RequesterOrganizationId);

    public string NameOf(Guid id) => Names.TryGetValue(id, out var name) ? name : id.ToString();

    public string Format(DateTimeOffset at) => time.Format(at);

    /// <summary>The default masking of a field (what a lift shows more than).</summary>
    public MaskingRule Baseline(string field) => Resource?.Fields.FirstOrDefault(f => f.Name == field) is { } f ? MaskingPolicy.Baseline(f) : MaskingRule.None;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostReviewAsync(Guid id, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.StartReviewAsync(id, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.ApproveAsync(id, ApprovalBody(), c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.RejectAsync(id, reason, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostCoApproveAsync(Guid id, string? comment, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.CoApproveAsync(id, comment, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostArbitrateAsync(Guid id, string? result, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.ArbitrateAsync(id, new ArbitrationBody(result, reason, result == "Overturned" ? ApprovalBody() : null), c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostWithdrawAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.WithdrawAsync(id, reason, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostDisputeAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.DisputeAsync(id, reason, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    private ApprovalBody ApprovalBody()
    {
        var overrides = Approval.Masking
            .Where(m => !string.IsNullOrEmpty(m.Value) && Approval.Fields.Contains(m.Key))
            .ToDictionary(m => m.Key, m => new MaskingDraft(m.Value), StringComparer.Ordinal);
        DateTimeOffset? validTo = DateOnly.TryParseExact(Approval.ValidTo, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), time.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)))
            : null;
        return new ApprovalBody(
            Approval.Fields.Count > 0 ? [.. Approval.Fields] : null, null, null, validTo, Approval.DailyQuota,
            string.IsNullOrEmpty(Approval.Mode) ? null : Approval.Mode, overrides, [.. Approval.ConfirmedLifts], Approval.Comment);
    }

    private async Task<IActionResult> StepAsync(Guid id, Func<SharingCaller, Task<Outcome<SharingView>>> step, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var outcome = await step(caller);
        if (outcome.Succeeded)
        {
            Message = localizer["sharing.details.done"];
            return Redirect($"/console/sharing/{id}");
        }

        if (outcome.Failure!.Kind == FailureKind.NotFound)
        {
            return NotFound();
        }

        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Errors = localizer.Lines(outcome.Failure);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller || await sharing.GetAsync(id, caller, cancellationToken) is not { } view)
        {
            return false;
        }

        Caller = caller;
        View = view;
        Resource = await catalog.GetAsync(view.Request.ResourceCode, CatalogAccess.System, cancellationToken);
        var needed = Item.Status switch
        {
            SharingRequestStatus.Submitted or SharingRequestStatus.UnderReview => ReviewerCapacity.Provider,
            SharingRequestStatus.Escalated or SharingRequestStatus.PendingAuthority or SharingRequestStatus.Disputed => ReviewerCapacity.DataAuthority,
            _ => (ReviewerCapacity?)null,
        };
        ReviewsAs = needed is { } n && caller.CapacityFor(Item.ProviderId, n) == n ? n : null;
        Names = (await organizations.FindManyAsync([Item.ProviderId, Item.RequesterOrganizationId, .. view.History?.Select(h => h.ActorOrganizationId).OfType<Guid>() ?? []], cancellationToken))
            .ToDictionary(o => o.Id, o => o.Name);
        if (Approval.Fields.Count == 0)
        {
            Approval.Fields = [.. Item.Requested.Fields];
        }

        return true;
    }
}
