using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Catalog.CatalogRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>A server with a small batch limit, so "too large" is cheap to test.</summary>
public sealed class IngestionServer : ServerFactory
{
    public const int MaxBatchBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Ingestion:MaxBatchBytes"] = MaxBatchBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>A resource of 持证人员 with a Chinese schema: 编号 (key), 姓名 (required), 年龄 (integer), 等级 (code list A/B, warns).</summary>
internal static class IngestionRequests
{
    public static JsonObject[] Fields() =>
    [
        new() { ["name"] = "code", ["label"] = "编号", ["type"] = "string", ["key"] = true, ["classification"] = "General", ["personalInfo"] = "None" },
        TextField("name", "姓名", true, "Important", "Personal"),
        new() { ["name"] = "age", ["label"] = "年龄", ["type"] = "integer", ["classification"] = "General", ["personalInfo"] = "None" },
        new()
        {
            ["name"] = "grade", ["label"] = "等级", ["type"] = "string", ["classification"] = "General", ["personalInfo"] = "None", ["onInvalid"] = "Warn",
            ["validators"] = new JsonArray(new JsonObject { ["kind"] = "codeList", ["codes"] = new JsonArray("A", "B") }),
        },
    ];

    /// <summary>An organization, its steward's API client and a draft resource it provides; returns the code as a URL slug.</summary>
    public static async Task<(Guid Org, HttpClient Api, string Slug, Guid ResourceId)> ResourceAsync(ServerFactory server)
    {
        var (org, api) = await StewardAsync(server);
        var created = await CreatedAsync(api, Resource("持证人员信息", NewCategory(), fields: Fields()));
        return (org, api, created.GetProperty("slug").GetString()!, created.GetProperty("id").GetGuid());
    }

    public static HttpContent Csv(string text, string charset = "utf-8")
    {
        var bytes = charset == "utf-8" ? Encoding.UTF8.GetBytes(text) : Core.Ingestion.Charsets.Strict(charset)!.GetBytes(text);
        return Body(bytes, $"text/csv; charset={charset}");
    }

    public static HttpContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient api, string slug, HttpContent content, string? mode = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/resources/{slug}/batches" + (mode is null ? "" : "?mode=" + mode)) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await api.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The stored records of a resource: key → payload (as PostgreSQL prints jsonb).</summary>
    public static async Task<Dictionary<string, (string Payload, int Version)>> RecordsAsync(ServerFactory server, Guid resourceId)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select key, payload::text, version from records where resource_id = $1", connection) { Parameters = { new() { Value = resourceId } } };
        await using var reader = await command.ExecuteReaderAsync();
        var records = new Dictionary<string, (string, int)>();
        while (await reader.ReadAsync())
        {
            records[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2));
        }

        return records;
    }

    public static async Task<long> CountAsync(ServerFactory server, string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = id } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static Task<HttpClient> SameOrganizationAsync(ServerFactory server, Guid org, string role) => server.ApiAsUserAsync(org, role);

    public static async Task<HttpClient> OtherStewardAsync(ServerFactory server) => (await StewardAsync(server, "示范市另一局")).Api;

    public static string Role => Roles.DataSteward;
}
