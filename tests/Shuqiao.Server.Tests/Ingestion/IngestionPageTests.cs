using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Ingestion.IngestionRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>The console's upload page (the file as the body, as its script sends it) and the batch page with the rejected rows.</summary>
public sealed partial class IngestionPageTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_steward_uploads_a_file_with_a_bad_row_sees_the_error_and_downloads_it_then_fixes_and_reuploads()
    {
        var (org, _, slug, resourceId) = await ResourceAsync(server);
        var steward = await server.CreateUserAsync(org, "up-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, steward.Login, ServerFactory.TestPassword);
        var page = await browser.GetStringAsync($"/console/catalog/{slug}/upload");
        var token = WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value);
        Assert.Contains("编号, 姓名, 年龄, 等级", page, StringComparison.Ordinal);

        var bad = await PostAsync(browser, slug, token, "编号,姓名,年龄\nA1,张三,30\nA2,李四,四十一\n");
        var batchPage = await browser.GetStringAsync(bad);
        var csv = await browser.GetAsync(bad + "?handler=csv");
        var good = await PostAsync(browser, slug, token, "编号,姓名,年龄\nA1,张三,30\nA2,李四,41\n");

        Assert.Contains("未保存任何数据", batchPage, StringComparison.Ordinal);
        Assert.Contains("四十一", batchPage, StringComparison.Ordinal);
        Assert.Contains("A2,李四,四十一", Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        Assert.Contains("已保存", await browser.GetStringAsync(good), StringComparison.Ordinal);
        Assert.Equal(2, (await RecordsAsync(server, resourceId)).Count);
        var resourcePage = await browser.GetStringAsync($"/console/catalog/{slug}");
        Assert.Contains(bad, resourcePage, StringComparison.Ordinal);
        Assert.Contains(good, resourcePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organizations_steward_gets_not_found_for_the_upload_page()
    {
        var (_, _, slug, _) = await ResourceAsync(server);
        var otherOrg = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市另一局");
        var other = await server.CreateUserAsync(otherOrg, "uo-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.DataSteward);
        var browser = await ConsoleBrowser.SignInAsync(server, other.Login, ServerFactory.TestPassword);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/catalog/{slug}/upload")).StatusCode);
    }

    private static async Task<string> PostAsync(ConsoleBrowser browser, string slug, string token, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/console/catalog/{slug}/upload?charset=utf-8") { Content = Csv(csv) };
        request.Headers.Add("X-CSRF-TOKEN", token);
        var response = await browser.Client.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return answer.GetProperty("batch").GetString()!;
    }

    [GeneratedRegex("\"X-CSRF-TOKEN\": \"([^\"]+)\"")]
    private static partial Regex Token();
}
