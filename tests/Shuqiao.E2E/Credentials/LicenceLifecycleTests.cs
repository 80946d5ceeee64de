using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.E2E.Pages;
using Shuqiao.Server.Credentials;
using Shuqiao.Testing;

namespace Shuqiao.E2E.Credentials;

[Collection(ConsoleTests.Name)]
public sealed class LicenceLifecycleTests(ConsoleSite site)
{
    private const string Password = "E2e-Licence-Horse-9";

    [Fact]
    public async Task A_clerk_issues_a_business_licence_prints_it_the_verify_page_accepts_it_and_rejects_it_as_revoked_after_revocation()
    {
        var market = await TestData.InsertOrganizationAsync(site.Server.ConnectionString, "示范市市场监督管理局", OrganizationLevel.City);
        var clerk = await site.Server.CreateUserAsync(market, "e2e-lic-" + Guid.NewGuid().ToString("N")[..6], Password, Roles.DataSteward);
        await site.Server.WithScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<LicenceService>().CreateTypeAsync(new LicenceTypeRequest(
                "营业执照", "Organization",
                [
                    new LicenceFieldRequest("companyName", "名称", "Text", true),
                    new LicenceFieldRequest("legalRepresentative", "法定代表人", "Text", true),
                    new LicenceFieldRequest("establishedOn", "成立日期", "Date", true),
                ],
                null, new LicenceLayoutRequest("Landscape", "Red", null)), LicenceScope.All, market, Actor.System("e2e"), CancellationToken.None);
            return created.Value ?? throw new InvalidOperationException(created.Failure!.ToString());
        });

        await using var clerkTab = await site.AnonymousTabAsync();
        await (await new LoginPage(clerkTab.Page, site).OpenAsync()).SignInAsync(clerk.Login, Password);
        var issue = await new IssueLicencePage(clerkTab.Page, site).OpenAsync();
        await issue.ChooseTypeAsync("营业执照（示范市市场监督管理局）");
        var holderCode = CreditCode.Complete("91990100" + "MA" + Guid.NewGuid().ToString("N")[..7].ToUpperInvariant().Replace('I', '1').Replace('O', '0').Replace('S', '5').Replace('V', '4').Replace('Z', '2'));
        await issue.FillAsync("持证主体", "示范市数桥科技有限公司");
        await issue.FillAsync("持证主体代码", holderCode);
        await issue.FillAsync("名称", "示范市数桥科技有限公司");
        await issue.FillAsync("法定代表人", "王伟");
        await issue.FillAsync("成立日期", "2020-05-01");
        await issue.ScreenshotAsync("licence-issue-form");
        var details = await issue.IssueAsync();
        await Expect(details.Status).ToContainTextAsync("营业执照");
        await Expect(details.Status).ToContainTextAsync("有效");

        var print = await details.OpenPrintAsync();
        await Expect(print.GetByRole(AriaRole.Img, new() { Name = "核验二维码" })).ToBeVisibleAsync();
        await Expect(print.GetByRole(AriaRole.Heading, new() { Name = "营业执照" })).ToBeVisibleAsync();
        await print.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(site.ScreenshotDirectory, "licence-print.png"), FullPage = true });
        var verifyUrl = await print.Locator("figcaption .mono").InnerTextAsync();
        Assert.Matches(new Regex("/verify\\?credential=[0-9a-f-]{36}$"), verifyUrl);

        await using var counterTab = await site.AnonymousTabAsync();
        var verify = new VerifyPage(counterTab.Page, site);
        await counterTab.Page.GotoAsync(new Uri(verifyUrl).PathAndQuery);
        await Expect(verify.Verdict).ToHaveTextAsync(new Regex("有效：证照真实且在有效状态"));
        await verify.ScreenshotAsync("licence-verify-valid");

        await details.RevokeAsync("以欺骗手段取得登记");
        await Expect(details.Status).ToContainTextAsync("已注销");

        await counterTab.Page.ReloadAsync();
        await Expect(verify.Verdict).ToHaveTextAsync(new Regex("无效"));
        await Expect(verify.Reason).ToHaveTextAsync("已注销");
        await verify.ScreenshotAsync("licence-verify-revoked");
    }
}
