using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Organizations;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// Demo electronic licences, after the demo city is loaded (demo mode only, once): four licence types — 营业执照
/// (market), 结婚证 (civil), 出生医学证明 (health), 不动产权证书 (housing) — and licences issued to synthetic
/// holders (ID numbers with the address codes of the demo districts — 3599xx, a prefecture 福建 does not have, see DemoRegion — credit codes in 990100, valid check characters, so no
/// real person or company can match), one of them revoked. The demo "citizen" user is linked to one holder, so the
/// portal shows licences.
/// </summary>
public sealed partial class DemoLicences(
    IServiceScopeFactory scopes,
    DemoParts demo,
    NodeAddress node,
    ILogger<DemoLicences> logger) : IStartupTask
{
    private const string LoadedKey = "demo.licences.loaded";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var licences = services.GetRequiredService<LicenceService>();
        var organizations = services.GetRequiredService<OrganizationService>();
        var baseUrl = node.BaseUrl(null);

        async Task<Guid> Org(string key) =>
            (await organizations.GetByCodeAsync(DemoCity.Organizations().Single(o => o.Key == key).Code, cancellationToken))?.Id
            ?? throw new InvalidOperationException($"The demo organization '{key}' is missing; the demo city must load first.");

        var business = await TypeAsync(licences, await Org("market"), new LicenceTypeRequest("营业执照", "Organization",
        [
            new("companyName", "名称", "Text", true), new("companyType", "类型", "Text", true), new("legalRepresentative", "法定代表人", "Text", true),
            new("registeredCapital", "注册资本（万元）", "Number", false), new("establishedOn", "成立日期", "Date", true), new("address", "住所", "Text", true),
            new("businessScope", "经营范围", "Text", true),
        ], null, new LicenceLayoutRequest("Landscape", "Red", "国家企业信用信息公示系统：示范网址（演示数据）")), cancellationToken);
        var marriage = await TypeAsync(licences, await Org("civil"), new LicenceTypeRequest("结婚证", "Citizen",
        [
            new("spouseName", "配偶姓名", "Text", true), new("spouseId", "配偶公民身份号码", "ResidentId", true),
            new("registeredOn", "登记日期", "Date", true), new("registrationOffice", "登记机关", "Text", true),
        ], null, new LicenceLayoutRequest("Portrait", "Red", null)), cancellationToken);
        var birth = await TypeAsync(licences, await Org("health"), new LicenceTypeRequest("出生医学证明", "Citizen",
        [
            new("sex", "性别", "Text", true), new("bornAt", "出生时间", "Text", true), new("birthplace", "出生地点", "Text", true),
            new("motherName", "母亲姓名", "Text", true), new("fatherName", "父亲姓名", "Text", false), new("institution", "接生机构", "Text", true),
        ], null, new LicenceLayoutRequest("Portrait", "Blue", null)), cancellationToken);
        var property = await TypeAsync(licences, await Org("housing"), new LicenceTypeRequest("不动产权证书", "Citizen",
        [
            new("location", "坐落", "Text", true), new("unitNumber", "不动产单元号", "Text", true), new("rightType", "权利类型", "Text", true),
            new("use", "用途", "Text", true), new("area", "面积（平方米）", "Number", true), new("term", "使用期限", "Text", false),
        ], null, new LicenceLayoutRequest("Portrait", "Brown", null)), cancellationToken);

        var zhangWei = ResidentId.Complete("35990219880312041");
        var liNa = ResidentId.Complete("35990219900725062");
        var baby = ResidentId.Complete("35990320250103015");
        var company = CreditCode.Complete("91990100MA0D01001");
        var closed = CreditCode.Complete("92990102MA0D01002");

        await IssueAsync(licences, business, "示范市数桥科技有限公司", company, new()
        {
            ["companyName"] = "示范市数桥科技有限公司", ["companyType"] = "有限责任公司（自然人投资或控股）", ["legalRepresentative"] = "张伟",
            ["registeredCapital"] = "500", ["establishedOn"] = "2021-03-18", ["address"] = "示范市鼓楼区东街 88 号", ["businessScope"] = "软件开发；信息技术咨询服务",
        }, null, "2021-03-18", baseUrl, cancellationToken);
        var revoked = await IssueAsync(licences, business, "示范市江滨区老街小吃店", closed, new()
        {
            ["companyName"] = "示范市江滨区老街小吃店", ["companyType"] = "个体工商户", ["legalRepresentative"] = "刘强",
            ["establishedOn"] = "2019-07-01", ["address"] = "示范市江滨区老街 12 号", ["businessScope"] = "小吃服务",
        }, null, "2019-07-01", baseUrl, cancellationToken);
        await IssueAsync(licences, marriage, "张伟", zhangWei, new()
        {
            ["spouseName"] = "李娜", ["spouseId"] = liNa, ["registeredOn"] = "2015-05-20", ["registrationOffice"] = "示范市民政局婚姻登记处",
        }, "J990100-2015-000520", "2015-05-20", baseUrl, cancellationToken);
        await IssueAsync(licences, marriage, "李娜", liNa, new()
        {
            ["spouseName"] = "张伟", ["spouseId"] = zhangWei, ["registeredOn"] = "2015-05-20", ["registrationOffice"] = "示范市民政局婚姻登记处",
        }, "J990100-2015-000521", "2015-05-20", baseUrl, cancellationToken);
        await IssueAsync(licences, birth, "张小满", baby, new()
        {
            ["sex"] = "女", ["bornAt"] = "2025年1月3日 8时16分", ["birthplace"] = "示范市鼓楼区", ["motherName"] = "李娜", ["fatherName"] = "张伟",
            ["institution"] = "示范市第一人民医院",
        }, "Y990100250001", "2025-01-03", baseUrl, cancellationToken);
        await IssueAsync(licences, property, "张伟", zhangWei, new()
        {
            ["location"] = "示范市鼓楼区三坊路 6 号 2 幢 1502 室", ["unitNumber"] = "990102001001GB00001F00021502", ["rightType"] = "国有建设用地使用权/房屋所有权",
            ["use"] = "城镇住宅用地/住宅", ["area"] = "98.56", ["term"] = "2016年3月1日起2086年2月28日止",
        }, "示范（2016）示范市不动产权第0001502号", "2016-03-01", baseUrl, cancellationToken);

        await licences.RevokeAsync(revoked.Id, "个体工商户已申请注销登记（演示数据）", LicenceScope.All, DemoParts.Actor, cancellationToken);

        // The demo citizen sees 张伟's licences in the portal.
        if (await services.GetRequiredService<UserStore>().FindForLoginAsync("citizen", cancellationToken) is { } citizen)
        {
            await services.GetRequiredService<HolderService>().LinkAsync(citizen.User.Id, new HolderLinkRequest("Citizen", zhangWei), DemoParts.Actor, cancellationToken);
        }

        await demo.MarkLoadedAsync(LoadedKey, new { baseUrl }, cancellationToken);
        LogLoaded(logger, baseUrl);
    }

    private static async Task<LicenceType> TypeAsync(LicenceService service, Guid organizationId, LicenceTypeRequest request, CancellationToken cancellationToken)
    {
        var existing = (await service.ListTypesAsync(new LicenceScope(organizationId), null, cancellationToken)).FirstOrDefault(t => t.Type.Name == request.Name);
        if (existing is not null)
        {
            return existing.Type;
        }

        var created = await service.CreateTypeAsync(request, LicenceScope.All, organizationId, DemoParts.Actor, cancellationToken);
        return created.Value ?? throw new InvalidOperationException($"The demo licence type {request.Name} could not be created: {created.Failure}");
    }

    private static async Task<Licence> IssueAsync(
        LicenceService service, LicenceType type, string holderName, string holderCode, Dictionary<string, string?> claims, string? number, string validFrom, string baseUrl, CancellationToken cancellationToken)
    {
        var issued = await service.IssueAsync(new IssueLicenceRequest(type.Code, holderName, holderCode, claims, number, validFrom), LicenceScope.All, baseUrl, DemoParts.Actor, cancellationToken);
        return issued.Value ?? throw new InvalidOperationException($"The demo licence {type.Name} for {holderName} could not be issued: {issued.Failure}");
    }

    [LoggerMessage(EventId = 2630, Level = LogLevel.Information, Message = "Loaded the demo licences (status lists served under {BaseUrl})")]
    private static partial void LogLoaded(ILogger logger, string baseUrl);
}
