using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Common;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Organizations;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>A grant: its terms (masking lifts highlighted) and, for the provider's approver or the data authority, suspend/resume/revoke/renew.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class GrantModel(SharingService sharing, OrganizationStore organizations, ConsoleTime time, TimeProvider clock, IStringLocalizer<Program> localizer) : PageModel
{
    public StoredGrant Stored { get; private set; } = null!;

    public bool CanChange { get; private set; }

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public string NameOf(Guid id) => Names.TryGetValue(id, out var name) ? name : id.ToString();

    public string Format(DateTimeOffset at) => time.Format(at);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostSuspendAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.SuspendGrantAsync(id, reason, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostResumeAsync(Guid id, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.ResumeGrantAsync(id, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        StepAsync(id, c => sharing.RevokeGrantAsync(id, reason, c, HttpContext.ToActor(), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRenewAsync(Guid id, string? validTo, CancellationToken cancellationToken)
    {
        DateTimeOffset? to = DateOnly.TryParseExact(validTo, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), time.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)))
            : null;
        return StepAsync(id, c => sharing.RenewGrantAsync(id, to, c, HttpContext.ToActor(), cancellationToken), cancellationToken);
    }

    private async Task<IActionResult> StepAsync(Guid id, Func<SharingCaller, Task<Outcome<StoredGrant>>> step, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var outcome = await step(caller);
        if (outcome.Succeeded)
        {
            Message = localizer["sharing.details.done"];
            return Redirect($"/console/grants/{id}");
        }

        if (outcome.Failure!.Kind == FailureKind.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Errors = localizer.Lines(outcome.Failure);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller || await sharing.GetGrantAsync(id, caller, cancellationToken) is not { } grant)
        {
            return false;
        }

        Stored = grant;
        CanChange = caller.IsProviderApprover(grant.Grant.ProviderId) || caller.IsAuthority;
        Names = (await organizations.FindManyAsync([grant.Grant.ProviderId, grant.Grant.ConsumerOrganizationId], cancellationToken)).ToDictionary(o => o.Id, o => o.Name);
        return true;
    }
}
