using Shuqiao.Core.Common;
using System.Globalization;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>Console wording for organizations: issues, levels, statuses and field names in the user's language.</summary>
public static class OrganizationText
{
    /// <summary>An issue in the console's language; level arguments are shown by their localized names.</summary>
    public static string Issue(this IStringLocalizer localizer, Issue issue)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(issue);
        var text = localizer["org.issue." + issue.Code];
        if (text.ResourceNotFound)
        {
            return issue.Reason; // a code without a translation still says something true
        }

        var arguments = issue.Arguments
            .Select(a => a switch
            {
                OrganizationLevel level => localizer.Level(level),
                IFormattable formattable => formattable.ToString(null, CultureInfo.CurrentCulture),
                _ => a,
            })
            .ToArray();
        return string.Format(CultureInfo.CurrentCulture, text.Value, arguments);
    }

    public static string Level(this IStringLocalizer localizer, OrganizationLevel level) => localizer["org.level." + level];

    public static string Status(this IStringLocalizer localizer, OrganizationStatus status) => localizer["org.status." + status];

    /// <summary>The name of an API field (code, parentId, header…) as the console labels it.</summary>
    public static string Field(this IStringLocalizer localizer, string field)
    {
        var text = localizer["org.field." + field];
        return text.ResourceNotFound ? field : text.Value;
    }
}
