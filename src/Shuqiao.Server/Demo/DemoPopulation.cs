using System.Globalization;
using Shuqiao.Core.Catalog;

namespace Shuqiao.Server.Demo;

/// <summary>A synthetic resident of 示范市 (a row of 人口基本信息).</summary>
/// <param name="Mother">Index of the mother in the population, or −1 (only children born in the last ten years have parents linked).</param>
public sealed record DemoPerson(
    int Index,
    string IdNumber,
    string Name,
    bool Male,
    DateOnly BirthDate,
    DemoDistrict District,
    string Ethnicity,
    string? Mobile,
    int Mother,
    int Father);

/// <summary>
/// The registered population of 示范市 (户籍人口), the people every other demo resource refers to: 公民身份号码 with
/// real birth dates, 顺序码 odd for men and even for women and GB 11643 check characters; names from common
/// surnames; children of the last ten years linked to a mother (and usually a father) old enough to be their parents.
/// Deterministic: the same size and date give the same people.
/// </summary>
public sealed class DemoPopulation
{
    /// <summary>The newest date the demo records speak of; a fixed date, so the data set is the same on every run.</summary>
    public static readonly DateOnly LatestAsOf = new(2026, 6, 30);

    private readonly List<DemoPerson> _people;
    private readonly DemoPerson[] _womenByBirth;
    private readonly DemoPerson[] _menByBirth;
    private readonly HashSet<string> _elsewhere = new(StringComparer.Ordinal);
    private int _elsewhereSerial;

    private DemoPopulation(List<DemoPerson> people, DateOnly asOf)
    {
        _people = people;
        AsOf = asOf;
        _womenByBirth = [.. people.Where(p => !p.Male).OrderBy(p => p.BirthDate)];
        _menByBirth = [.. people.Where(p => p.Male).OrderBy(p => p.BirthDate)];
    }

    /// <summary>The date the records are "as of": <see cref="LatestAsOf"/>, or today when the clock is earlier (no birth may lie in the future).</summary>
    public DateOnly AsOf { get; }

    public IReadOnlyList<DemoPerson> People => _people;

    /// <summary>The as-of date for a clock reading <paramref name="today"/> (China Standard Time).</summary>
    public static DateOnly AsOfFor(DateOnly today) => today < LatestAsOf ? today.AddDays(-1) : LatestAsOf;

    public static DemoPopulation Generate(int size, DateOnly asOf)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var random = DemoRandom.For("population");
        var sequences = new Dictionary<(string, DateOnly, bool), int>();
        var drafts = new List<(DateOnly Birth, bool Male, DemoDistrict District)>(size);
        for (var i = 0; i < size; i++)
        {
            // Ages 0–69 about evenly, with a thinner tail to 94.
            var age = random.Next(70) + (random.Chance(0.3) ? random.Next(25) : 0);
            var birth = random.Date(asOf.AddYears(-age - 1).AddDays(1), asOf.AddYears(-age));
            var district = DemoRegion.Districts[Weighted(random, [40, 28, 20, 12])];
            drafts.Add((birth, random.Chance(0.51), district));
        }

        var people = new List<DemoPerson>(size);
        for (var i = 0; i < size; i++)
        {
            var (birth, male, district) = drafts[i];
            // 顺序码: odd for men, even for women, counted per place and day so numbers never repeat.
            var cell = (district.IdAddressCode, birth, male);
            var n = sequences.GetValueOrDefault(cell);
            sequences[cell] = n + 1;
            var sequence = male ? 2 * n + 1 : 2 * n + 2;
            if (sequence > 999)
            {
                continue; // not reached at any configured scale: more than 499 people of one sex born in one district on one day
            }

            var age = Age(birth, asOf);
            var mobile = age < 14 || random.Chance(0.08) ? null : Mobile(random);
            people.Add(new DemoPerson(people.Count, IdNumber(district.IdAddressCode, birth, sequence), "", male, birth, district,
                Ethnicity(random), mobile, -1, -1));
        }

        var population = new DemoPopulation(people, asOf);
        population.Name(random);
        return population;
    }

    /// <summary>A random person whose birth date lies in the range, or null when nobody does.</summary>
    public DemoPerson? BornBetween(DemoRandom random, DateOnly earliest, DateOnly latest, bool male)
    {
        ArgumentNullException.ThrowIfNull(random);
        var sorted = male ? _menByBirth : _womenByBirth;
        var from = LowerBound(sorted, earliest);
        var to = LowerBound(sorted, latest.AddDays(1));
        return to > from ? sorted[random.Next(from, to)] : null;
    }

    /// <summary>A random person at least <paramref name="minAge"/> (and under <paramref name="maxAge"/>) years old on <paramref name="on"/>.</summary>
    public DemoPerson? AgedOn(DemoRandom random, DateOnly on, int minAge, int maxAge, bool? male = null) =>
        BornBetween(random, on.AddYears(-maxAge).AddDays(1), on.AddYears(-minAge), male ?? random.Chance(0.5));

    /// <summary>
    /// A valid number of someone registered elsewhere (外地户籍), never one of this population: the deliberately
    /// unresolved references of the other resources.
    /// </summary>
    public string Elsewhere(DemoRandom random, DateOnly birth, bool male)
    {
        ArgumentNullException.ThrowIfNull(random);
        while (true)
        {
            var serial = ++_elsewhereSerial;
            var sequence = (serial % 499 * 2) + (male ? 1 : 2);
            var number = IdNumber(random.Pick(DemoRegion.ElsewhereIdAddressCodes), birth, sequence);
            if (_elsewhere.Add(number))
            {
                return number;
            }
        }
    }

    public static int Age(DateOnly birth, DateOnly on)
    {
        var age = on.Year - birth.Year;
        return on < birth.AddYears(age) ? age - 1 : age;
    }

    /// <summary>GB 11643: 地址码, 出生日期码, 顺序码 and the MOD 11-2 check character (Core's <see cref="ResidentId"/>).</summary>
    public static string IdNumber(string addressCode, DateOnly birth, int sequence)
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{addressCode}{birth:yyyyMMdd}{sequence:D3}");
        return first17 + ResidentId.CheckCharacter(first17);
    }

    /// <summary>A mobile number of the mainland plan (1[3-9] and nine digits).</summary>
    public static string Mobile(DemoRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string[] prefixes = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180", "186", "187", "188", "189", "199"];
        return random.Pick(prefixes) + random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
    }

    internal static int Weighted(DemoRandom random, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    // Parents first (everyone at least ten is named freely), then the young children after their father's surname.
    private void Name(DemoRandom random)
    {
        var tenYearsAgo = AsOf.AddYears(-10);
        for (var i = 0; i < _people.Count; i++)
        {
            var p = _people[i];
            if (p.BirthDate <= tenYearsAgo)
            {
                _people[i] = p with { Name = DemoRegion.Name(random, p.Male) };
            }
        }

        for (var i = 0; i < _people.Count; i++)
        {
            var p = _people[i];
            if (p.BirthDate <= tenYearsAgo)
            {
                continue;
            }

            // The sorted views still hold unnamed records: the parents' names are read from the list.
            var mother = BornBetween(random, p.BirthDate.AddYears(-42), p.BirthDate.AddYears(-20), male: false) is { } m ? _people[m.Index] : null;
            var father = mother is null || random.Chance(0.06) ? null
                : BornBetween(random, mother.BirthDate.AddYears(-6), Earlier(mother.BirthDate.AddYears(3), p.BirthDate.AddYears(-22)), male: true) is { } f ? _people[f.Index] : null;
            var surname = father is not null ? Surname(father.Name) : mother is not null ? Surname(mother.Name) : random.Pick(DemoRegion.Surnames);
            _people[i] = p with { Name = DemoRegion.Name(random, surname, p.Male), Mother = mother?.Index ?? -1, Father = father?.Index ?? -1 };
        }

        // The sorted views hold the unnamed records; refresh them from the list.
        for (var i = 0; i < _womenByBirth.Length; i++)
        {
            _womenByBirth[i] = _people[_womenByBirth[i].Index];
        }

        for (var i = 0; i < _menByBirth.Length; i++)
        {
            _menByBirth[i] = _people[_menByBirth[i].Index];
        }
    }

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;

    private static string Surname(string name) => name.StartsWith("欧阳", StringComparison.Ordinal) ? "欧阳" : name[..1];

    private static string Ethnicity(DemoRandom random) => Weighted(random, [920, 20, 25, 10, 15, 10]) switch
    {
        0 => "01", // 汉族
        1 => "02", // 蒙古族
        2 => "03", // 回族
        3 => "06", // 苗族
        4 => "22", // 畲族
        _ => "08", // 壮族
    };

    private static int LowerBound(DemoPerson[] sorted, DateOnly date)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].BirthDate < date)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
