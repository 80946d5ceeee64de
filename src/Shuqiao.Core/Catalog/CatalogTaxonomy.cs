namespace Shuqiao.Core.Catalog;

/// <summary>
/// One node of the catalog taxonomy, named by its code prefix: 1 digit (类), 3 (项), 6 (目) or 9 (细目).
/// </summary>
public sealed record CatalogCategory(string Code, string Name)
{
    public int Depth => Code.Length switch
    {
        1 => 1,
        3 => 2,
        6 => 3,
        9 => 4,
        _ => 0,
    };
}

/// <summary>
/// The classification resources are filed under. Every node is configured or built in; a resource's 类 and 项 must
/// be nodes. Below 项 the taxonomy is open: when a node lists children at the next level (目 under 项, 细目 under 目),
/// a category must use one of them, otherwise any digits are accepted — so a province can publish its 目 table while a
/// city that has none still files resources.
/// </summary>
public sealed class CatalogTaxonomy
{
    private readonly Dictionary<string, CatalogCategory> _nodes;

    public CatalogTaxonomy(IEnumerable<CatalogCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        _nodes = new Dictionary<string, CatalogCategory>(StringComparer.Ordinal);
        foreach (var category in categories)
        {
            if (category.Depth == 0 || !category.Code.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"Taxonomy code '{category.Code}' must be 1, 3, 6 or 9 digits.", nameof(categories));
            }

            _nodes[category.Code] = category; // a later entry (configuration) renames an earlier one (built in)
        }

        foreach (var code in _nodes.Keys)
        {
            var parent = ParentCode(code);
            if (parent is not null && !_nodes.ContainsKey(parent))
            {
                throw new ArgumentException($"Taxonomy code '{code}' has no parent '{parent}'.", nameof(categories));
            }
        }
    }

    /// <summary>
    /// The national taxonomy of the 政务信息资源目录编制指南(试行): the three 类 and their 项, numbered in the order the
    /// guide lists them. A node can rename or extend it through configuration (<c>Shuqiao:Catalog:Categories</c>).
    /// </summary>
    public static IReadOnlyList<CatalogCategory> National { get; } =
    [
        new("1", "基础信息资源"),
        new("101", "人口基础信息"),
        new("102", "法人单位基础信息"),
        new("103", "自然资源和空间地理基础信息"),
        new("104", "社会信用基础信息"),
        new("105", "电子证照基础信息"),
        new("2", "主题信息资源"),
        new("201", "公共服务"),
        new("202", "健康保障"),
        new("203", "社会保障"),
        new("204", "食品药品安全"),
        new("205", "安全生产"),
        new("206", "价格监管"),
        new("207", "能源安全"),
        new("208", "信用体系"),
        new("209", "城乡建设"),
        new("210", "社区治理"),
        new("211", "生态环保"),
        new("212", "应急维稳"),
        new("3", "部门信息资源"),
        new("301", "党中央"),
        new("302", "全国人大常委会"),
        new("303", "国务院"),
        new("304", "全国政协"),
        new("305", "最高人民法院"),
        new("306", "最高人民检察院"),
        new("307", "省（自治区、直辖市）及其下各级政务部门"),
        new("308", "计划单列市及其下各级政务部门"),
    ];

    public static CatalogTaxonomy Default { get; } = new(National);

    public IEnumerable<CatalogCategory> All => _nodes.Values.OrderBy(n => n.Code, StringComparer.Ordinal);

    public CatalogCategory? Find(string code) => _nodes.GetValueOrDefault(code);

    /// <summary>The named nodes a category falls under, from 类 down (unnamed 目/细目 are left out).</summary>
    public IReadOnlyList<CatalogCategory> PathOf(ResourceCategory category)
    {
        var path = new List<CatalogCategory>(4);
        foreach (var length in new[] { 1, 3, 6, 9 })
        {
            if (_nodes.TryGetValue(category.Digits[..length], out var node))
            {
                path.Add(node);
            }
        }

        return path;
    }

    /// <summary>The path as the 编制指南 layout writes it: 基础信息资源/人口基础信息.</summary>
    public string PathText(ResourceCategory category) => string.Join("/", PathOf(category).Select(n => n.Name));

    /// <summary>Why a category cannot be used, or null when it can (see the class remarks).</summary>
    public Common.Issue? Check(ResourceCategory category, string field = "category")
    {
        var digits = category.Digits;
        if (!_nodes.ContainsKey(digits[..1]))
        {
            return CatalogIssues.CategoryUnknown(field, digits[..1], "类");
        }

        if (!_nodes.ContainsKey(digits[..3]))
        {
            return CatalogIssues.CategoryUnknown(field, digits[..3], "项");
        }

        // 目 (6) and 细目 (9): constrained only where the taxonomy lists that level under the parent.
        foreach (var (length, level) in new[] { (6, "目"), (9, "细目") })
        {
            var prefix = digits[..length];
            var parent = digits[..(length - 3)];
            var levelDigits = digits[(length - 3)..length];
            var listed = _nodes.Keys.Any(k => k.Length == length && k.StartsWith(parent, StringComparison.Ordinal));
            if (listed && levelDigits != "000" && !_nodes.ContainsKey(prefix))
            {
                return CatalogIssues.CategoryUnknown(field, prefix, level);
            }
        }

        return null;
    }

    private static string? ParentCode(string code) => code.Length switch
    {
        3 => code[..1],
        6 => code[..3],
        9 => code[..6],
        _ => null,
    };
}
