namespace Shuqiao.Core.Catalog;

/// <summary>更新周期: how often the provider updates the resource.</summary>
public enum UpdateFrequency
{
    Realtime,  // 实时
    Daily,     // 每日
    Weekly,    // 每周
    Monthly,   // 每月
    Quarterly, // 每季度
    Yearly,    // 每年
    Irregular, // 不定期
}

/// <summary>
/// The Chinese names used by the 编制指南 and on forms, and the readers that accept them next to the English names,
/// so an API client or a spreadsheet may write <c>Conditional</c> or <c>有条件共享</c>.
/// </summary>
public static class CatalogTerms
{
    public static string ChineseName(SharingType type) => type switch
    {
        SharingType.Unconditional => "无条件共享",
        SharingType.Conditional => "有条件共享",
        SharingType.NotShared => "不予共享",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string ChineseName(OpenType type) => type switch
    {
        OpenType.NotOpen => "不予开放",
        OpenType.Conditional => "有条件开放",
        OpenType.Unconditional => "无条件开放",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string ChineseName(UpdateFrequency frequency) => frequency switch
    {
        UpdateFrequency.Realtime => "实时",
        UpdateFrequency.Daily => "每日",
        UpdateFrequency.Weekly => "每周",
        UpdateFrequency.Monthly => "每月",
        UpdateFrequency.Quarterly => "每季度",
        UpdateFrequency.Yearly => "每年",
        UpdateFrequency.Irregular => "不定期",
        _ => throw new ArgumentOutOfRangeException(nameof(frequency)),
    };

    public static string ChineseName(ResourceStatus status) => status switch
    {
        ResourceStatus.Draft => "草稿",
        ResourceStatus.Published => "已发布",
        ResourceStatus.Retired => "已下线",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string ChineseName(DataClassification classification) => classification switch
    {
        DataClassification.General => "一般数据",
        DataClassification.Important => "重要数据",
        DataClassification.Core => "核心数据",
        _ => throw new ArgumentOutOfRangeException(nameof(classification)),
    };

    public static string ChineseName(PersonalInfoKind kind) => kind switch
    {
        PersonalInfoKind.None => "非个人信息",
        PersonalInfoKind.Personal => "个人信息",
        PersonalInfoKind.Sensitive => "敏感个人信息",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The longest a resource of this frequency may go without an update before it counts as late (时效性);
    /// null for 不定期, which promises no schedule. A month and a quarter are taken at their longest (31 and 92 days)
    /// so that a resource updated on the same day each month is never late.
    /// </summary>
    public static TimeSpan? Period(UpdateFrequency frequency) => frequency switch
    {
        UpdateFrequency.Realtime => TimeSpan.FromHours(1),
        UpdateFrequency.Daily => TimeSpan.FromDays(1),
        UpdateFrequency.Weekly => TimeSpan.FromDays(7),
        UpdateFrequency.Monthly => TimeSpan.FromDays(31),
        UpdateFrequency.Quarterly => TimeSpan.FromDays(92),
        UpdateFrequency.Yearly => TimeSpan.FromDays(366),
        UpdateFrequency.Irregular => null,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency)),
    };

    public static bool TryParse(string? text, out SharingType value) =>
        TryParse(text, out value, ChineseName, ("无条件", SharingType.Unconditional), ("有条件", SharingType.Conditional), ("不共享", SharingType.NotShared));

    public static bool TryParse(string? text, out OpenType value) =>
        TryParse(text, out value, ChineseName, ("不开放", OpenType.NotOpen));

    public static bool TryParse(string? text, out UpdateFrequency value) =>
        TryParse(text, out value, ChineseName, ("每天", UpdateFrequency.Daily), ("每季", UpdateFrequency.Quarterly), ("每年度", UpdateFrequency.Yearly), ("按年", UpdateFrequency.Yearly));

    public static bool TryParse(string? text, out ResourceStatus value) => TryParse(text, out value, ChineseName);

    public static bool TryParse(string? text, out DataClassification value) =>
        TryParse(text, out value, ChineseName, ("一般", DataClassification.General), ("重要", DataClassification.Important), ("核心", DataClassification.Core));

    public static bool TryParse(string? text, out PersonalInfoKind value) =>
        TryParse(text, out value, ChineseName, ("无", PersonalInfoKind.None), ("敏感", PersonalInfoKind.Sensitive));

    /// <summary>English names in any case, the Chinese name, or one of the extra aliases; numbers are refused.</summary>
    private static bool TryParse<T>(string? text, out T value, Func<T, string> chinese, params (string Alias, T Value)[] aliases)
        where T : struct, Enum
    {
        value = default;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t) || char.IsAsciiDigit(t[0]) || t[0] == '-')
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(t, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || string.Equals(t, chinese(candidate), StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        foreach (var (alias, aliased) in aliases)
        {
            if (string.Equals(t, alias, StringComparison.Ordinal))
            {
                value = aliased;
                return true;
            }
        }

        return false;
    }
}
