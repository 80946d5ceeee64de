using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Exchange;
using Shuqiao.Server.Tests.Catalog;
using Shuqiao.Server.Tests.Sharing;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>The server for gateway tests: resources are read again at once (no catalog cache), jobs slowed down.</summary>
public class ExchangeServer : SharingServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Sharing:JobIntervalSeconds"] = "3600",
        ["Shuqiao:Exchange:ResourceCacheSeconds"] = "0",
        ["Shuqiao:Exchange:AnomalyIntervalSeconds"] = "3600",
        ["Shuqiao:Exchange:ChangesLagSeconds"] = "0",
    };
}

/// <summary>One citizen record of the test resource.</summary>
internal sealed record Person(string IdNumber, string Name, string District, int Age);

/// <summary>
/// A provider's published unconditional resource 人口信息 (idNumber: key, 核心, KeepFirstLast 6/4; name: 重要/个人;
/// district and age: 一般) with three records, a consumer organization whose grant the test shapes by SQL, and the
/// consumer's API client.
/// </summary>
internal sealed record ExchangeWorld(ExchangeServer Server, Guid Provider, Guid Consumer, string Code, Guid ResourceId, Guid GrantId, HttpClient Client, Guid ClientId)
{
    public const string Purpose = "最低生活保障资格审核";

    public static readonly Person Zhang = new(IdNumber("350102", "19900101", "123"), "张三丰", "鼓楼区", 34);
    public static readonly Person Li = new(IdNumber("350103", "20040506", "456"), "李四", "台江区", 20);
    public static readonly Person Wang = new(IdNumber("350104", "19740708", "789"), "王五", "仓山区", 50);

    public string Slug => Code.Replace('/', '-');

    public static async Task<ExchangeWorld> CreateAsync(ExchangeServer server)
    {
        var provider = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市公安局");
        var consumer = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局");
        var steward = await server.ApiAsUserAsync(provider, Roles.DataSteward);
        var body = CatalogRequests.Resource(
            "人口信息", CatalogRequests.NewCategory(), sharingType: "Unconditional", fields:
            [
                CatalogRequests.IdNumberField(),
                CatalogRequests.TextField("name", "姓名", true, "Important", "Personal"),
                CatalogRequests.TextField("district", "区县"),
                new JsonObject { ["name"] = "age", ["label"] = "年龄", ["type"] = "integer", ["required"] = false, ["classification"] = "General", ["personalInfo"] = "None" },
            ]);
        var resource = await CatalogRequests.PublishedAsync(steward, body);
        var code = resource.GetProperty("code").GetString()!;
        var resourceId = resource.GetProperty("id").GetGuid();
        var grantId = await GrantAsync(server, consumer, code);
        var (client, clientId, _) = await server.ApiAsClientAsync(consumer);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            foreach (var p in new[] { Zhang, Li, Wang })
            {
                await connection.ExecuteAsync(
                    "insert into records (resource_id, key, payload, version, batch_id, updated_at) values (@R, @K, @P::jsonb, 1, @B, now())",
                    new { R = resourceId, K = p.IdNumber, P = JsonSerializer.Serialize(new { idNumber = p.IdNumber, name = p.Name, district = p.District, age = p.Age }), B = Guid.NewGuid() });
            }
        }

        var world = new ExchangeWorld(server, provider, consumer, code, resourceId, grantId, client, clientId);
        await world.ShapeGrantAsync();
        return world;
    }

    /// <summary>An unconditional resource grants on submission: a grant of every field, scoped to 鼓楼区 and 台江区.</summary>
    public static async Task<Guid> GrantAsync(ExchangeServer server, Guid consumer, string code)
    {
        var steward = await server.ApiAsUserAsync(consumer, Roles.DataSteward);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var request = new JsonObject
        {
            ["resource"] = code,
            ["fields"] = new JsonArray("name", "district", "age"), // no 核心 field, so it is granted at once; the test widens it by SQL
            ["purpose"] = Purpose,
            ["scenario"] = "低保申请受理时核对申请人户籍",
            ["legalBasis"] = "《社会救助暂行办法》第十一条",
            ["validFrom"] = now.ToString("O"),
            ["validTo"] = now.AddDays(365).ToString("O"),
            ["rowScope"] = new JsonObject { ["field"] = "district", ["in"] = new JsonArray("鼓楼区", "台江区") },
        };
        var response = await steward.PostAsJsonAsync("/api/v1/sharing-requests", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("grantId").GetGuid();
    }

    /// <summary>Sets the grant's terms (the data authority approved it, so 核心 fields serve); the row scope stays 鼓楼区/台江区.</summary>
    public async Task ShapeGrantAsync(
        string[]? fields = null, string overrides = "{}", string mode = "Read", int? quota = null, string status = "Active", DateTimeOffset? validTo = null, Guid? grantId = null)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.ExecuteAsync(
            """
            update grants set fields = @Fields, masking_overrides = @Overrides::jsonb, mode = @Mode, daily_quota = @Quota, authority_approved = true,
                              status = @Status, valid_to = @ValidTo, updated_at = now()
            where id = @Id
            """,
            new
            {
                Fields = fields ?? ["idNumber", "name", "district", "age"],
                Overrides = overrides,
                Mode = mode,
                Quota = quota,
                Status = status,
                ValidTo = validTo ?? DateTimeOffset.UtcNow.AddDays(300),
                Id = grantId ?? GrantId,
            });
        // The change reaches the gateway's cache through NOTIFY grants_changed, asynchronously; the matrix must not
        // race it, so the cache is dropped here too (A_grant_revoked_while_cached_… tests the notification itself).
        Server.Services.GetRequiredService<GrantCache>().Clear();
    }

    public HttpRequestMessage Get(string key, string? purpose = Purpose, string? user = "u-1") =>
        With(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exchange/{Slug}/records/{Uri.EscapeDataString(key)}"), purpose, user);

    public HttpRequestMessage Query(object body, string? purpose = Purpose, string? user = "u-1") =>
        With(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/exchange/{Slug}/query") { Content = JsonContent.Create(body) }, purpose, user);

    public HttpRequestMessage Changes(string? since, string? purpose = Purpose) =>
        With(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exchange/{Slug}/changes" + (since is null ? "" : "?since=" + Uri.EscapeDataString(since))), purpose, "u-1");

    public HttpRequestMessage Verify(object values, string? purpose = Purpose, string? user = "u-1") =>
        With(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/exchange/{Slug}/verify") { Content = JsonContent.Create(new { values }) }, purpose, user);

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request, HttpClient? client = null)
    {
        using var response = await (client ?? Client).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<long> EventsAsync(string endUser, string? outcome = null)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "select count(*) from access_events where end_user = @U and (@O::text is null or outcome = @O)", new { U = endUser, O = outcome });
    }

    private static HttpRequestMessage With(HttpRequestMessage request, string? purpose, string? user)
    {
        if (purpose is not null)
        {
            request.Headers.Add("X-Shuqiao-Purpose", Uri.EscapeDataString(purpose));
        }

        if (user is not null)
        {
            request.Headers.Add("X-Shuqiao-User", user);
        }

        return request;
    }

    private static string IdNumber(string region, string birth, string sequence)
    {
        var first17 = region + birth + sequence;
        return first17 + ResidentId.CheckCharacter(first17).ToString(CultureInfo.InvariantCulture);
    }

    public static string Reason(JsonElement problem) => problem.GetProperty("reason").GetString()!;

    public static string Text(JsonElement body) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(body));
}
