using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Audit;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>One change listed on the detail page: what changed from what to what, already in the user's language.</summary>
public sealed record AuditLine(AdminAuditEvent Event, IReadOnlyList<(string Field, string? Before, string? After)> Changes);

/// <summary>An organization: where it sits, its children, what depends on it and its recent admin changes.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class DetailsModel(OrganizationService organizations, AdminAuditStore audit, IStringLocalizer<Program> localizer) : PageModel
{
    private const int AuditEvents = 20;

    public Organization Organization { get; private set; } = null!;

    public IReadOnlyList<Organization> Ancestors { get; private set; } = [];

    public IReadOnlyList<OrganizationWithChildCount> Children { get; private set; } = [];

    public OrganizationUsage Usage { get; private set; } = null!;

    /// <summary>Admin audit is shown to those who may read the audit log (PlatformAdmin, Auditor); null for others.</summary>
    public IReadOnlyList<AuditLine>? History { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await organizations.GetAsync(id, cancellationToken) is not { } organization)
        {
            return NotFound();
        }

        Organization = organization;
        Ancestors = await organizations.AncestorsAsync(id, cancellationToken);
        Children = await organizations.ChildrenAsync(id, cancellationToken);
        Usage = await organizations.UsageAsync(id, cancellationToken);
        if (User.IsInRole(Roles.PlatformAdmin) || User.IsInRole(Roles.Auditor))
        {
            var events = await audit.SearchAsync(new AdminAuditQuery(TargetType: "Organization", TargetId: id.ToString(), Limit: AuditEvents), cancellationToken);
            History = events.Select(e => new AuditLine(e, Describe(e))).ToList();
        }

        return Page();
    }

    // Compares the before/after snapshots field by field (OrganizationSnapshot, camelCase JSON).
    private List<(string Field, string? Before, string? After)> Describe(AdminAuditEvent e)
    {
        var changes = new List<(string, string?, string?)>();
        using var before = e.Before is null ? null : JsonDocument.Parse(e.Before);
        using var after = e.After is null ? null : JsonDocument.Parse(e.After);
        foreach (var field in new[] { "code", "name", "level", "parentId", "isDataAuthority", "status" })
        {
            var b = Value(before, field);
            var a = Value(after, field);
            if (b == a || (before is not null && after is not null && field == "code"))
            {
                continue;
            }

            if (field == "parentId" && before is not null)
            {
                changes.Add((localizer.Field(field), null, localizer["org.details.audit.parentChanged"]));
                continue;
            }

            changes.Add((localizer.Field(field), Show(field, b), Show(field, a)));
        }

        return changes;
    }

    private static string? Value(JsonDocument? document, string field) =>
        document is not null && document.RootElement.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ToString()
            : null;

    private string? Show(string field, string? value) => (field, value) switch
    {
        (_, null) => null,
        ("level", _) when Enum.TryParse<OrganizationLevel>(value, out var level) => localizer.Level(level),
        ("status", _) when Enum.TryParse<OrganizationStatus>(value, out var status) => localizer.Status(status),
        ("isDataAuthority", "True" or "true") => localizer["org.yes"],
        ("isDataAuthority", _) => localizer["org.no"],
        ("parentId", _) when Guid.TryParse(value, out var parentId) => Ancestors.FirstOrDefault(a => a.Id == parentId)?.Name ?? value,
        _ => value,
    };
}
