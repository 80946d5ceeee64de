using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Sharing;
using Shuqiao.Server.Tests.Catalog;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>The real server for sharing tests; the periodic jobs are slowed down so that tests run each step themselves.</summary>
public class SharingServer : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Sharing:JobIntervalSeconds"] = "3600",
        ["Shuqiao:Sharing:WebhookAllowedNetworks:0"] = "127.0.0.1", // the tests' receiver; loopback is refused by default
    };

    /// <summary>Runs the jobs' steps once, as the timer would.</summary>
    public Task<int> EscalateAsync() => WithScopeAsync(sp => sp.GetRequiredService<SharingService>().EscalateOverdueAsync(CancellationToken.None));

    public Task<int> ExpireAsync() => WithScopeAsync(sp => sp.GetRequiredService<SharingService>().ExpireGrantsAsync(CancellationToken.None));

    public Task<int> DeliverWebhooksAsync() => Services.GetRequiredService<WebhookSender>().DeliverDueAsync(CancellationToken.None);

    public async Task<T> QuerySingleAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    public async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value");
    }
}

/// <summary>The sharing server with a clock the test moves (the only mock we allow).</summary>
public sealed class ClockedSharingServer : SharingServer
{
    /// <summary>Monday 14 September 2026, 10:00 in China (the docs' deadline example).</summary>
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 9, 14, 10, 0, 0, TimeSpan.FromHours(8)));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// A provider with a published resource (身份证号 核心, 姓名 重要/个人, 区县 一般), its steward and approver; a consumer with its
/// steward; the data authority with its PlatformAdmin.
/// </summary>
internal sealed record SharingWorld(
    Guid Provider, HttpClient ProviderSteward, HttpClient Approver, Guid Consumer, HttpClient ConsumerSteward, Guid Authority, HttpClient AuthorityAdmin,
    string Code, Guid ResourceId)
{
    public static async Task<SharingWorld> CreateAsync(SharingServer server, string sharingType = "Conditional", Guid? authority = null)
    {
        var provider = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市公安局");
        var consumer = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局");
        var authorityId = authority ?? await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市数据局", dataAuthority: true);
        var steward = await server.ApiAsUserAsync(provider, Roles.DataSteward);
        var body = CatalogRequests.Resource(
            "人口基本信息", CatalogRequests.NewCategory(), sharingType: sharingType == "NotShared" ? "Conditional" : sharingType, fields:
            [
                CatalogRequests.IdNumberField(),
                CatalogRequests.TextField("name", "姓名", true, "Important", "Personal"),
                CatalogRequests.TextField("district", "区县"),
            ]);
        if (sharingType == "NotShared")
        {
            body["sharingType"] = "NotShared";
            body["sharingConditions"] = null;
            body["legalBasis"] = "《中华人民共和国居民身份证法》第十九条";
        }

        var resource = await CatalogRequests.PublishedAsync(steward, body);
        return new SharingWorld(
            provider, steward, await server.ApiAsUserAsync(provider, Roles.Approver), consumer, await server.ApiAsUserAsync(consumer, Roles.DataSteward),
            authorityId, await server.ApiAsUserAsync(authorityId, Roles.PlatformAdmin), resource.GetProperty("code").GetString()!,
            resource.GetProperty("id").GetGuid());
    }

    public JsonObject Request(DateTimeOffset now, params string[] fields) => new()
    {
        ["resource"] = Code,
        ["fields"] = new JsonArray([.. (fields.Length == 0 ? ["name", "district"] : fields).Select(f => (JsonNode)f)]),
        ["purpose"] = "最低生活保障资格审核",
        ["scenario"] = "低保申请受理时核对申请人户籍",
        ["legalBasis"] = "《社会救助暂行办法》第十一条",
        ["validFrom"] = now.ToString("O"),
        ["validTo"] = now.AddDays(365).ToString("O"),
        ["rowScope"] = new JsonObject { ["field"] = "district", ["in"] = new JsonArray("鼓楼区", "台江区") },
        ["dailyQuota"] = 1000,
    };

    public async Task<JsonElement> SubmitAsync(JsonObject body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await ConsumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
