using System.Globalization;
using Shuqiao.Core.Common;

namespace Shuqiao.Server.Identity.Pages;

/// <summary>A failed form submission; field labels come from <c>{LabelPrefix}.field.{field}</c>.</summary>
public sealed record FormProblemView(Failure? Failure, string LabelPrefix);

/// <summary>A key or token shown exactly once, right after it was issued.</summary>
public sealed record IssuedSecretView(string Secret, string Heading, string Warning);

internal static class Display
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>One entry per line (or comma), as people paste address lists.</summary>
    public static IReadOnlyList<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
