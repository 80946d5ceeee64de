using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

/// <summary>The console, print, verify and portal pages over the same services as the API.</summary>
public sealed class LicencePageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task A_steward_issues_in_the_console_prints_it_and_the_verify_page_accepts_then_rejects_it_once_revoked()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var steward = await server.CreateUserAsync(fixture.OrganizationId, "lic-" + Guid.NewGuid().ToString("N")[..8], Password, Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, steward.Login, Password);
        var page = $"/console/licences/issue?TypeId={fixture.TypeId}";

        var issued = await browser.PostFormAsync(page, page,
        [
            new("HolderName", "示范市数桥科技有限公司"), new("HolderCode", LicenceFixture.NewCompanyCode()),
            new("Claims[companyName]", "示范市数桥科技有限公司"), new("Claims[legalRepresentative]", "王伟"), new("Claims[establishedOn]", "2020-05-01"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var details = issued.Headers.Location!.OriginalString;
        var id = details.Split('/')[^1];
        Assert.Contains("1.2.156.3005.2.", await browser.GetStringAsync(details), StringComparison.Ordinal);

        var print = await browser.GetStringAsync($"/licences/{id}/print");
        Assert.Contains("data:image/png;base64,", print, StringComparison.Ordinal);
        Assert.Contains($"/verify?credential={id}", print, StringComparison.Ordinal);

        var anonymous = server.CreateClient();
        var valid = await anonymous.GetStringAsync($"/verify?credential={id}");
        Assert.Contains("有效：证照真实且在有效状态", valid, StringComparison.Ordinal);

        var revoked = await browser.PostFormAsync(details, details + "?handler=revoke", [new("Reason", "以欺骗手段取得登记")]);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        var invalid = await anonymous.GetStringAsync($"/verify?credential={id}");
        Assert.Contains("id=\"verdict-reason\">已注销", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issue_form_shows_each_problem_in_chinese_and_keeps_what_was_typed()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var steward = await server.CreateUserAsync(fixture.OrganizationId, "lic-" + Guid.NewGuid().ToString("N")[..8], Password, Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, steward.Login, Password);
        var page = $"/console/licences/issue?TypeId={fixture.TypeId}";

        var response = await browser.PostFormAsync(page, page, [new("HolderName", "某公司"), new("HolderCode", "91350100MA2YXK5D01")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("不是有效的统一社会信用代码", html, StringComparison.Ordinal);
        Assert.Contains("（法定代表人）必填", html, StringComparison.Ordinal);
        Assert.Contains("value=\"某公司\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pasting_garbage_into_the_verify_page_gives_a_reasoned_rejection()
    {
        var browser = new ConsoleBrowser(server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true }));

        var response = await browser.PostFormAsync("/verify", "/verify", [new("Credential", "{ this is not json")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("无法解析（不是 JSON 或 JWT）", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_linked_citizen_sees_only_their_own_licences_and_who_verified_them()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var companyCode = LicenceFixture.NewCompanyCode();
        var mine = await fixture.IssueAsync("示范市青山茶叶有限公司", companyCode);
        var theirs = await fixture.IssueAsync("示范市别家有限公司");
        await fixture.VerifyAsync(await fixture.CredentialAsync(mine));

        var community = await TestData.InsertOrganizationAsync(server.ConnectionString, "三坊社区", OrganizationLevel.City);
        var citizen = await server.CreateUserAsync(community, "citizen-" + Guid.NewGuid().ToString("N")[..8], Password, Roles.Citizen);
        var admin = await server.ApiAsUserAsync(community, Roles.PlatformAdmin);
        var link = await admin.PutAsJsonAsync($"/api/v1/licence-holders/{citizen.Id}", new { holderKind = "Organization", holderCode = companyCode });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);

        var browser = new ConsoleBrowser(server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var login = await browser.PostFormAsync("/portal/login", "/portal/login", [new("LoginName", citizen.Login), new("Password", Password)]);
        Assert.Equal("/portal", login.Headers.Location?.OriginalString);

        var portal = await browser.GetStringAsync("/portal");
        Assert.Contains($"/portal/licences/{mine["id"]}", portal, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs["id"]!.ToString(), portal, StringComparison.Ordinal);
        Assert.Contains("匿名核验方", portal, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/portal/licences/{mine["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/licences/{mine["id"]}/print")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/portal/licences/{theirs["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/licences/{theirs["id"]}/print")).StatusCode);
        var download = await browser.GetAsync($"/portal/licences/{mine["id"]}?handler=download&format=json");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(companyCode, JsonNode.Parse(await download.Content.ReadAsStringAsync())!["credentialSubject"]!["holderCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unlinked_citizen_is_told_how_to_link_and_anonymous_visitors_go_to_the_portal_sign_in()
    {
        var community = await TestData.InsertOrganizationAsync(server.ConnectionString, "三坊社区", OrganizationLevel.City);
        var citizen = await server.CreateUserAsync(community, "citizen-" + Guid.NewGuid().ToString("N")[..8], Password, Roles.Citizen);

        var anonymous = await server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/portal");
        Assert.Equal("/portal/login", anonymous.Headers.Location?.OriginalString);

        var browser = await ConsoleBrowser.SignInAsync(server, citizen.Login, Password);
        Assert.Contains("还没有关联持证主体", await browser.GetStringAsync("/portal"), StringComparison.Ordinal);
    }
}
