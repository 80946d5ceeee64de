namespace Shuqiao.Server.Demo;

/// <summary>A county-level district of 示范市 and the places the demo records put in it.</summary>
/// <param name="RegionCode">GB/T 2260-style code in the fictional city 990100 (region fields, unit numbers, component ids).</param>
/// <param name="IdAddressCode">
/// The 地址码 of resident id numbers issued here. Not 9901xx: the catalog's <c>cnResidentId</c> check requires the
/// first two digits to be a GB/T 2260 province, and 99 is none. 福建 (35) has no prefecture 99, so 3599xx is as
/// fictional as 9901xx while passing the check — no generated number can be a real person's.
/// </param>
public sealed record DemoDistrict(string Name, string RegionCode, string IdAddressCode, IReadOnlyList<string> Streets);

/// <summary>示范市 as the demo records describe it: districts, streets, roads and the names of its people.</summary>
public static class DemoRegion
{
    public const string CityName = "示范市";

    /// <summary>Districts in the order of <see cref="DemoCity"/> (鼓楼区, 江滨区, 新港区, 青山县), with their weights in the population.</summary>
    public static readonly IReadOnlyList<DemoDistrict> Districts =
    [
        new("鼓楼区", "990102", "359902", ["东街街道", "南街街道", "西湖街道", "温泉街道", "鼓东街道"]),
        new("江滨区", "990103", "359903", ["江滨街道", "滨海街道", "金山街道", "新店镇"]),
        new("新港区", "990104", "359904", ["新港街道", "港湾街道", "科技城街道", "海沧镇"]),
        new("青山县", "990121", "359921", ["青山镇", "白沙镇", "竹岭乡", "石门乡", "溪口镇"]),
    ];

    /// <summary>地址码 of people registered elsewhere (外地户籍): valid numbers that 人口基本信息 does not hold.</summary>
    public static readonly IReadOnlyList<string> ElsewhereIdAddressCodes = ["359981", "359982", "359983"];

    public static readonly IReadOnlyList<string> Roads =
        ["中山路", "解放路", "人民路", "建设路", "和平路", "五一路", "八一路", "文化路", "湖滨路", "工业路", "花园路", "新华路", "健康路", "三坊路", "江滨路", "学府路"];

    // 常见姓氏, the most frequent first and repeated by rough weight (王、李、张、刘、陈 cover about a third of people).
    public static readonly IReadOnlyList<string> Surnames =
    [
        "王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "杨", "黄", "赵", "吴", "周", "徐",
        "孙", "马", "朱", "胡", "郭", "何", "林", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
        "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈",
        "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "欧阳",
    ];

    public static readonly IReadOnlyList<string> MaleGiven =
        ["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "华", "建", "平", "辉", "鹏", "斌", "宇", "浩", "俊", "峰", "亮", "志", "国", "文", "博", "晨", "子", "轩", "睿", "泽", "航", "凯", "林", "海", "鑫"];

    public static readonly IReadOnlyList<string> FemaleGiven =
        ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "婷", "欣", "雪", "琳", "倩", "颖", "佳", "慧", "梅", "莉", "燕", "晶", "萍", "丹", "悦", "涵", "怡", "梓", "诗", "雨", "思", "可", "馨", "彤", "晓"];

    /// <summary>A full name: surname and one or two given characters.</summary>
    public static string Name(DemoRandom random, bool male) => Name(random, random.Pick(Surnames), male);

    public static string Name(DemoRandom random, string surname, bool male)
    {
        ArgumentNullException.ThrowIfNull(random);
        var given = male ? MaleGiven : FemaleGiven;
        return random.Chance(0.3) ? surname + random.Pick(given) : surname + random.Pick(given) + random.Pick(given);
    }

    /// <summary>A street address down to the door (示范市鼓楼区东街街道中山路 12 号 3 幢 502 室).</summary>
    public static string Address(DemoRandom random, DemoDistrict district, bool flat = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(district);
        var street = random.Pick(district.Streets);
        var door = $"{CityName}{district.Name}{street}{random.Pick(Roads)}{random.Next(1, 300)}号";
        return flat ? $"{door}{random.Next(1, 30)}幢{random.Next(1, 33)}{random.Next(1, 5):D2}室" : door;
    }
}
