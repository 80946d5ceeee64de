using System.Globalization;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>Console wording of the Credentials capability: issues translated by code, statuses, dates.</summary>
public static class LicenceText
{
    /// <summary>The console's text of an issue: its translation (lic.problem.{code}) with the arguments, or the English reason.</summary>
    public static string Issue(IStringLocalizer localizer, Issue issue)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(issue);
        var text = localizer["lic.problem." + issue.Code, [.. issue.Arguments]];
        var field = localizer["lic.field." + issue.Field.Split('.')[0]];
        var message = text.ResourceNotFound ? issue.Reason : text.Value;
        var fieldName = issue.Field.StartsWith("claims.", StringComparison.Ordinal) ? issue.Field["claims.".Length..] : field.ResourceNotFound ? issue.Field : field.Value;
        return $"{fieldName}：{message}";
    }

    public static IReadOnlyList<string> Issues(IStringLocalizer localizer, Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Issues.Count == 0 ? [failure.Title] : failure.Issues.Select(i => Issue(localizer, i)).ToList();
    }

    public static string StatusBadge(LicenceStatus status) => status switch
    {
        LicenceStatus.Active => "text-bg-success",
        LicenceStatus.Suspended => "text-bg-warning",
        _ => "text-bg-danger",
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Validity(IStringLocalizer localizer, DateOnly start, DateOnly? end)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        return $"{Date(start)} — {(end is { } e ? Date(e) : localizer["lic.longTerm"].Value)}";
    }

    /// <summary>A holder code as shown on screens that do not need it whole (citizens' ID numbers are masked).</summary>
    public static string HolderCode(HolderKind kind, string code) => kind == HolderKind.Citizen ? ResidentId.Mask(code) : code;
}
