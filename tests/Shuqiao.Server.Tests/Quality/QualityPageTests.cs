using System.Net;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Quality.QualityRequests;

namespace Shuqiao.Server.Tests.Quality;

/// <summary>The console's quality page of a resource, its summary on the resource page and the providers' ranking.</summary>
public sealed class QualityPageTests(QualityServer server) : IClassFixture<QualityServer>
{
    private const string Password = "Correct-Horse-9";

    private async Task<ConsoleBrowser> SignInAsync(Guid organization, string role)
    {
        var login = "q" + Guid.NewGuid().ToString("N")[..10];
        await server.CreateUserAsync(organization, login, Password, role);
        return await ConsoleBrowser.SignInAsync(server, login, Password);
    }

    /// <summary>A published 居民联系方式 whose key is an ID number; one record has a bad mobile (a Warn finding).</summary>
    private async Task<(Guid Org, string Slug, string Id)> ResourceAsync()
    {
        var (org, steward) = await Catalog.CatalogRequests.StewardAsync(server, "示范市质量页面测试局");
        var slug = await PublishAsync(steward, Resource("居民联系方式", "Daily", null,
            Catalog.CatalogRequests.IdNumberField(),
            Field("mobile", "手机号码", personalInfo: "Personal", onInvalid: "Warn", validators: Validator("mobile"))));
        var id = ResidentId(21);
        await LoadAsync(steward, slug, $$"""[{"idNumber":"{{id}}","mobile":"12"},{"idNumber":"{{ResidentId(22)}}","mobile":"13800138000"}]""");
        await RunAsync(steward, slug);
        return (org, slug, id);
    }

    [Fact]
    public async Task The_provider_sees_scores_masked_samples_and_can_measure_again()
    {
        var (org, slug, id) = await ResourceAsync();
        var browser = await SignInAsync(org, Roles.DataSteward);
        var path = $"/console/catalog/{slug}/quality";

        var page = await browser.GetStringAsync(path);
        var run = await browser.PostFormAsync(path, path + "?handler=run", []);

        Assert.Contains("id=\"quality-dimensions\"", page, StringComparison.Ordinal);
        Assert.Contains("规范性", page, StringComparison.Ordinal);
        Assert.Contains("75.0", page, StringComparison.Ordinal);              // 4 values (2 IDs, 2 mobiles), 1 fails
        Assert.Contains("id=\"quality-trend\"", page, StringComparison.Ordinal);
        Assert.Contains(id[..6] + "********" + id[^4..], page, StringComparison.Ordinal);
        Assert.DoesNotContain(id, page, StringComparison.Ordinal);
        Assert.Contains("id=\"quality-run\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        var after = await browser.GetStringAsync(path);
        Assert.Contains("已重新评估", after, StringComparison.Ordinal);

        var details = await browser.GetStringAsync($"/console/catalog/{slug}");
        Assert.Contains("id=\"quality-summary\"", details, StringComparison.Ordinal);
        Assert.Contains($"href=\"/console/catalog/{slug}/quality\"", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organization_sees_the_scores_but_neither_samples_nor_the_measure_button()
    {
        var (_, slug, _) = await ResourceAsync();
        var other = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市其他局");
        var browser = await SignInAsync(other, Roles.DataSteward);
        var path = $"/console/catalog/{slug}/quality";

        var page = await browser.GetStringAsync(path);
        var run = await browser.PostFormAsync(path, path + "?handler=run", []);

        Assert.Contains("id=\"quality-dimensions\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"quality-samples-hidden\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"quality-samples\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"quality-run\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
    }

    [Fact]
    public async Task The_ranking_page_lists_providers_with_their_mean_score_for_the_data_authority()
    {
        var (org, _, _) = await ResourceAsync();
        var admin = await SignInAsync(org, Roles.PlatformAdmin);

        var page = await admin.GetStringAsync("/console/quality");

        Assert.Contains("部门数据质量排名", page, StringComparison.Ordinal);
        Assert.Contains("id=\"ranking-table\"", page, StringComparison.Ordinal);
        Assert.Contains("示范市质量页面测试局", page, StringComparison.Ordinal);
        Assert.Contains("id=\"ranking-chart\"", page, StringComparison.Ordinal);
    }
}
