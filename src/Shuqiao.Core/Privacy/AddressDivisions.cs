using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Privacy;

/// <summary>One administrative division an address starts with: its level and where its name ends in the text.</summary>
public readonly record struct AddressDivision(RegionLevel Level, int End);

/// <summary>
/// Finds the administrative divisions (行政区划) an address begins with — 省/自治区/直辖市, 市/自治州/地区/盟,
/// 区/县/县级市/旗, 街道/镇/乡/苏木 — by their suffixes, each level deeper than the one before. Parsing stops at the
/// first text that is not a deeper division (a road, a building), so the street part is never taken for a division.
/// </summary>
/// <remarks>
/// Rules: a division's name has at least one character before its suffix; of two suffixes ending at one place the
/// longer wins (自治区 over 区, 地区 over 区); 市 is a city unless a city came before it (then a 县级市), and the four
/// municipalities (北京市, 天津市, 上海市, 重庆市) are province-level; a division not deeper than the previous one ends
/// the parse, and so does a division name followed by a road word (路, 街, 巷, 弄, 道: 东乡路 is a road).
/// Addresses need not start with a province: 示范市鼓楼区东街街道 is a city, a county and a town.
/// </remarks>
public static class AddressDivisions
{
    private static readonly string[] Municipalities = ["北京市", "天津市", "上海市", "重庆市"];

    private static readonly (string Suffix, RegionLevel? Level)[] Suffixes =
    [
        ("特别行政区", RegionLevel.Province),
        ("自治区", RegionLevel.Province),
        ("省", RegionLevel.Province),
        ("自治州", RegionLevel.City),
        ("地区", RegionLevel.City),
        ("盟", RegionLevel.City),
        ("市", null), // city, county-level city or municipality: decided by what came before
        ("自治县", RegionLevel.County),
        ("自治旗", RegionLevel.County),
        ("林区", RegionLevel.County),
        ("特区", RegionLevel.County),
        ("区", RegionLevel.County),
        ("县", RegionLevel.County),
        ("旗", RegionLevel.County),
        ("街道", RegionLevel.Town),
        ("镇", RegionLevel.Town),
        ("乡", RegionLevel.Town),
        ("苏木", RegionLevel.Town),
    ];

    public static IReadOnlyList<AddressDivision> Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var divisions = new List<AddressDivision>(4);
        var position = 0;
        RegionLevel? previous = null;
        while (previous is not RegionLevel.Town && position + 1 < address.Length)
        {
            // The division that ends first after at least one character of name; the longer suffix on a tie.
            var bestEnd = int.MaxValue;
            var bestLength = 0;
            RegionLevel? bestLevel = null;
            foreach (var (suffix, level) in Suffixes)
            {
                var at = address.IndexOf(suffix, position + 1, StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                var end = at + suffix.Length;
                if (end < bestEnd || (end == bestEnd && suffix.Length > bestLength))
                {
                    bestEnd = end;
                    bestLength = suffix.Length;
                    bestLevel = level ?? CityLevel(address[position..end], previous);
                }
            }

            if (bestLevel is not { } found || (previous is { } before && found <= before) || NamesARoad(address, bestEnd))
            {
                break;
            }

            divisions.Add(new AddressDivision(found, bestEnd));
            previous = found;
            position = bestEnd;
        }

        return divisions;
    }

    // 东乡路, 镇海路: a place name followed by a road word is a road, not a division.
    private static bool NamesARoad(string address, int end) =>
        end < address.Length && address[end] is '路' or '街' or '巷' or '弄' or '道';

    private static RegionLevel CityLevel(string name, RegionLevel? previous)
    {
        if (previous is null && Municipalities.Contains(name, StringComparer.Ordinal))
        {
            return RegionLevel.Province;
        }

        return previous is null or RegionLevel.Province ? RegionLevel.City : RegionLevel.County;
    }
}
