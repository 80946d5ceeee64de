using Shuqiao.Core.Common;
namespace Shuqiao.Core.Organizations;

/// <summary>
/// What makes an organization acceptable. The tree rules:
/// <list type="bullet">
/// <item>a parent is at a strictly higher level than its child (a County's parent is a City or a Province);</item>
/// <item>an active organization's parent is active (disable from the leaves up, enable from the top down);</item>
/// <item>only a Province-level organization, or one at the node's top level, may have no parent. The node's top
/// level is the highest level among the existing parentless organizations that are not Province-level, so a city
/// node's 市级 departments are its roots; an empty node takes its top from its first root.</item>
/// </list>
/// </summary>
public static class OrganizationRules
{
    public const int MaxNameLength = 200;

    /// <summary>The name as stored: surrounding white space removed (inner spaces are kept; some official names have them).</summary>
    public static string NormalizeName(string? name) => name?.Trim() ?? "";

    /// <summary>Checks a normalized name.</summary>
    public static Issue? CheckName(string name, string field = "name")
    {
        if (name.Length == 0)
        {
            return OrganizationIssues.NameRequired(field);
        }

        if (name.Length > MaxNameLength)
        {
            return OrganizationIssues.NameTooLong(name.Length, field);
        }

        return name.Any(char.IsControl) ? OrganizationIssues.NameControlCharacters(field) : null;
    }

    /// <summary>Checks a normalized credit code (see <see cref="CreditCode.Normalize"/>).</summary>
    public static Issue? CheckCode(string code, string field = "code")
    {
        var check = CreditCode.Check(code);
        return check.IsValid ? null : OrganizationIssues.Code(check, field);
    }

    /// <summary>Reads a level (English or Chinese name); null text is "required", anything unknown is named in the reason.</summary>
    public static Issue? CheckLevel(string? text, out OrganizationLevel level, string field = "level")
    {
        if (OrganizationLevels.TryParse(text, out level))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(text) ? OrganizationIssues.LevelRequired(field) : OrganizationIssues.LevelUnknown(text.Trim(), field);
    }

    /// <summary>
    /// A parent must be above its child, and active when the child is (a disabled organization may stay under, or
    /// move to, a disabled parent).
    /// </summary>
    public static Issue? CheckParent(
        OrganizationLevel level, string parentName, OrganizationLevel parentLevel, OrganizationStatus parentStatus,
        OrganizationStatus childStatus = OrganizationStatus.Active, string field = "parentId")
    {
        if (!parentLevel.IsAbove(level))
        {
            return OrganizationIssues.ParentLevel(level, parentName, parentLevel, field);
        }

        return parentStatus == OrganizationStatus.Active || childStatus != OrganizationStatus.Active
            ? null
            : OrganizationIssues.ParentDisabled(parentName, field);
    }

    /// <summary>
    /// The node's top level given the levels of the parentless organizations (the one being checked left out),
    /// or null when there is none besides Province-level ones.
    /// </summary>
    public static OrganizationLevel? NodeTopLevel(IEnumerable<OrganizationLevel> rootLevels)
    {
        OrganizationLevel? top = null;
        foreach (var level in rootLevels)
        {
            if (level != OrganizationLevel.Province && (top is null || level.IsAbove(top.Value)))
            {
                top = level;
            }
        }

        return top;
    }

    /// <summary>Whether an organization at <paramref name="level"/> may have no parent on a node whose top level is <paramref name="nodeTop"/>.</summary>
    public static Issue? CheckRoot(OrganizationLevel level, OrganizationLevel? nodeTop, string field = "parentId") =>
        level == OrganizationLevel.Province || nodeTop is null || level <= nodeTop.Value
            ? null
            : OrganizationIssues.ParentRequired(nodeTop.Value, field);

    /// <summary>A level change must keep the organization above all of its children; names the first child that would not be.</summary>
    public static Issue? CheckChildren(OrganizationLevel level, IEnumerable<(string Name, OrganizationLevel Level)> children)
    {
        foreach (var (name, childLevel) in children)
        {
            if (!level.IsAbove(childLevel))
            {
                return OrganizationIssues.LevelBelowChild(level, name, childLevel);
            }
        }

        return null;
    }

    /// <summary>
    /// Reads a yes/no cell as spreadsheets and people write it. Empty means no: most organizations are not the data
    /// authority, so the column may be left blank.
    /// </summary>
    public static bool TryParseFlag(string? text, out bool value)
    {
        value = false;
        var t = text?.Trim() ?? "";
        if (t.Length == 0)
        {
            return true;
        }

        if (t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.Equals("yes", StringComparison.OrdinalIgnoreCase) ||
            t.Equals("y", StringComparison.OrdinalIgnoreCase) || t is "1" or "是" or "√" or "✓")
        {
            value = true;
            return true;
        }

        return t.Equals("false", StringComparison.OrdinalIgnoreCase) || t.Equals("no", StringComparison.OrdinalIgnoreCase) ||
               t.Equals("n", StringComparison.OrdinalIgnoreCase) || t is "0" or "否";
    }
}
