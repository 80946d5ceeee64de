namespace Shuqiao.Core.Catalog;

/// <summary>共享类型 (政务信息资源共享管理暂行办法, 国发〔2016〕51号 第五条).</summary>
public enum SharingType
{
    Unconditional, // 无条件共享: any department may use it, still registered with a purpose
    Conditional,   // 有条件共享: shared on approval, under the stated conditions
    NotShared,     // 不予共享: only with a legal basis (法律、行政法规或党中央、国务院政策依据)
}

/// <summary>开放属性: whether the resource is opened to the public (公共数据开放), independent of sharing between departments.</summary>
public enum OpenType
{
    NotOpen,       // 不予开放
    Conditional,   // 有条件开放
    Unconditional, // 无条件开放
}

/// <summary>The life of a catalog entry: described (Draft), in the catalog (Published), withdrawn (Retired). Retired is final.</summary>
public enum ResourceStatus
{
    Draft,
    Published,
    Retired,
}

/// <summary>How a schema version relates to the one before it (see <see cref="SchemaEvolution"/>).</summary>
public enum SchemaChangeKind
{
    Initial,  // the first version
    Additive, // consumers of the previous version keep working (兼容变更)
    Breaking, // consumers must adapt (不兼容变更); the major number goes up
}

/// <summary>
/// A schema version: <c>major.minor</c>. A breaking change starts a new major (2.0), an additive change the next
/// minor (1.1). Consumers that pin a major keep working across its minors.
/// </summary>
public readonly record struct SchemaVersion(int Major, int Minor) : IComparable<SchemaVersion>
{
    public static SchemaVersion First => new(1, 0);

    public SchemaVersion Next(SchemaChangeKind kind) => kind switch
    {
        SchemaChangeKind.Breaking => new SchemaVersion(Major + 1, 0),
        SchemaChangeKind.Additive => new SchemaVersion(Major, Minor + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), "Only a change moves the version."),
    };

    public int CompareTo(SchemaVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SchemaVersion left, SchemaVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}";

    /// <summary>Reads <c>1.0</c>, <c>2.3</c>; also <c>v1.0</c> and a bare major (<c>2</c> = 2.0).</summary>
    public static bool TryParse(string? text, out SchemaVersion version)
    {
        version = default;
        var t = text?.Trim() ?? "";
        if (t.StartsWith('v') || t.StartsWith('V'))
        {
            t = t[1..];
        }

        var parts = t.Split('.');
        if (parts.Length is < 1 or > 2 || parts.Any(p => p.Length is 0 or > 6 || !p.All(char.IsAsciiDigit)))
        {
            return false;
        }

        var major = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var minor = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (major < 1)
        {
            return false;
        }

        version = new SchemaVersion(major, minor);
        return true;
    }
}

/// <summary>Who to contact about a resource (dcat:contactPoint); every part is optional.</summary>
public sealed record ContactPoint(string? Name, string? Email, string? Phone)
{
    public bool IsEmpty => string.IsNullOrEmpty(Name) && string.IsNullOrEmpty(Email) && string.IsNullOrEmpty(Phone);
}

/// <summary>
/// A catalog entry (信息资源, 政务信息资源目录编制指南 核心元数据): what a department's data is, who provides it, on what
/// terms it is shared and opened, how often it changes, and its fields (信息项) in the current schema version.
/// </summary>
public sealed record DataResource(
    Guid Id,
    ResourceCode Code,
    string Name,
    string Summary,              // 信息资源摘要
    Guid ProviderId,             // 信息资源提供方
    string ProviderName,
    string ProviderCode,         // the provider's 统一社会信用代码 (信息资源提供方代码)
    string Format,               // 信息资源格式, e.g. 数据库表
    SharingType SharingType,
    string? SharingConditions,   // 共享条件 (for Conditional; may describe Unconditional use too)
    string? LegalBasis,          // 不予共享 依据; required for NotShared
    OpenType OpenType,
    string? OpenConditions,      // 开放条件 for a conditionally opened resource
    UpdateFrequency UpdateFrequency,
    IReadOnlyList<string> Keywords,
    ContactPoint? Contact,
    long? ExpectedRecordCount,   // how many records a complete load has (完整性, Quality)
    ResourceStatus Status,
    SchemaVersion Version,       // the current schema version
    IReadOnlyList<ResourceField> Fields, // the fields of the current version
    int Revision,                // increases with every change; sent back by editors (optimistic concurrency)
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? RetiredAt)
{
    /// <summary>The highest classification of any field (一般 &lt; 重要 &lt; 核心).</summary>
    public DataClassification HighestClassification =>
        Fields.Count == 0 ? DataClassification.General : Fields.Max(f => f.Classification);

    public bool HasPersonalInformation => Fields.Any(f => f.PersonalInfo != PersonalInfoKind.None);

    public IEnumerable<ResourceField> KeyFields => Fields.Where(f => f.Key);
}

/// <summary>One schema version of a resource, as kept in its history.</summary>
public sealed record ResourceVersion(
    Guid ResourceId,
    SchemaVersion Version,
    IReadOnlyList<ResourceField> Fields,
    SchemaChangeKind ChangeKind,
    IReadOnlyList<SchemaDifference> Changes,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt)
{
    /// <summary>Whether consumers of the previous version can use this one unchanged.</summary>
    public bool Compatible => ChangeKind != SchemaChangeKind.Breaking;
}
