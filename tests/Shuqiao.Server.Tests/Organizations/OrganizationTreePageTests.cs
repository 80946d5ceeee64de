using Shuqiao.Core.Common;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Organizations;

/// <summary>
/// The tree page on a database of its own: whether roots are shown expanded depends on how many roots the node has,
/// which other test classes' rows would change.
/// </summary>
public sealed class OrganizationTreePageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private Task<Organization> CreateAsync(string name, OrganizationLevel level, Guid? parentId = null) =>
        server.WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<OrganizationService>().CreateAsync(
                new CreateOrganizationRequest(TestData.NewCreditCode(), name, level.ToString(), parentId, level == OrganizationLevel.Province), Actor.System("tests"), CancellationToken.None);
            return outcome.Value ?? throw new InvalidOperationException(string.Join("; ", outcome.Failure!.Issues));
        });

    [Fact]
    public async Task A_few_roots_are_shown_expanded_and_deeper_levels_wait_to_be_loaded()
    {
        var province = await CreateAsync("福建省数据管理局", OrganizationLevel.Province);
        var city = await CreateAsync("福州市数据管理局", OrganizationLevel.City, province.Id);
        var county = await CreateAsync("鼓楼区数据管理局", OrganizationLevel.County, city.Id);
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "福建省大数据有限公司", OrganizationLevel.Province);
        await server.CreateUserAsync(org, "treereader", "Correct-Horse-9", Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, "treereader", "Correct-Horse-9");

        var html = await browser.GetStringAsync("/console/organizations");
        var group = await browser.GetStringAsync($"/console/organizations?handler=children&parentId={city.Id}");

        Assert.Contains("<ul role=\"tree\"", html, StringComparison.Ordinal);
        Assert.Matches($"<a role=\"treeitem\" href=\"/console/organizations/{province.Id}\" data-id=\"{province.Id}\"\\s+aria-expanded=\"true\"\\s+aria-owns=\"org-group-{province.Id:N}\">", html);
        Assert.Contains($"<ul role=\"group\" id=\"org-group-{province.Id:N}\"", html, StringComparison.Ordinal);
        Assert.Matches($"<a role=\"treeitem\" href=\"/console/organizations/{city.Id}\" data-id=\"{city.Id}\"\\s+aria-expanded=\"false\"\\s*>", html);
        Assert.DoesNotContain(county.Name, html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge text-bg-danger\">数据主管部门</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/console/organizations/new", html, StringComparison.Ordinal); // not an administrator
        Assert.StartsWith($"<ul role=\"group\" id=\"org-group-{city.Id:N}\"", group.TrimStart(), StringComparison.Ordinal);
        Assert.Matches($"<a role=\"treeitem\" href=\"/console/organizations/{county.Id}\" data-id=\"{county.Id}\"\\s*>", group);
    }
}
