using System.Globalization;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Demo;

public sealed record DemoOrganization(string Key, string Code, string Name, OrganizationLevel Level, string? ParentKey, bool IsDataAuthority = false);

public sealed record DemoUser(string Login, string DisplayName, string OrganizationKey, IReadOnlyList<string> Roles);

public sealed record DemoClient(string OrganizationKey, string Name, string Description);

/// <summary>
/// 示范市, the fictional city of the demo data set: its government, data bureau, eight departments, districts,
/// a street office and a community, with users of every role and one API client per department.
/// Generated from a fixed seed, so every newcomer's <c>./run</c> shows the same city. Region code 990100 belongs to
/// no real place (GB/T 2260 has no province 99), so no generated code can be a real organization's.
/// </summary>
public static class DemoCity
{
    public const int Seed = 20261121;

    /// <summary>The password of every demo user. Demo mode only; production never seeds users.</summary>
    public const string DemoPassword = "Shuqiao#Demo2026";

    private const string Region = "990100";

    // Departments: key, name, login prefix, API client name and what it does.
    private static readonly (string Key, string Name, string Login, string Client, string ClientText)[] Departments =
    [
        ("police", "示范市公安局", "gaj", "人口信息管理系统", "户籍人口与居民身份证信息的共享接口"),
        ("civil", "示范市民政局", "mzj", "婚姻登记管理系统", "婚姻登记、社会救助数据的共享接口"),
        ("market", "示范市市场监督管理局", "scjg", "企业登记系统", "市场主体登记与营业执照数据的共享接口"),
        ("hrss", "示范市人力资源和社会保障局", "rsj", "社保经办系统", "社会保险参保与缴费数据的共享接口"),
        ("health", "示范市卫生健康委员会", "wjw", "出生医学证明系统", "出生医学证明与医疗机构数据的共享接口"),
        ("education", "示范市教育局", "jyj", "学籍管理系统", "中小学学籍数据的共享接口"),
        ("housing", "示范市住房和城乡建设局", "zjj", "不动产登记系统", "房屋与不动产登记数据的共享接口"),
        ("urban", "示范市城市管理局", "cgj", "城管部件系统", "城市部件与案件处置数据的共享接口"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];

    private static readonly string[] GivenCharacters = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "华", "建", "文", "婷", "宇", "欣", "晨", "浩"];

    public static IReadOnlyList<DemoOrganization> Organizations()
    {
        var serial = 0;
        string Code(char registration, char kind) => CreditCodeFor(registration, kind, ++serial);

        var list = new List<DemoOrganization>
        {
            new("government", Code('1', '1'), "示范市人民政府", OrganizationLevel.City, null),
            new("bureau", Code('1', '1'), "示范市政务服务和数据管理局", OrganizationLevel.City, null, IsDataAuthority: true),
        };

        // Same-level departments are siblings of the city government, not its children (docs/organizations.md).
        list.AddRange(Departments.Select(d => new DemoOrganization(d.Key, Code('1', '1'), d.Name, OrganizationLevel.City, null)));
        foreach (var (key, name) in new[] { ("gulou", "鼓楼区"), ("jiangbin", "江滨区"), ("xingang", "新港区"), ("qingshan", "青山县") })
        {
            list.Add(new DemoOrganization(key, Code('1', '1'), $"示范市{name}人民政府", OrganizationLevel.County, "government"));
            // A district's data bureau works under the city data bureau's guidance (业务指导).
            list.Add(new DemoOrganization(key + "-data", Code('1', '1'), $"示范市{name}数据管理局", OrganizationLevel.County, "bureau", IsDataAuthority: true));
        }

        list.Add(new DemoOrganization("dongjie", Code('1', '1'), "鼓楼区东街街道办事处", OrganizationLevel.Town, "gulou"));
        list.Add(new DemoOrganization("sanfang", Code('5', '1'), "东街街道三坊社区居民委员会", OrganizationLevel.Village, "dongjie"));
        return list;
    }

    public static IReadOnlyList<DemoUser> Users()
    {
        var random = new Random(Seed);
        string Name() => Surnames[random.Next(Surnames.Length)] + GivenCharacters[random.Next(GivenCharacters.Length)]
            + (random.Next(3) == 0 ? "" : GivenCharacters[random.Next(GivenCharacters.Length)]);

        var users = new List<DemoUser>
        {
            new("admin", Name(), "bureau", [Roles.PlatformAdmin]),
            new("auditor", Name(), "bureau", [Roles.Auditor]),
            new("sjj.steward", Name(), "bureau", [Roles.DataSteward]),
        };
        foreach (var d in Departments)
        {
            users.Add(new DemoUser($"{d.Login}.steward", Name(), d.Key, [Roles.DataSteward]));
            users.Add(new DemoUser($"{d.Login}.approver", Name(), d.Key, [Roles.Approver]));
        }

        users.Add(new DemoUser("cgj.officer", Name(), "urban", [Roles.CaseOfficer]));
        users.Add(new DemoUser("gulou.officer", Name(), "gulou", [Roles.CaseOfficer]));
        users.Add(new DemoUser("citizen", Name(), "sanfang", [Roles.Citizen]));
        return users;
    }

    public static IReadOnlyList<DemoClient> Clients() =>
        Departments.Select(d => new DemoClient(d.Key, d.Client, d.ClientText)).ToList();

    /// <summary>
    /// A 统一社会信用代码 in the fictional region: registration authority and kind (GB 32100 表1, e.g. 1-1 机关),
    /// region, a 9-character organization code with its own GB 11714 check character, then the GB 32100 check.
    /// </summary>
    internal static string CreditCodeFor(char registration, char kind, int serial)
    {
        var body = (700_000 + serial * 37).ToString("D8", CultureInfo.InvariantCulture);
        return CreditCode.Complete($"{registration}{kind}{Region}{body}{OrganizationCodeCheck(body)}");
    }

    // GB 11714-1997: weights 3 7 9 10 5 8 4 2 over the first eight characters, check = 11 − sum mod 11 (10 → X, 11 → 0).
    private static char OrganizationCodeCheck(string first8)
    {
        int[] weights = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first8[i];
            sum += (char.IsDigit(c) ? c - '0' : c - 'A' + 10) * weights[i];
        }

        var check = 11 - (sum % 11);
        return check switch { 10 => 'X', 11 => '0', _ => (char)('0' + check) };
    }
}
