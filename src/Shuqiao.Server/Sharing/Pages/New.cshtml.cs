using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Console;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>One condition of the row scope builder: field, operator (eq, in, prefix) and value(s, comma-separated for in).</summary>
public sealed class ScopeCondition
{
    public string? Field { get; set; }

    public string Operator { get; set; } = "eq";

    public string? Value { get; set; }
}

/// <summary>The request form (申请共享) as posted.</summary>
public sealed class RequestForm
{
    public IList<string> Fields { get; set; } = [];

    public string? Purpose { get; set; }

    public string? Scenario { get; set; }

    public string? LegalBasis { get; set; }

    public string? ValidFrom { get; set; }

    public string? ValidTo { get; set; }

    public int? DailyQuota { get; set; }

    public string Mode { get; set; } = "Read";

    public IList<ScopeCondition> Scope { get; set; } = [new(), new(), new()];

    /// <summary>The conditions as the row filter JSON (ANDed), or null when none is filled in.</summary>
    public JsonElement? ScopeJson()
    {
        var terms = new JsonArray();
        foreach (var c in Scope.Where(c => !string.IsNullOrWhiteSpace(c.Field) && !string.IsNullOrWhiteSpace(c.Value)))
        {
            var condition = new JsonObject { ["field"] = c.Field!.Trim() };
            switch (c.Operator)
            {
                case "in":
                    condition["in"] = new JsonArray([.. c.Value!.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode)v)]);
                    break;
                case "prefix":
                    condition["prefix"] = c.Value!.Trim();
                    break;
                default:
                    condition["eq"] = c.Value!.Trim();
                    break;
            }

            terms.Add(condition);
        }

        return terms.Count switch
        {
            0 => null,
            1 => JsonSerializer.SerializeToElement(terms[0]),
            _ => JsonSerializer.SerializeToElement(new JsonObject { ["all"] = terms }),
        };
    }
}

/// <summary>申请共享: the request form for one resource (fields from its schema, purpose, period, row scope).</summary>
[Authorize(Policy = SharingPolicies.Requesters)]
public sealed class NewModel(SharingService sharing, CatalogService catalog, ConsoleTime time, TimeProvider clock, IStringLocalizer<Program> localizer) : PageModel
{
    public DataResource Resource { get; private set; } = null!;

    [BindProperty]
    public RequestForm Form { get; set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? resource, CancellationToken cancellationToken)
    {
        if (await LoadAsync(resource, cancellationToken) is { } missing)
        {
            return missing;
        }

        var today = time.ToLocal(clock.GetUtcNow()).Date;
        Form.ValidFrom = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Form.ValidTo = today.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? resource, CancellationToken cancellationToken)
    {
        if (await LoadAsync(resource, cancellationToken) is { } missing)
        {
            return missing;
        }

        if (await sharing.CallerAsync(User, cancellationToken) is not { } caller)
        {
            return NotFound();
        }

        var body = new SharingRequestBody(
            Resource.Code.Value, [.. Form.Fields], Form.Purpose, Form.Scenario, Form.LegalBasis, Day(Form.ValidFrom), Day(Form.ValidTo),
            Form.ScopeJson(), Form.DailyQuota, Form.Mode);
        var outcome = await sharing.SubmitAsync(body, caller, HttpContext.ToActor(), cancellationToken);
        if (outcome.Value is { } view)
        {
            return Redirect($"/console/sharing/{view.Request.Id}");
        }

        Errors = localizer.Lines(outcome.Failure!);
        return Page();
    }

    private DateTimeOffset? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), time.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)))
            : null;

    private async Task<IActionResult?> LoadAsync(string? resource, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(resource) || await catalog.GetAsync(resource, CatalogAccess.Of(User), cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Resource = found;
        return null;
    }
}
