using Shuqiao.Core.Common;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>
/// The server's reasons, in the user's language, next to the form fields they concern; reasons about no field of the
/// form (e.g. a stale version) are shown above it.
/// </summary>
public sealed class OrganizationFormErrors
{
    /// <summary>API field name → element id of the form control it belongs to.</summary>
    public static readonly IReadOnlyDictionary<string, string> FieldIds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["code"] = "org-code",
        ["name"] = "org-name",
        ["level"] = "org-level",
        ["parentId"] = "org-parent",
        ["isDataAuthority"] = "org-flag",
    };

    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public List<string> General { get; } = [];

    public bool IsEmpty => _byField.Count == 0 && General.Count == 0;

    public bool HasStaleVersion { get; private set; }

    public IEnumerable<(string ElementId, string Message)> All =>
        _byField.SelectMany(f => f.Value.Select(m => (FieldIds[f.Key], m)));

    public static OrganizationFormErrors From(Failure failure, IStringLocalizer localizer)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var errors = new OrganizationFormErrors();
        foreach (var issue in failure.Issues)
        {
            var message = localizer.Issue(issue);
            if (FieldIds.ContainsKey(issue.Field))
            {
                if (!errors._byField.TryGetValue(issue.Field, out var list))
                {
                    errors._byField[issue.Field] = list = [];
                }

                list.Add(message);
            }
            else
            {
                errors.General.Add(message);
            }

            errors.HasStaleVersion |= issue.Code == "version.stale";
        }

        return errors;
    }

    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var list) ? list : [];

    public string ErrorId(string field) => FieldIds[field] + "-error";
}

/// <summary>What the shared fields of the create and edit forms show.</summary>
public sealed record OrganizationFormFields(
    string? Name,
    string? Level,
    Guid? ParentId,
    bool IsDataAuthority,
    IReadOnlyList<Organization> ParentCandidates,
    Guid? EditedId,
    OrganizationFormErrors Errors);
