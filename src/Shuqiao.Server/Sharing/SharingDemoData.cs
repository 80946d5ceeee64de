using System.Text.Json;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;
using Shuqiao.Storage.Organizations;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary>
/// The demo sharing workflow (demo mode only, once, after the demo catalog): requests between the demo departments in
/// every state a newcomer should see — approved (one after the data authority's co-approval of 核心 fields, one
/// narrowed, one 核验-only), granted at once (无条件共享), rejected, rejected and disputed, under review,
/// submitted, withdrawn — and grants active, suspended and revoked. Every step goes through <see cref="SharingService"/>
/// as the department's demo user, so history, notifications and audit read as the real thing. Overdue escalation is
/// not staged: it happens by itself on a node left running past a reply deadline.
/// </summary>
public sealed partial class SharingDemoData(IServiceScopeFactory scopes, DemoParts demo, TimeProvider clock, ILogger<SharingDemoData> logger) : IStartupTask
{
    private const string LoadedKey = "demo.sharing.loaded";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var world = await DemoWorld.LoadAsync(scope.ServiceProvider, cancellationToken);
        var sharing = scope.ServiceProvider.GetRequiredService<SharingService>();
        var until = clock.GetUtcNow().AddYears(1);

        // 民政局 checks 户籍 for 低保: 公安局 narrows (no address) and approves; 公民身份号码 is 核心, so 数据局 co-approves.
        var dibao = await SubmitAsync(sharing, world, "mzj", "人口基本信息", new(
            Fields: ["idNumber", "name", "sex", "birthDate", "address", "regionCode"],
            Purpose: "最低生活保障待遇资格认定中的户籍状况核查", Scenario: "低保申请审核时核对申请人及家庭成员户籍信息",
            LegalBasis: "《社会救助暂行办法》第十一条", ValidTo: until, DailyQuota: 5000), cancellationToken);
        await ApproveAsync(sharing, world, "gaj", dibao, new(Fields: ["idNumber", "name", "sex", "birthDate", "regionCode"],
            Comment: "户籍地址不属于资格认定的必要信息项，已删减"), cancellationToken);

        // 住建局 verifies marriages for 不动产登记: 核验 only, never the stored values.
        var marriage = await SubmitAsync(sharing, world, "zjj", "婚姻登记信息", new(
            Fields: ["certificateNo", "partyAIdNumber", "partyAName", "partyBIdNumber", "partyBName"],
            Purpose: "不动产登记中的婚姻状况核验", Scenario: "夫妻共有房产登记时核验结婚证信息", LegalBasis: "《不动产登记暂行条例实施细则》第十条",
            ValidTo: until, DailyQuota: 2000, Mode: "VerifyOnly"), cancellationToken);
        await ApproveAsync(sharing, world, "mzj", marriage, new(Comment: "同意以核验方式共享"), cancellationToken);

        // 无条件共享: granted on registration, still bound to its purpose.
        await SubmitAsync(sharing, world, "rsj", "企业登记信息", new(
            Fields: ["creditCode", "name", "status", "establishedOn"], Purpose: "社会保险参保单位登记信息核对",
            Scenario: "新参保单位登记时核对企业登记状态", ValidTo: until), cancellationToken);
        var urban = await SubmitAsync(sharing, world, "cgj", "企业登记信息", new(
            Fields: ["creditCode", "name"], Purpose: "2026年沿街商户门前三包责任书签订", ValidTo: until), cancellationToken);
        await GrantStepAsync(world, "scjg", urban, (caller, actor, id) => sharing.RevokeGrantAsync(id, "专项工作已结束，使用目的已完成", caller, actor, cancellationToken), cancellationToken);

        // 人社局 reads 低保 recipients' ids for 参保 subsidies; 民政局 approves, later suspends while a leak is investigated.
        var subsidy = await SubmitAsync(sharing, world, "rsj", "最低生活保障对象信息", new(
            Fields: ["familyNo", "applicantIdNumber", "applicantName", "subdistrict"], Purpose: "城乡居民养老保险困难群体代缴保费认定",
            LegalBasis: "《关于完善城乡居民基本养老保险筹资和保障机制的指导意见》", ValidTo: until, DailyQuota: 1000), cancellationToken);
        await ApproveAsync(sharing, world, "mzj", subsidy, new(Comment: "同意"), cancellationToken);
        await GrantStepAsync(world, "mzj", subsidy, (caller, actor, id) => sharing.SuspendGrantAsync(id, "接口调用量异常，核查期间暂停", caller, actor, cancellationToken), cancellationToken);

        // 教育局 asks for more than it needs: rejected; it disputes, and the dispute waits for 数据局.
        var school = await SubmitAsync(sharing, world, "jyj", "人口基本信息", new(
            Fields: ["idNumber", "name", "birthDate", "address", "mobile"], Purpose: "义务教育新生入学户籍核验",
            Scenario: "小学一年级新生入学资格审核", ValidTo: until), cancellationToken);
        await StepAsync(world, "gaj", "approver", school, (caller, actor) => sharing.RejectAsync(school, "联系电话不属于入学资格审核的最小必要信息项，请删减后重新申请", caller, actor, cancellationToken));
        await StepAsync(world, "jyj", "steward", school, (caller, actor) => sharing.DisputeAsync(school, "户籍地址和联系电话用于学区划片与家校联系，属于入学审核必需", caller, actor, cancellationToken));

        // Waiting: one just submitted, one under review.
        await SubmitAsync(sharing, world, "wjw", "最低生活保障对象信息", new(
            Fields: ["familyNo", "applicantIdNumber", "applicantName"], Purpose: "困难群众医疗救助对象身份认定", ValidTo: until), cancellationToken);
        var property = await SubmitAsync(sharing, world, "scjg", "不动产登记信息", new(
            Fields: ["certificateNo", "location", "usage"], Purpose: "企业住所（经营场所）登记核验", ValidTo: until), cancellationToken);
        await StepAsync(world, "zjj", "approver", property, (caller, actor) => sharing.StartReviewAsync(property, caller, actor, cancellationToken));

        // A plain rejection, and one withdrawn by its requester. (A request for a 不予共享 resource is refused when submitted,
        // with the legal basis in the answer, and never stored: there is nothing of it to show.)
        var unrelated = await SubmitAsync(sharing, world, "cgj", "婚姻登记信息", new(
            Fields: ["certificateNo", "partyAName", "partyBName"], Purpose: "违法建设当事人家庭情况摸排", ValidTo: until), cancellationToken);
        await StepAsync(world, "mzj", "approver", unrelated, (caller, actor) => sharing.RejectAsync(unrelated, "城市管理执法事项不涉及婚姻状况，无共享依据", caller, actor, cancellationToken));
        var birth = await SubmitAsync(sharing, world, "rsj", "出生医学证明", new(
            Fields: ["certificateNo", "babyName", "bornAt"], Purpose: "生育津贴申领核验", ValidTo: until), cancellationToken);
        await StepAsync(world, "rsj", "steward", birth, (caller, actor) => sharing.WithdrawAsync(birth, "改由生育医疗费用结算数据核验", caller, actor, cancellationToken));

        await demo.MarkLoadedAsync(LoadedKey, new { requests = 10 }, cancellationToken);
        Loaded(logger, 10);
    }

    private static async Task<Guid> SubmitAsync(SharingService sharing, DemoWorld world, string department, string resourceName, SharingRequestBody body, CancellationToken cancellationToken)
    {
        var (caller, actor) = world.As(department, "steward");
        var view = Require(await sharing.SubmitAsync(body with { Resource = world.ResourceCode(resourceName) }, caller, actor, cancellationToken), resourceName);
        return view.Request.Id;
    }

    /// <summary>The provider approves; a request holding 核心 fields then waits for the data authority, which co-approves.</summary>
    private static async Task ApproveAsync(SharingService sharing, DemoWorld world, string provider, Guid id, ApprovalBody body, CancellationToken cancellationToken)
    {
        var (approver, approverActor) = world.As(provider, "approver");
        var view = Require(await sharing.ApproveAsync(id, body, approver, approverActor, cancellationToken), id.ToString());
        if (view.Request.Status == SharingRequestStatus.PendingAuthority)
        {
            var (authority, authorityActor) = world.As("sjj", "admin");
            Require(await sharing.CoApproveAsync(id, "经审核，核心数据项按核验最小必要原则共享", authority, authorityActor, cancellationToken), id.ToString());
        }
    }

    private static async Task StepAsync(DemoWorld world, string department, string role, Guid id, Func<SharingCaller, Actor, Task<Outcome<SharingView>>> step)
    {
        var (caller, actor) = world.As(department, role);
        Require(await step(caller, actor), id.ToString());
    }

    private static async Task GrantStepAsync(DemoWorld world, string provider, Guid requestId, Func<SharingCaller, Actor, Guid, Task<Outcome<StoredGrant>>> step, CancellationToken cancellationToken)
    {
        var (caller, actor) = world.As(provider, "approver");
        var grantId = await world.GrantOfAsync(requestId, cancellationToken) ?? throw new InvalidOperationException($"Demo request {requestId} has no grant.");
        Require(await step(caller, actor, grantId), requestId.ToString());
    }

    private static T Require<T>(Outcome<T> outcome, string what) =>
        outcome.Value ?? throw new InvalidOperationException($"Demo sharing step failed for {what}: {outcome.Failure!.Title} {string.Join("; ", outcome.Failure.Issues.Select(i => $"{i.Field}: {i.Reason}"))}");

    [LoggerMessage(EventId = 9120, Level = LogLevel.Information, Message = "Demo sharing requests loaded: {Count}")]
    private static partial void Loaded(ILogger logger, int count);

    /// <summary>The demo users and resources the story needs, found by login and name (never by fixed ids).</summary>
    private sealed class DemoWorld
    {
        private readonly Dictionary<string, (SharingCaller Caller, Actor Actor)> _callers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _codes = new(StringComparer.Ordinal);
        private SharingService _sharing = null!;

        public static async Task<DemoWorld> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            var users = services.GetRequiredService<UserStore>();
            var organizations = services.GetRequiredService<OrganizationStore>();
            var world = new DemoWorld { _sharing = services.GetRequiredService<SharingService>() };
            foreach (var demoUser in DemoCity.Users())
            {
                if (await users.FindForLoginAsync(demoUser.Login, cancellationToken) is not { } found)
                {
                    continue;
                }

                var user = found.User;
                var organization = await organizations.FindAsync(user.OrganizationId, cancellationToken);
                var roles = demoUser.Roles;
                var caller = new SharingCaller(user.Id, user.OrganizationId, IsClient: false,
                    IsSteward: roles.Contains(Core.Identity.Roles.DataSteward), IsApprover: roles.Contains(Core.Identity.Roles.Approver),
                    IsPlatformAdmin: roles.Contains(Core.Identity.Roles.PlatformAdmin), OrganizationIsAuthority: organization?.IsDataAuthority == true);
                world._callers[demoUser.Login] = (caller, new Actor(ActorKind.User, user.Id, demoUser.Login, user.OrganizationId));
            }

            foreach (var (_, draft) in CatalogDemoData.Resources())
            {
                world._codes[draft.Name!] = draft.Code!;
            }

            return world;
        }

        /// <summary>A department's demo user by login prefix and role: <c>("gaj", "approver")</c> is gaj.approver; the bureau's admin is "admin".</summary>
        public (SharingCaller Caller, Actor Actor) As(string department, string role) =>
            _callers.GetValueOrDefault(department == "sjj" && role == "admin" ? "admin" : $"{department}.{role}") is { Caller: not null } found
                ? found
                : throw new InvalidOperationException($"Demo user {department}.{role} is missing.");

        public string ResourceCode(string name) => _codes[name];

        public async Task<Guid?> GrantOfAsync(Guid requestId, CancellationToken cancellationToken)
        {
            var (caller, _) = As("sjj", "admin");
            return (await _sharing.GetAsync(requestId, caller, cancellationToken))?.GrantId;
        }
    }
}
