using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>Request bodies and helpers shared by the catalog tests: resources as department systems describe them.</summary>
internal static class CatalogRequests
{
    private static int _category;

    /// <summary>A category no other test of the run uses (基础/人口, 目 and 细目 from a counter), so sequence numbers are predictable.</summary>
    public static string NewCategory()
    {
        var n = Interlocked.Increment(ref _category) + (Environment.ProcessId % 500) * 1000;
        return "101" + n.ToString("D6", CultureInfo.InvariantCulture);
    }

    public static JsonObject IdNumberField(bool key = true) => new()
    {
        ["name"] = "idNumber",
        ["label"] = "公民身份号码",
        ["type"] = "string",
        ["required"] = true,
        ["key"] = key,
        ["classification"] = "Core",
        ["personalInfo"] = "Sensitive",
        ["validators"] = new JsonArray(new JsonObject { ["kind"] = "cnResidentId" }),
        ["masking"] = new JsonObject { ["rule"] = "KeepFirstLast", ["first"] = 6, ["last"] = 4 },
    };

    public static JsonObject TextField(string name, string label, bool required = false, string classification = "General", string personalInfo = "None") => new()
    {
        ["name"] = name,
        ["label"] = label,
        ["type"] = "string",
        ["required"] = required,
        ["classification"] = classification,
        ["personalInfo"] = personalInfo,
        ["validators"] = new JsonArray(new JsonObject { ["kind"] = "length", ["max"] = 50 }),
    };

    public static JsonObject Resource(string name, string? category = null, string? code = null, Guid? providerId = null, string sharingType = "Conditional", params JsonObject[] fields)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["summary"] = name + "的摘要。",
            ["sharingType"] = sharingType,
            ["sharingConditions"] = sharingType == "Conditional" ? "用于政务服务身份核验" : null,
            ["openType"] = "NotOpen",
            ["updateFrequency"] = "Daily",
            ["fields"] = new JsonArray(fields.Length == 0 ? [IdNumberField(), TextField("name", "姓名", true, "Important", "Personal")] : fields),
        };
        if (category is not null)
        {
            body["category"] = category;
        }

        if (code is not null)
        {
            body["code"] = code;
        }

        if (providerId is not null)
        {
            body["providerId"] = providerId.Value.ToString();
        }

        return body;
    }

    public static async Task<(Guid Org, HttpClient Api)> StewardAsync(ServerFactory server, string orgName = "示范市测试局")
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, orgName);
        return (org, await server.ApiAsUserAsync(org, Roles.DataSteward));
    }

    public static async Task<JsonElement> CreatedAsync(HttpClient api, JsonObject body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/resources", body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating {body["name"]} answered {response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> PublishedAsync(HttpClient api, JsonObject body)
    {
        var created = await CreatedAsync(api, body);
        var response = await api.PostAsync($"/api/v1/resources/{created.GetProperty("slug").GetString()}/publish", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The body to PUT: the one sent before, with the revision read and any changes.</summary>
    public static JsonObject Edit(JsonObject body, JsonElement current, Action<JsonObject>? change = null)
    {
        var edit = JsonNode.Parse(body.ToJsonString())!.AsObject();
        edit["revision"] = current.GetProperty("revision").GetInt32();
        edit.Remove("category");
        edit.Remove("providerId");
        change?.Invoke(edit);
        return edit;
    }
}
