using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Catalog;

/// <summary>
/// The demo catalog of 示范市: eleven resources of the demo departments, described, published and (企业登记) evolved
/// through <see cref="CatalogService"/>, once per database, in demo mode only. Runs after <see cref="DemoDataSeeder"/>
/// and finds the departments by their credit codes (<see cref="DemoCity"/>). No records: ingestion loads them.
/// </summary>
public sealed class CatalogDemoData(
    IServiceScopeFactory scopes,
    DemoParts demo,
    ILogger<CatalogDemoData> logger) : IStartupTask
{
    private const string LoadedKey = "demo.catalog.loaded";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        var organizations = scope.ServiceProvider.GetRequiredService<OrganizationStore>();
        var providers = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var org in DemoCity.Organizations())
        {
            if (await organizations.FindByCodeAsync(org.Code, cancellationToken) is { } found)
            {
                providers[org.Key] = found.Id;
            }
        }

        var count = 0;
        foreach (var (key, draft) in Resources())
        {
            // A load interrupted half-way is completed: every resource is looked up by its code first.
            var resource = await catalog.GetAsync(draft.Code!, CatalogAccess.System, cancellationToken)
                ?? Require(await catalog.CreateAsync(draft with { ProviderId = providers[key] }, CatalogAccess.System, DemoParts.Actor, cancellationToken), draft.Name!);
            if (resource.Status == ResourceStatus.Draft)
            {
                resource = Require(await catalog.PublishAsync(resource.Code.Value, CatalogAccess.System, DemoParts.Actor, cancellationToken), draft.Name!);
            }

            if (key == "market" && resource.Version == SchemaVersion.First)
            {
                // 企业登记 gains 经营范围: an additive change, published as version 1.1 beside 1.0.
                var evolved = draft with { ProviderId = null, Fields = [.. draft.Fields!, Text("businessScope", "经营范围", 2000)], Revision = resource.Revision };
                Require(await catalog.UpdateAsync(resource.Code.Value, evolved, CatalogAccess.System, DemoParts.Actor, cancellationToken), draft.Name!);
            }

            count++;
        }

        await demo.MarkLoadedAsync(LoadedKey, new { resources = count }, cancellationToken);
        CatalogLog.DemoLoaded(logger, count);
    }

    /// <summary>The demo resources by the key of their provider in <see cref="DemoCity"/>.</summary>
    public static IReadOnlyList<(string Provider, ResourceDraft Draft)> Resources() =>
    [
        ("police", new ResourceDraft(
            Code: "101001000/000001",
            Name: "人口基本信息",
            Summary: "示范市户籍人口的基本信息：公民身份号码、姓名、性别、民族、出生日期、户籍地址和联系电话，由公安户籍管理系统每日同步。用于政务服务事项办理中的身份核验和人口统计分析。",
            SharingType: "有条件共享",
            SharingConditions: "用于政务服务事项办理中的身份核验、社会保障待遇资格认证等法定职责；按最小必要原则申请信息项，身份核验场景优先使用核验（比对）方式。",
            OpenType: "不予开放",
            UpdateFrequency: "每日",
            Keywords: ["人口", "户籍", "身份核验"],
            Contact: new ContactDraft("示范市公安局人口管理支队", "rkzd@police.shifan.gov.cn", "0599-87000110"),
            ExpectedRecordCount: 2_860_000,
            Fields:
            [
                IdNumber("idNumber", "公民身份号码", key: true, classification: "Core"),
                PersonName("name", "姓名", required: true),
                Sex(),
                new FieldDraft("ethnicity", "民族", Type: "string", Classification: "Important", PersonalInfo: "Sensitive",
                    Description: "GB/T 3304 民族代码：01 汉族 … 56 基诺族，97 其他，98 外国血统",
                    Validators: [new ValidatorDraft("regex", Pattern: "0[1-9]|[1-4][0-9]|5[0-6]|9[78]")], Masking: new MaskingDraft("Redact")),
                BirthDate("birthDate", "出生日期"),
                Address("address", "户籍地址", RegionLevel.County),
                new FieldDraft("regionCode", "户籍地行政区划代码", Type: "string", Required: true, Classification: "General", PersonalInfo: "None",
                    Description: "GB/T 2260 县级行政区划代码", Validators: [new ValidatorDraft("regex", Pattern: @"\d{6}")]),
                new FieldDraft("mobile", "联系电话", Type: "string", Classification: "Important", PersonalInfo: "Personal",
                    Validators: [new ValidatorDraft("mobile")], OnInvalid: "Warn", Masking: new MaskingDraft("KeepFirstLast", 3, 4)),
                UpdatedAt(),
            ])),
        ("civil", new ResourceDraft(
            Code: "101002000/000001",
            Name: "婚姻登记信息",
            Summary: "示范市各级婚姻登记机关办理的结婚登记、离婚登记和补领婚姻登记证信息，含双方当事人身份信息与登记机关。",
            SharingType: "有条件共享",
            SharingConditions: "用于不动产登记、公积金提取、户籍办理等事项中的婚姻状况核验；须说明办理事项并经民政局审批。",
            OpenType: "不予开放",
            UpdateFrequency: "每日",
            Keywords: ["婚姻", "结婚", "离婚"],
            Fields:
            [
                new FieldDraft("certificateNo", "婚姻登记证字号", Type: "string", Key: true, Classification: "Important", PersonalInfo: "Personal",
                    Description: "J 结婚证、L 离婚证，登记机关代码-年度-顺序号", Validators: [new ValidatorDraft("regex", Pattern: @"[JL]\d{6}-\d{4}-\d{6}")]),
                new FieldDraft("registrationType", "登记类型", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [CodeList(null, ("IA", "结婚登记"), ("IB", "离婚登记"), ("ICA", "补领结婚证"), ("ICB", "补领离婚证"))]),
                new FieldDraft("registeredOn", "登记日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "Personal"),
                IdNumber("partyAIdNumber", "男方公民身份号码", reference: true),
                PersonName("partyAName", "男方姓名", required: true),
                IdNumber("partyBIdNumber", "女方公民身份号码", reference: true),
                PersonName("partyBName", "女方姓名", required: true),
                Text("registryOffice", "登记机关", 100),
            ])),
        ("market", new ResourceDraft(
            Code: "102001000/000001",
            Name: "企业登记信息",
            Summary: "示范市登记的企业（含分支机构）的登记信息：统一社会信用代码、企业名称、法定代表人、注册资本、成立日期、登记状态和住所。",
            SharingType: "无条件共享",
            OpenType: "无条件开放",
            UpdateFrequency: "每日",
            Keywords: ["企业", "市场主体", "营业执照", "法人"],
            Contact: new ContactDraft("示范市市场监督管理局登记注册处", "djzc@amr.shifan.gov.cn", null),
            Fields:
            [
                // Codes from the former registration system include some with wrong check characters: findings, not rejections.
                new FieldDraft("creditCode", "统一社会信用代码", Type: "string", Key: true, Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("cnCreditCode")], OnInvalid: "Warn"),
                Text("name", "企业名称", 200, required: true),
                PersonName("legalRepresentative", "法定代表人", required: true),
                IdNumber("legalRepresentativeId", "法定代表人身份证号", reference: true, masking: new MaskingDraft("Redact")),
                new FieldDraft("registeredCapital", "注册资本（万元）", Type: "decimal", Precision: 18, Scale: 6, Classification: "General", PersonalInfo: "None",
                    Validators: [Range("0", null)]),
                new FieldDraft("establishedOn", "成立日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "None"),
                new FieldDraft("status", "登记状态", Type: "string", Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [CodeList(null, ("1", "存续（在营、开业、在册）"), ("2", "吊销"), ("3", "注销"), ("4", "迁出"))]),
                Text("address", "住所", 200),
            ])),
        ("hrss", new ResourceDraft(
            Code: "203001000/000001",
            Name: "社会保险参保信息",
            Summary: "示范市参保人员的险种参保信息：参保险种、参保状态、参保单位、参保日期和缴费基数，按月更新。",
            SharingType: "有条件共享",
            SharingConditions: "用于就业、救助、人才等政策的资格审核；缴费基数仅在核验场景提供区间值。",
            OpenType: "不予开放",
            UpdateFrequency: "每月",
            Keywords: ["社保", "参保", "养老保险", "医疗保险"],
            ExpectedRecordCount: 4_100_000,
            Fields:
            [
                IdNumber("idNumber", "公民身份号码", key: true, reference: true),
                PersonName("name", "姓名", required: true),
                new FieldDraft("insuranceType", "险种类型", Type: "string", Key: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [CodeList("人力资源社会保障部 险种类型代码", ("110", "企业职工基本养老保险"), ("120", "机关事业单位养老保险"), ("170", "城乡居民基本养老保险"),
                        ("210", "失业保险"), ("310", "职工基本医疗保险"), ("390", "城乡居民基本医疗保险"), ("410", "工伤保险"), ("510", "生育保险"))]),
                new FieldDraft("status", "参保状态", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [CodeList(null, ("1", "参保缴费"), ("2", "暂停缴费"), ("3", "终止参保"))]),
                new FieldDraft("employerCreditCode", "参保单位统一社会信用代码", Type: "string", Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("cnCreditCode")], References: [new ReferenceDraft("102001000/000001", "creditCode")]),
                new FieldDraft("insuredOn", "参保日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "Personal"),
                new FieldDraft("contributionBase", "缴费基数（元）", Type: "decimal", Precision: 12, Scale: 2, Classification: "Important", PersonalInfo: "Sensitive",
                    Validators: [Range("0", null)], Masking: new MaskingDraft("NumberRange", Step: 1000)),
            ])),
        ("housing", new ResourceDraft(
            Code: "103001000/000001",
            Name: "不动产登记信息",
            Summary: "示范市不动产权登记信息：不动产权证书号、不动产单元号、权利人、坐落、面积、用途和权利类型。",
            SharingType: "有条件共享",
            SharingConditions: "用于住房保障、公积金、税收征管和司法查询；按不动产登记资料查询办法，限于本部门职责范围内的权利人。",
            OpenType: "不予开放",
            UpdateFrequency: "每日",
            Keywords: ["不动产", "房产", "产权"],
            Fields:
            [
                Text("certificateNo", "不动产权证书号", 60, key: true),
                new FieldDraft("unitNo", "不动产单元号", Type: "string", Required: true, Classification: "Important", PersonalInfo: "None",
                    Description: "GB/T 37346 不动产单元代码，28 位", Validators: [new ValidatorDraft("regex", Pattern: @"\d{12}[A-Z]{2}\d{5}[A-Z]\d{8}")]),
                PersonName("ownerName", "权利人", required: true),
                new FieldDraft("ownerIdNumber", "权利人证件号码", Type: "string", Required: true, Classification: "Important", PersonalInfo: "Sensitive",
                    Validators: [Length(1, 30)], Masking: new MaskingDraft("KeepFirstLast", 4, 4)),
                Address("location", "坐落", RegionLevel.Town),
                new FieldDraft("area", "建筑面积（平方米）", Type: "decimal", Precision: 12, Scale: 2, Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [Range("0.01", null)]),
                Text("usage", "用途", 50),
                Text("rightType", "权利类型", 50),
                new FieldDraft("registeredOn", "登记日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "None"),
            ])),
        ("education", new ResourceDraft(
            Code: "201001000/000001",
            Name: "中小学学籍信息",
            Summary: "示范市中小学在籍学生的学籍信息：全国学籍号、学生姓名、身份证号、就读学校、年级、入学日期和学籍状态。",
            SharingType: "有条件共享",
            SharingConditions: "用于义务教育入学、资助和户籍等事项的学籍核验；学生为未成年人，仅限核验方式使用身份信息。",
            OpenType: "不予开放",
            UpdateFrequency: "每季度",
            Keywords: ["学籍", "学生", "教育"],
            Fields:
            [
                new FieldDraft("studentNo", "全国学籍号", Type: "string", Key: true, Classification: "Important", PersonalInfo: "Sensitive",
                    Description: "G + 公民身份号码；无身份证号的学生为 L 开头的临时学籍号", Validators: [new ValidatorDraft("regex", Pattern: @"[GL]\d{17}[0-9X]")],
                    Masking: new MaskingDraft("Pseudonym")),
                PersonName("name", "学生姓名", required: true),
                IdNumber("idNumber", "公民身份号码", reference: true),
                Text("school", "就读学校", 100, required: true),
                new FieldDraft("schoolCode", "学校标识码", Type: "string", Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("regex", Pattern: @"\d{10}")]),
                new FieldDraft("grade", "年级", Type: "integer", Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [CodeList(null, ("11", "一年级"), ("12", "二年级"), ("13", "三年级"), ("14", "四年级"), ("15", "五年级"), ("16", "六年级"),
                        ("21", "初一"), ("22", "初二"), ("23", "初三"), ("31", "高一"), ("32", "高二"), ("33", "高三"))]),
                new FieldDraft("enrolledOn", "入学日期", Type: "date", Classification: "General", PersonalInfo: "Personal"),
                new FieldDraft("status", "学籍状态", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [CodeList(null, ("1", "在籍"), ("2", "休学"), ("3", "转出"), ("4", "毕业"))]),
            ])),
        ("health", new ResourceDraft(
            Code: "105001000/000001",
            Name: "出生医学证明",
            Summary: "示范市助产机构签发的出生医学证明信息：证明编号、新生儿姓名、性别、出生时间、出生体重、父母身份信息和签发机构。",
            SharingType: "有条件共享",
            SharingConditions: "用于出生登记（户口登记）、医保参保和“出生一件事”联办；须经卫生健康委审批。",
            OpenType: "不予开放",
            UpdateFrequency: "每日",
            Keywords: ["出生", "新生儿", "电子证照"],
            Fields:
            [
                new FieldDraft("certificateNo", "出生医学证明编号", Type: "string", Key: true, Classification: "Important", PersonalInfo: "Personal",
                    Validators: [new ValidatorDraft("regex", Pattern: @"[A-Z]\d{9}")]),
                PersonName("babyName", "新生儿姓名", required: false),
                Sex(),
                new FieldDraft("bornAt", "出生时间", Type: "datetime", Required: true, Classification: "Important", PersonalInfo: "Sensitive",
                    Masking: new MaskingDraft("DateToYear")),
                new FieldDraft("birthWeight", "出生体重（克）", Type: "integer", Classification: "Important", PersonalInfo: "Sensitive",
                    Validators: [Range("300", "8000")], OnInvalid: "Warn", Masking: new MaskingDraft("NumberRange", Step: 500)),
                PersonName("motherName", "母亲姓名", required: true),
                IdNumber("motherIdNumber", "母亲公民身份号码", reference: true),
                PersonName("fatherName", "父亲姓名", required: false),
                IdNumber("fatherIdNumber", "父亲公民身份号码", required: false, reference: true),
                new FieldDraft("issuerCreditCode", "签发机构统一社会信用代码", Type: "string", Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("cnCreditCode")]),
            ])),
        ("urban", new ResourceDraft(
            Code: "209001000/000001",
            Name: "城市管理部件信息",
            Summary: "示范市城市管理部件普查数据：部件标识码、大类、小类、名称、主管部门、经纬度和状态，随网格巡查每周更新。",
            SharingType: "无条件共享",
            OpenType: "无条件开放",
            UpdateFrequency: "每周",
            Keywords: ["城管", "部件", "网格化管理", "一网统管"],
            Fields:
            [
                new FieldDraft("componentId", "部件标识码", Type: "string", Key: true, Classification: "General", PersonalInfo: "None",
                    Description: "GB/T 30428.2：行政区划代码 + 大类 + 小类 + 流水号", Validators: [new ValidatorDraft("regex", Pattern: @"\d{16}")]),
                new FieldDraft("majorCategory", "部件大类", Type: "string", Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [CodeList("GB/T 30428.2", ("01", "公用设施"), ("02", "交通设施"), ("03", "市容环境"), ("04", "园林绿化"), ("05", "房屋土地"), ("06", "其他设施"))]),
                Text("minorCategory", "部件小类", 50, required: true),
                Text("name", "部件名称", 100, required: true),
                Text("department", "主管部门", 100),
                new FieldDraft("longitude", "经度", Type: "decimal", Precision: 10, Scale: 6, Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [Range("73", "136")]),
                new FieldDraft("latitude", "纬度", Type: "decimal", Precision: 9, Scale: 6, Required: true, Classification: "General", PersonalInfo: "None",
                    Validators: [Range("3", "54")]),
                new FieldDraft("condition", "部件状态", Type: "string", Classification: "General", PersonalInfo: "None",
                    Validators: [CodeList(null, ("1", "完好"), ("2", "破损"), ("3", "丢失"), ("4", "占用"))]),
                UpdatedAt(),
            ])),
        ("civil", new ResourceDraft(
            Code: "203002000/000001",
            Name: "最低生活保障对象信息",
            Summary: "示范市城乡最低生活保障家庭及其申请人的救助信息：家庭编号、申请人、家庭人口数、月保障金额、批准日期和所在街道（乡镇）。",
            SharingType: "有条件共享",
            SharingConditions: "用于教育资助、医疗救助、住房保障等救助政策的对象认定；不得用于其他目的。",
            OpenType: "不予开放",
            UpdateFrequency: "每月",
            Keywords: ["低保", "社会救助", "困难群众"],
            Fields:
            [
                Text("familyNo", "低保家庭编号", 30, key: true),
                IdNumber("applicantIdNumber", "申请人公民身份号码", reference: true),
                PersonName("applicantName", "申请人姓名", required: true),
                new FieldDraft("familySize", "家庭人口数", Type: "integer", Required: true, Classification: "General", PersonalInfo: "Personal",
                    Validators: [Range("1", "20")]),
                new FieldDraft("monthlyAllowance", "月保障金额（元）", Type: "decimal", Precision: 10, Scale: 2, Required: true, Classification: "Important", PersonalInfo: "Sensitive",
                    Validators: [Range("0", null)], Masking: new MaskingDraft("NumberRange", Step: 100)),
                new FieldDraft("approvedOn", "批准日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "Personal"),
                Text("subdistrict", "所在街道（乡镇）", 50),
            ])),
        ("civil", new ResourceDraft(
            Code: "101003000/000001",
            Name: "收养登记信息",
            Summary: "示范市收养登记机关办理的收养登记信息：收养登记证字号、收养人、被收养人和登记日期。",
            SharingType: "不予共享",
            LegalBasis: "《中华人民共和国民法典》第一千一百一十条：收养人、送养人要求保守收养秘密的，其他人应当尊重其意愿，不得泄露。",
            OpenType: "不予开放",
            UpdateFrequency: "不定期",
            Keywords: ["收养"],
            Fields:
            [
                Text("certificateNo", "收养登记证字号", 30, key: true),
                IdNumber("adopterIdNumber", "收养人公民身份号码", classification: "Core"),
                IdNumber("adopteeIdNumber", "被收养人公民身份号码", classification: "Core"),
                new FieldDraft("registeredOn", "登记日期", Type: "date", Required: true, Classification: "General", PersonalInfo: "Sensitive",
                    Masking: new MaskingDraft("DateToYear")),
            ])),
        ("health", new ResourceDraft(
            Code: "202001000/000001",
            Name: "医疗机构执业登记信息",
            Summary: "示范市医疗机构的执业登记信息：统一社会信用代码、执业许可证登记号、机构名称、类别、等级、地址、联系方式和核定床位数。",
            SharingType: "无条件共享",
            OpenType: "无条件开放",
            UpdateFrequency: "每月",
            Keywords: ["医疗机构", "医院", "卫生"],
            Fields:
            [
                new FieldDraft("creditCode", "统一社会信用代码", Type: "string", Key: true, Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("cnCreditCode")]),
                Text("licenseNo", "执业许可证登记号", 40, required: true),
                Text("name", "机构名称", 200, required: true),
                Text("category", "机构类别", 50, required: true),
                new FieldDraft("grade", "医院等级", Type: "string", Classification: "General", PersonalInfo: "None",
                    Validators: [CodeList(null, ("31", "三级甲等"), ("32", "三级乙等"), ("21", "二级甲等"), ("22", "二级乙等"), ("11", "一级甲等"), ("99", "未评等级"))]),
                Text("address", "地址", 200),
                new FieldDraft("phone", "联系电话", Type: "string", Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("regex", Pattern: @"0\d{2,3}-?\d{7,8}|1[3-9]\d{9}")]),
                new FieldDraft("email", "电子邮箱", Type: "string", Classification: "General", PersonalInfo: "None",
                    Validators: [new ValidatorDraft("email")], OnInvalid: "Warn"),
                new FieldDraft("beds", "核定床位数", Type: "integer", Classification: "General", PersonalInfo: "None", Validators: [Range("0", null)]),
            ])),
    ];

    private static FieldDraft IdNumber(string name, string label, bool key = false, bool required = true, bool reference = false, string classification = "Important", MaskingDraft? masking = null) =>
        new(name, label, Type: "string", Required: key || required, Key: key, Classification: classification, PersonalInfo: "Sensitive",
            Validators: [new ValidatorDraft("cnResidentId")], Masking: masking ?? new MaskingDraft("KeepFirstLast", 6, 4),
            References: reference ? [new ReferenceDraft("101001000/000001", "idNumber")] : null);

    private static FieldDraft PersonName(string name, string label, bool required) =>
        new(name, label, Type: "string", Required: required, Classification: "Important", PersonalInfo: "Personal",
            Validators: [Length(1, 50)], Masking: new MaskingDraft("KeepFirstLast", 1, 0));

    private static FieldDraft Sex() =>
        new("sex", "性别", Type: "string", Required: true, Classification: "General", PersonalInfo: "Personal",
            Validators: [CodeList("GB/T 2261.1-2003", ("0", "未知的性别"), ("1", "男性"), ("2", "女性"), ("9", "未说明的性别"))]);

    private static FieldDraft BirthDate(string name, string label) =>
        new(name, label, Type: "date", Required: true, Classification: "Important", PersonalInfo: "Personal",
            Validators: [Range("1900-01-01", null)], Masking: new MaskingDraft("DateToYear"));

    private static FieldDraft Address(string name, string label, RegionLevel level) =>
        new(name, label, Type: "string", Classification: "Important", PersonalInfo: "Personal",
            Validators: [Length(null, 200)], Masking: new MaskingDraft("RegionTruncate", Level: level.ToString()));

    private static FieldDraft Text(string name, string label, int max, bool required = false, bool key = false) =>
        new(name, label, Type: "string", Required: required || key, Key: key, Classification: "General", PersonalInfo: "None", Validators: [Length(null, max)]);

    private static FieldDraft UpdatedAt() =>
        new("updatedAt", "更新时间", Type: "datetime", Classification: "General", PersonalInfo: "None");

    private static ValidatorDraft Length(int? min, int? max) =>
        new("length", min is null ? null : JsonSerializer.SerializeToElement(min.Value), max is null ? null : JsonSerializer.SerializeToElement(max.Value));

    private static ValidatorDraft Range(string? min, string? max) =>
        new("range", min is null ? null : JsonSerializer.SerializeToElement(min), max is null ? null : JsonSerializer.SerializeToElement(max));

    private static ValidatorDraft CodeList(string? source, params (string Code, string Label)[] codes) =>
        new("codeList", Codes: codes.Select(c => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["code"] = c.Code, ["label"] = c.Label })).ToList(), Source: source);

    private static T Require<T>(Outcome<T> outcome, string what) =>
        outcome.Value ?? throw new InvalidOperationException($"The demo catalog could not load {what}: {outcome.Failure!.Title} {string.Join("; ", outcome.Failure.Issues)}");
}
