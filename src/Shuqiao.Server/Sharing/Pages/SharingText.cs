using System.Globalization;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Server.Sharing.Pages;

/// <summary>Names, badges and issue texts of the sharing console.</summary>
public static class SharingText
{
    public static string Status(this IStringLocalizer l, SharingRequestStatus status) => l["sharing.status." + status];

    public static string Status(this IStringLocalizer l, GrantStatus status) => l["sharing.grantStatus." + status];

    public static string Kind(this IStringLocalizer l, string kind) => l["sharing.kind." + kind] is { ResourceNotFound: false } text ? text.Value : kind;

    public static string Badge(SharingRequestStatus status) => status switch
    {
        SharingRequestStatus.Approved => "text-bg-success",
        SharingRequestStatus.Rejected => "text-bg-danger",
        SharingRequestStatus.Withdrawn => "text-bg-secondary",
        SharingRequestStatus.Escalated or SharingRequestStatus.Disputed or SharingRequestStatus.PendingAuthority => "text-bg-warning",
        _ => "text-bg-primary",
    };

    public static string Badge(GrantStatus status) => status switch
    {
        GrantStatus.Active => "text-bg-success",
        GrantStatus.Suspended => "text-bg-warning",
        GrantStatus.Revoked => "text-bg-danger",
        _ => "text-bg-secondary",
    };

    /// <summary>An issue in the console's language (<c>sharing.issue.&lt;code&gt;</c>), the English reason when untranslated.</summary>
    public static string Issue(this IStringLocalizer l, Issue issue)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(issue);
        var text = l["sharing.issue." + issue.Code];
        if (text.ResourceNotFound)
        {
            return issue.Reason;
        }

        var arguments = issue.Arguments.Select(a => a switch
        {
            SharingRequestStatus s => l.Status(s),
            GrantStatus g => l.Status(g),
            ReviewerCapacity c => l["sharing.capacity." + c].Value,
            DateTimeOffset d => d.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.CurrentCulture),
            _ => a,
        }).ToArray();
        return string.Format(CultureInfo.CurrentCulture, text.Value, arguments);
    }

    /// <summary>A failure as the lines the console shows.</summary>
    public static IReadOnlyList<string> Lines(this IStringLocalizer l, Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Issues.Count == 0 ? [failure.Title] : failure.Issues.Select(i => $"{i.Field}: {l.Issue(i)}").ToList();
    }
}
