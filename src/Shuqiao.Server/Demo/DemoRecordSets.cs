using System.Globalization;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Demo;

/// <summary>The synthetic records of one demo resource: its CSV columns (field names) and rows, produced as they are read.</summary>
public sealed record DemoRecordSet(string Code, string Name, IReadOnlyList<string> Columns, IEnumerable<string?[]> Rows);

/// <summary>
/// Synthetic records for the eleven resources of the demo catalog (<see cref="Catalog.CatalogDemoData"/>), consistent
/// with each other and with <see cref="DemoPopulation"/>: the people in 婚姻登记, 出生医学证明, 学籍, 社保, 低保 and the
/// 法定代表人 of 企业登记 are mostly residents (a few percent are registered elsewhere, so consistency checks find
/// unresolved references), dates follow lives (birth before marriage, parents of age, enrolment by age), and fields
/// with <c>onInvalid: Warn</c> carry deliberately poor values: credit codes with wrong check characters from the former
/// registration system (企业登记), malformed mobile numbers (人口), implausible birth weights (出生医学证明), malformed
/// e-mail addresses (医疗机构). Sizes at scale 1.0 are 10,000–100,000 per resource (docs/configuration.md,
/// <c>Shuqiao:Demo:RecordScale</c>).
/// </summary>
public sealed class DemoRecordSets
{
    public const string PopulationCode = "101001000/000001";
    public const string MarriageCode = "101002000/000001";
    public const string EnterpriseCode = "102001000/000001";
    public const string InsuranceCode = "203001000/000001";
    public const string RealEstateCode = "103001000/000001";
    public const string StudentCode = "201001000/000001";
    public const string BirthCode = "105001000/000001";
    public const string ComponentCode = "209001000/000001";
    public const string AllowanceCode = "203002000/000001";
    public const string AdoptionCode = "101003000/000001";
    public const string MedicalCode = "202001000/000001";

    /// <summary>Records per resource at scale 1.0 (学籍 and 出生医学证明 follow from the population's children).</summary>
    public const int FullPopulation = 100_000;

    private readonly DemoPopulation _population;
    private readonly double _scale;
    private readonly int _enterprises;
    private readonly int _medical;

    public DemoRecordSets(DemoPopulation population, double scale)
    {
        ArgumentNullException.ThrowIfNull(population);
        _population = population;
        _scale = scale;
        _enterprises = Size(30_000);
        _medical = Size(10_000);
    }

    private DateOnly AsOf => _population.AsOf;

    /// <summary>The record count of a resource of <paramref name="full"/> records at scale 1.0, at least one.</summary>
    public static int Size(int full, double scale) => Math.Max(1, (int)Math.Round(full * scale, MidpointRounding.AwayFromZero));

    /// <summary>Every resource's records, 人口基本信息 first (the others refer to it).</summary>
    public IReadOnlyList<DemoRecordSet> All() =>
    [
        new(PopulationCode, "人口基本信息", ["idNumber", "name", "sex", "ethnicity", "birthDate", "address", "regionCode", "mobile", "updatedAt"], People()),
        new(MarriageCode, "婚姻登记信息", ["certificateNo", "registrationType", "registeredOn", "partyAIdNumber", "partyAName", "partyBIdNumber", "partyBName", "registryOffice"], Marriages()),
        new(EnterpriseCode, "企业登记信息", ["creditCode", "name", "legalRepresentative", "legalRepresentativeId", "registeredCapital", "establishedOn", "status", "address", "businessScope"], Enterprises()),
        new(InsuranceCode, "社会保险参保信息", ["idNumber", "name", "insuranceType", "status", "employerCreditCode", "insuredOn", "contributionBase"], Insurance()),
        new(RealEstateCode, "不动产登记信息", ["certificateNo", "unitNo", "ownerName", "ownerIdNumber", "location", "area", "usage", "rightType", "registeredOn"], RealEstate()),
        new(StudentCode, "中小学学籍信息", ["studentNo", "name", "idNumber", "school", "schoolCode", "grade", "enrolledOn", "status"], Students()),
        new(BirthCode, "出生医学证明", ["certificateNo", "babyName", "sex", "bornAt", "birthWeight", "motherName", "motherIdNumber", "fatherName", "fatherIdNumber", "issuerCreditCode"], Births()),
        new(ComponentCode, "城市管理部件信息", ["componentId", "majorCategory", "minorCategory", "name", "department", "longitude", "latitude", "condition", "updatedAt"], Components()),
        new(AllowanceCode, "最低生活保障对象信息", ["familyNo", "applicantIdNumber", "applicantName", "familySize", "monthlyAllowance", "approvedOn", "subdistrict"], Allowances()),
        new(AdoptionCode, "收养登记信息", ["certificateNo", "adopterIdNumber", "adopteeIdNumber", "registeredOn"], Adoptions()),
        new(MedicalCode, "医疗机构执业登记信息", ["creditCode", "licenseNo", "name", "category", "grade", "address", "phone", "email", "beds"], MedicalInstitutions()),
    ];

    /// <summary>统一社会信用代码 of enterprise <paramref name="i"/> (企业, 9-1), valid unless it is one of the former system's.</summary>
    public static string EnterpriseCreditCode(int i)
    {
        var code = DemoCity.CreditCodeFor('9', '1', 100_000 + i);
        if (!HasLegacyCode(i))
        {
            return code;
        }

        // 原工商登记系统 computed some check characters wrongly: a neighbouring character of the alphabet.
        var wrong = code[^1] == '0' ? '1' : '0';
        return code[..^1] + wrong;
    }

    /// <summary>About 1.5% of enterprises carry a code with a wrong check character (a finding, not a rejection).</summary>
    public static bool HasLegacyCode(int i) => i % 67 == 13;

    private int Size(int full) => Size(full, _scale);

    private IEnumerable<string?[]> People()
    {
        var random = DemoRandom.For(PopulationCode);
        foreach (var p in _population.People)
        {
            var mobile = p.Mobile;
            if (mobile is not null && random.Chance(0.015))
            {
                // Typed in by hand at a counter: a digit short, a landline, or the area code glued on.
                mobile = DemoPopulation.Weighted(random, [3, 2, 1]) switch
                {
                    0 => mobile[..10],
                    1 => "0599-" + mobile[4..11],
                    _ => "0599" + mobile,
                };
            }

            yield return
            [
                p.IdNumber, p.Name, p.Male ? "1" : "2", p.Ethnicity, Day(p.BirthDate), DemoRegion.Address(random, p.District), p.District.RegionCode, mobile,
                Moment(AsOf.AddDays(-random.Next(400)), random),
            ];
        }
    }

    private IEnumerable<string?[]> Marriages()
    {
        var random = DemoRandom.For(MarriageCode);
        var count = Size(25_000);
        for (var i = 0; i < count; i++)
        {
            var groom = _population.AgedOn(random, AsOf, 22, 80, male: true);
            if (groom is null)
            {
                continue;
            }

            var bride = _population.BornBetween(random, Later(groom.BirthDate.AddYears(-6), AsOf.AddYears(-80)), Earlier(groom.BirthDate.AddYears(4), AsOf.AddYears(-20)), male: false);
            if (bride is null)
            {
                continue;
            }

            // 法定婚龄: 男 22, 女 20 (民法典第一千零四十七条); registered within fifteen years of both being of age.
            var ofAge = Later(groom.BirthDate.AddYears(22), bride.BirthDate.AddYears(20));
            var registeredOn = random.Date(Later(ofAge, new DateOnly(1980, 1, 1)), Earlier(ofAge.AddYears(15), AsOf));
            var type = DemoPopulation.Weighted(random, [82, 12, 4, 2]);
            var brideId = bride.IdNumber;
            var brideName = bride.Name;
            if (random.Chance(0.03))
            {
                // The bride is registered elsewhere (外地户籍): a valid number 人口基本信息 does not hold.
                brideId = _population.Elsewhere(random, bride.BirthDate, male: false);
                brideName = DemoRegion.Name(random, male: false);
            }

            var office = random.Pick(DemoRegion.Districts);
            var marriage = type is 0 or 2;
            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"{(marriage ? 'J' : 'L')}{office.RegionCode}-{registeredOn.Year}-{i + 1:D6}"),
                type switch { 0 => "IA", 1 => "IB", 2 => "ICA", _ => "ICB" },
                Day(registeredOn), groom.IdNumber, groom.Name, brideId, brideName, $"{DemoRegion.CityName}{office.Name}民政局婚姻登记处",
            ];
        }
    }

    private IEnumerable<string?[]> Enterprises()
    {
        var random = DemoRandom.For(EnterpriseCode);
        string[] brands = ["华信", "恒泰", "瑞丰", "鑫达", "宏图", "天成", "锦程", "博远", "嘉禾", "永安", "新源", "中和", "汇通", "盛世", "金桥", "福瑞", "同创", "青禾", "海川", "数桥"];
        string[] trades = ["科技", "商贸", "餐饮管理", "建筑工程", "物流", "文化传媒", "农业发展", "医药", "电子", "食品", "环保科技", "信息技术", "物业管理", "装饰工程", "教育咨询"];
        string[] forms = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "贸易商行"];
        decimal[] capitals = [3, 10, 30, 50, 100, 200, 500, 1000, 5000, 12.5m];
        string[] scopes = ["软件开发", "信息技术咨询服务", "食品销售", "餐饮服务", "货物进出口", "建设工程施工", "道路货物运输", "日用百货销售", "广告设计、代理", "农产品的生产、销售、加工、运输、贮藏及其他相关服务", "物业管理", "住宅室内装饰装修", "医疗器械经营", "教育咨询服务"];
        for (var i = 0; i < _enterprises; i++)
        {
            var establishedOn = random.Date(new DateOnly(1995, 1, 1), AsOf);
            var representative = _population.AgedOn(random, establishedOn, 20, 70);
            var district = random.Pick(DemoRegion.Districts);
            var name = $"{DemoRegion.CityName}{district.Name}{random.Pick(brands)}{random.Pick(trades)}{random.Pick(forms)}";
            string repName, repId;
            if (representative is null || random.Chance(0.03))
            {
                // Investors from elsewhere: the 法定代表人 is not a resident of 示范市.
                var male = random.Chance(0.7);
                var birth = random.Date(establishedOn.AddYears(-65), establishedOn.AddYears(-22));
                repId = _population.Elsewhere(random, birth, male);
                repName = DemoRegion.Name(random, male);
            }
            else
            {
                (repName, repId) = (representative.Name, representative.IdNumber);
            }

            var status = DemoPopulation.Weighted(random, [80, 5, 12, 3]) + 1;
            var scope = random.Chance(0.2) ? null : string.Join("；", Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Pick(scopes)).Distinct());
            yield return
            [
                EnterpriseCreditCode(i), name, repName, repId, random.Chance(0.05) ? null : Number(random.Pick(capitals)), Day(establishedOn),
                status.ToString(CultureInfo.InvariantCulture), random.Chance(0.04) ? null : DemoRegion.Address(random, district, flat: false), scope,
            ];
        }
    }

    private IEnumerable<string?[]> Insurance()
    {
        var random = DemoRandom.For(InsuranceCode);
        var target = Size(60_000);
        var written = 0;
        foreach (var p in _population.People)
        {
            if (written >= target)
            {
                yield break;
            }

            var age = DemoPopulation.Age(p.BirthDate, AsOf);
            if (age < 16 || !random.Chance(0.75))
            {
                continue;
            }

            var id = p.IdNumber;
            var name = p.Name;
            if (random.Chance(0.02))
            {
                // 外来务工人员 insured here but registered elsewhere.
                id = _population.Elsewhere(random, p.BirthDate, p.Male);
                name = DemoRegion.Name(random, p.Male);
            }

            var employee = age is >= 18 and < 63 && random.Chance(0.7);
            var insuredOn = random.Date(Later(p.BirthDate.AddYears(16), new DateOnly(1995, 1, 1)), AsOf);
            if (employee)
            {
                var employer = Employer(random);
                var status = random.Chance(0.9) ? "1" : random.Chance(0.5) ? "2" : "3";
                var basis = Number(Math.Round((decimal)(4_000 + random.Next(21_000)) + random.Next(100) / 100m, 2));
                foreach (var type in new[] { "110", "310", "210", "410", "510" })
                {
                    if (type is "210" or "410" or "510" && !random.Chance(0.6))
                    {
                        continue;
                    }

                    written++;
                    yield return [id, name, type, status, employer, Day(insuredOn), type is "110" or "310" ? basis : null];
                }
            }
            else
            {
                written++;
                yield return [id, name, "390", random.Chance(0.95) ? "1" : "2", null, Day(insuredOn), null];
                if (age >= 16 && random.Chance(0.6))
                {
                    written++;
                    yield return [id, name, "170", "1", null, Day(insuredOn), null];
                }
            }
        }
    }

    private string Employer(DemoRandom random)
    {
        if (random.Chance(0.02))
        {
            // An employer registered in another city: a valid code 企业登记 does not hold.
            return DemoCity.CreditCodeFor('9', '1', 900_000 + random.Next(50_000));
        }

        var i = random.Next(_enterprises);
        return HasLegacyCode(i) ? EnterpriseCreditCode(i + 1 < _enterprises ? i + 1 : 0) : EnterpriseCreditCode(i);
    }

    private IEnumerable<string?[]> RealEstate()
    {
        var random = DemoRandom.For(RealEstateCode);
        var count = Size(30_000);
        string[] usages = ["住宅", "住宅", "住宅", "住宅", "商业", "办公", "车位"];
        for (var i = 0; i < count; i++)
        {
            // 不动产统一登记 began in 2016.
            var registeredOn = random.Date(new DateOnly(2016, 1, 1), AsOf);
            var owner = _population.AgedOn(random, registeredOn, 20, 90);
            if (owner is null)
            {
                continue;
            }

            var district = random.Pick(DemoRegion.Districts);
            var usage = random.Pick(usages);
            var area = usage == "车位" ? 12m + random.Next(800) / 100m : 35m + random.Next(18_500) / 100m;
            var unit = string.Create(CultureInfo.InvariantCulture,
                $"{district.RegionCode}{random.Next(1, 20):D3}{random.Next(1, 50):D3}GB{random.Next(1, 99_999):D5}F{random.Next(1, 60):D4}{random.Next(101, 3304):D4}");
            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"示范（{registeredOn.Year}）示范市不动产权第{i + 1:D7}号"), unit, owner.Name, owner.IdNumber,
                DemoRegion.Address(random, district), Number(area), usage, usage == "车位" ? "国有建设用地使用权/房屋（构筑物）所有权" : "国有建设用地使用权/房屋所有权",
                Day(registeredOn),
            ];
        }
    }

    private IEnumerable<string?[]> Students()
    {
        var random = DemoRandom.For(StudentCode);
        // The school year starts on 1 September; age on that day decides the grade (6 → 一年级 … 17 → 高三).
        var yearStart = new DateOnly(AsOf.Month >= 9 ? AsOf.Year : AsOf.Year - 1, 9, 1);
        foreach (var p in _population.People)
        {
            var age = DemoPopulation.Age(p.BirthDate, yearStart);
            if (age is < 6 or > 17 || random.Chance(0.02))
            {
                continue;
            }

            foreach (var student in Student(random, p.IdNumber, p.Name, age, p.District, yearStart))
            {
                yield return student;
            }

            if (random.Chance(0.03))
            {
                // 随迁子女: pupils whose 户籍 is elsewhere, not in 人口基本信息.
                var male = random.Chance(0.5);
                var birth = yearStart.AddYears(-age).AddDays(-random.Next(1, 365));
                foreach (var student in Student(random, _population.Elsewhere(random, birth, male), DemoRegion.Name(random, male), age, p.District, yearStart))
                {
                    yield return student;
                }
            }
        }
    }

    private static IEnumerable<string?[]> Student(DemoRandom random, string idNumber, string name, int age, DemoDistrict district, DateOnly yearStart)
    {
        var number = random.Next(1, 9);
        var (stage, grade, stageYears, school) = age switch
        {
            < 12 => (1, 11 + age - 6, age - 6, $"{DemoRegion.CityName}{district.Name}第{number}实验小学"),
            < 15 => (2, 21 + age - 12, age - 12, $"{DemoRegion.CityName}{district.Name}第{number}中学"),
            _ => (3, 31 + age - 15, age - 15, $"{DemoRegion.CityName}第{number}高级中学"),
        };
        // 学校标识码: ten digits, here 21 + the district + stage + number.
        var schoolCode = string.Create(CultureInfo.InvariantCulture, $"21{district.RegionCode}{stage}{number}");
        var status = DemoPopulation.Weighted(random, [95, 1, 3, 1]) + 1;
        yield return
        [
            "G" + idNumber, name, idNumber, school, schoolCode, grade.ToString(CultureInfo.InvariantCulture),
            random.Chance(0.05) ? null : Day(yearStart.AddYears(-stageYears)), status.ToString(CultureInfo.InvariantCulture),
        ];
    }

    private IEnumerable<string?[]> Births()
    {
        var random = DemoRandom.For(BirthCode);
        var serial = 0;
        foreach (var baby in _population.People)
        {
            if (baby.Mother < 0)
            {
                continue;
            }

            var mother = _population.People[baby.Mother];
            var father = baby.Father < 0 ? null : _population.People[baby.Father];
            var motherId = mother.IdNumber;
            if (random.Chance(0.02))
            {
                motherId = _population.Elsewhere(random, mother.BirthDate, male: false);
            }

            string? fatherName = father?.Name, fatherId = father?.IdNumber;
            if (father is not null && random.Chance(0.02))
            {
                fatherId = _population.Elsewhere(random, father.BirthDate, male: true);
            }

            // Weighed in grams; now and then someone typed kilograms (3.4 → 34) or a gram too many digits.
            var weight = 2_500 + random.Next(1_700);
            var recorded = random.Chance(0.006) ? (random.Chance(0.5) ? weight / 100 : weight * 10) : weight;
            var bornAt = baby.BirthDate.ToDateTime(new TimeOnly(random.Next(24), random.Next(60)));
            serial++;
            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"{(char)('A' + (baby.BirthDate.Year % 26))}{baby.BirthDate.Year % 100:D2}{serial:D7}"),
                random.Chance(0.08) ? null : baby.Name, baby.Male ? "1" : "2", bornAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                recorded.ToString(CultureInfo.InvariantCulture), mother.Name, motherId, fatherName, fatherId, MedicalCreditCode(random.Next(Math.Min(8, _medical))),
            ];
        }
    }

    private IEnumerable<string?[]> Components()
    {
        var random = DemoRandom.For(ComponentCode);
        var count = Size(30_000);
        (string Major, string Minor, string Name, string Department)[] kinds =
        [
            ("01", "01", "上水井盖", "示范市自来水有限公司"), ("01", "02", "污水井盖", "示范市排水管理处"), ("01", "03", "雨水井盖", "示范市排水管理处"),
            ("01", "04", "电力井盖", "国网示范供电公司"), ("01", "10", "消防栓", "示范市消防救援支队"), ("01", "19", "路灯", "示范市城市照明管理处"),
            ("02", "01", "公交站亭", "示范市公共交通集团"), ("02", "05", "交通信号灯", "示范市公安局交通警察支队"), ("02", "08", "护栏", "示范市市政工程管理处"),
            ("03", "01", "公共厕所", "示范市环境卫生管理处"), ("03", "03", "垃圾箱", "示范市环境卫生管理处"), ("03", "07", "广告牌匾", "示范市城市管理局"),
            ("04", "01", "古树名木", "示范市园林中心"), ("04", "03", "行道树", "示范市园林中心"), ("05", "04", "人防工事", "示范市人民防空办公室"),
            ("06", "02", "健身设施", "示范市体育局"),
        ];
        for (var i = 0; i < count; i++)
        {
            var (major, minor, name, department) = random.Pick(kinds);
            var district = random.Pick(DemoRegion.Districts);
            var condition = random.Chance(0.03) ? null : (DemoPopulation.Weighted(random, [85, 9, 3, 3]) + 1).ToString(CultureInfo.InvariantCulture);
            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"{district.RegionCode}{major}{minor}{i + 1:D6}"), major, name, $"{random.Pick(district.Streets)}{random.Pick(DemoRegion.Roads)}{name}",
                random.Chance(0.05) ? null : department, Coordinate(118.05m + random.Next(400_000) / 1_000_000m), Coordinate(26.45m + random.Next(300_000) / 1_000_000m), condition,
                Moment(AsOf.AddDays(-random.Next(7)), random),
            ];
        }
    }

    private IEnumerable<string?[]> Allowances()
    {
        var random = DemoRandom.For(AllowanceCode);
        var count = Size(10_000);
        for (var i = 0; i < count; i++)
        {
            var approvedOn = random.Date(new DateOnly(2015, 1, 1), AsOf);
            var applicant = _population.AgedOn(random, approvedOn, 18, 95);
            if (applicant is null)
            {
                continue;
            }

            var (id, name) = random.Chance(0.02)
                ? (_population.Elsewhere(random, applicant.BirthDate, applicant.Male), DemoRegion.Name(random, applicant.Male))
                : (applicant.IdNumber, applicant.Name);
            var size = DemoPopulation.Weighted(random, [30, 25, 20, 15, 7, 3]) + 1;
            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"DB{applicant.District.RegionCode}{i + 1:D6}"), id, name, size.ToString(CultureInfo.InvariantCulture),
                Number(size * (300m + random.Next(500))), Day(approvedOn), random.Chance(0.03) ? null : random.Pick(applicant.District.Streets),
            ];
        }
    }

    private IEnumerable<string?[]> Adoptions()
    {
        var random = DemoRandom.For(AdoptionCode);
        var count = Size(10_000);
        for (var i = 0; i < count; i++)
        {
            // 民法典第一千零九十三条、第一千零九十八条: the adoptee is a minor, the adopter at least thirty.
            var adoptee = _population.BornBetween(random, AsOf.AddYears(-60), AsOf.AddDays(-30), random.Chance(0.5));
            if (adoptee is null)
            {
                continue;
            }

            var registeredOn = random.Date(adoptee.BirthDate.AddDays(30), Earlier(adoptee.BirthDate.AddYears(14), AsOf));
            var adopter = _population.AgedOn(random, registeredOn, 30, 60);
            if (adopter is null || adopter.Index == adoptee.Index)
            {
                continue;
            }

            yield return
            [
                string.Create(CultureInfo.InvariantCulture, $"SY{registeredOn.Year}{i + 1:D6}"), adopter.IdNumber, adoptee.IdNumber, Day(registeredOn),
            ];
        }
    }

    /// <summary>医疗机构 <paramref name="i"/>: the first eight are the hospitals that issue 出生医学证明 (事业单位, 1-2); then 民办 and 个体.</summary>
    public static string MedicalCreditCode(int i) => i < 8
        ? DemoCity.CreditCodeFor('1', '2', 200_000 + i)
        : DemoCity.CreditCodeFor(i % 3 == 0 ? '5' : '9', '2', 200_000 + i);

    private IEnumerable<string?[]> MedicalInstitutions()
    {
        var random = DemoRandom.For(MedicalCode);
        string[] hospitals = ["示范市第一人民医院", "示范市妇幼保健院", "示范市中医院", "示范市鼓楼区人民医院", "示范市江滨区人民医院", "示范市新港区人民医院", "青山县人民医院", "示范市第二人民医院"];
        int[] hospitalDistricts = [0, 1, 2, 0, 1, 2, 3, 1];
        for (var i = 0; i < _medical; i++)
        {
            var district = DemoRegion.Districts[i < hospitals.Length ? hospitalDistricts[i] : i % DemoRegion.Districts.Count];
            string name, category, grade;
            int? beds;
            if (i < hospitals.Length)
            {
                (name, category, grade, beds) = (hospitals[i], i == 1 ? "妇幼保健院" : i == 2 ? "中医医院" : "综合医院", i < 3 ? "31" : "21", 300 + random.Next(1_200));
            }
            else
            {
                var kind = DemoPopulation.Weighted(random, [4, 3, 10, 40, 25, 18]);
                var street = random.Pick(district.Streets);
                (name, category, grade, beds) = kind switch
                {
                    0 => ($"{DemoRegion.CityName}{district.Name}{street}社区卫生服务中心", "社区卫生服务中心", "99", 20 + random.Next(60)),
                    1 => ($"{district.Name}{street}卫生院", "乡镇卫生院", "11", 10 + random.Next(50)),
                    2 => ($"{DemoRegion.CityName}{district.Name}{random.Pick(DemoRegion.Roads)}口腔门诊部", "门诊部", "99", (int?)null),
                    3 => ($"{DemoRegion.Name(random, random.Chance(0.5))}{(random.Chance(0.5) ? "中医" : "西医")}诊所", "诊所", "99", null),
                    4 => ($"{street}{random.Pick(DemoRegion.Roads)}社区卫生站", "诊所", "99", null),
                    _ => ($"{street}第{random.Next(1, 30)}村卫生室", "村卫生室", "99", null),
                };
            }

            string? email = null;
            if (random.Chance(0.6))
            {
                email = string.Create(CultureInfo.InvariantCulture, $"yl{i + 1:D5}@health.shifan.gov.cn");
                if (random.Chance(0.04))
                {
                    // Filled in on paper and keyed later: a full-width @, a missing domain, a comma for a dot.
                    email = DemoPopulation.Weighted(random, [1, 1, 1]) switch
                    {
                        0 => email.Replace('@', '＠'),
                        1 => email[..email.IndexOf('@', StringComparison.Ordinal)],
                        _ => email.Replace(".gov", ",gov", StringComparison.Ordinal),
                    };
                }
            }

            yield return
            [
                MedicalCreditCode(i), string.Create(CultureInfo.InvariantCulture, $"PDY{40_000_000 + i:D8}{district.RegionCode}17A1001"), name, category,
                category == "诊所" && random.Chance(0.5) ? null : grade, DemoRegion.Address(random, district, flat: false),
                string.Create(CultureInfo.InvariantCulture, $"0599-8{random.Next(1_000_000, 9_999_999)}"), email, beds?.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Moment(DateOnly date, DemoRandom random) =>
        date.ToDateTime(new TimeOnly(random.Next(7, 22), random.Next(60), random.Next(60))).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Coordinate(decimal degrees) => degrees.ToString("0.000000", CultureInfo.InvariantCulture);

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
