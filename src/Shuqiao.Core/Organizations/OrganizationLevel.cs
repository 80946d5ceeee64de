namespace Shuqiao.Core.Organizations;

/// <summary>The five administrative levels (五级) an organization belongs to, from the top down.</summary>
public enum OrganizationLevel
{
    Province = 1, // 省级
    City = 2,     // 市级
    County = 3,   // 县级
    Town = 4,     // 乡镇级
    Village = 5,  // 村级
}

public static class OrganizationLevels
{
    public static IReadOnlyList<OrganizationLevel> All { get; } = Enum.GetValues<OrganizationLevel>();

    /// <summary>The Chinese names used on forms and in import files.</summary>
    public static string ChineseName(OrganizationLevel level) => level switch
    {
        OrganizationLevel.Province => "省级",
        OrganizationLevel.City => "市级",
        OrganizationLevel.County => "县级",
        OrganizationLevel.Town => "乡镇级",
        OrganizationLevel.Village => "村级",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>True when <paramref name="level"/> is strictly above <paramref name="other"/> (Province is the top).</summary>
    public static bool IsAbove(this OrganizationLevel level, OrganizationLevel other) => level < other;

    /// <summary>
    /// Reads a level as an API client or a spreadsheet writes it: the English name in any case
    /// (<c>County</c>, <c>county</c>) or the Chinese name (<c>县级</c>). Numbers are refused: "3" is ambiguous to people.
    /// </summary>
    public static bool TryParse(string? text, out OrganizationLevel level)
    {
        level = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var candidate in All)
        {
            if (string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase) ||
                string.Equals(value, ChineseName(candidate), StringComparison.Ordinal))
            {
                level = candidate;
                return true;
            }
        }

        return false;
    }
}
