using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Quality;

/// <summary>The real server with a clock the tests move, the schedule off and a short debounce after batches.</summary>
public sealed class QualityServer : ServerFactory
{
    public ManualClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Quality:Interval"] = "00:00:00",
        ["Shuqiao:Quality:Debounce"] = "00:00:00.200",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Fields, records and calls of the quality tests: crafted data sets loaded through the real ingestion API.</summary>
internal static class QualityRequests
{
    public static JsonObject Field(string name, string label, string type = "string", bool key = false, bool required = false, bool unique = false,
        string personalInfo = "None", string onInvalid = "Reject", JsonArray? validators = null, JsonArray? references = null, JsonObject? masking = null)
    {
        var field = new JsonObject
        {
            ["name"] = name, ["label"] = label, ["type"] = type, ["key"] = key, ["required"] = required || key, ["unique"] = unique,
            ["classification"] = personalInfo == "None" ? "General" : "Important", ["personalInfo"] = personalInfo, ["onInvalid"] = onInvalid,
        };
        if (validators is not null)
        {
            field["validators"] = validators;
        }

        if (references is not null)
        {
            field["references"] = references;
        }

        if (masking is not null)
        {
            field["masking"] = masking;
        }

        return field;
    }

    public static JsonArray Validator(string kind) => new(new JsonObject { ["kind"] = kind });

    public static JsonObject Resource(string name, string updateFrequency = "Daily", long? expected = null, params JsonObject[] fields)
    {
        var body = Catalog.CatalogRequests.Resource(name, Catalog.CatalogRequests.NewCategory(), fields: fields);
        body["updateFrequency"] = updateFrequency;
        if (expected is not null)
        {
            body["expectedRecordCount"] = expected;
        }

        return body;
    }

    /// <summary>Creates and publishes a resource; returns its slug.</summary>
    public static async Task<string> PublishAsync(HttpClient steward, JsonObject body) =>
        (await Catalog.CatalogRequests.PublishedAsync(steward, body)).GetProperty("slug").GetString()!;

    /// <summary>Loads JSON records (an array) and insists they were stored.</summary>
    public static async Task<JsonElement> LoadAsync(HttpClient api, string slug, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await api.PostAsync($"/api/v1/resources/{slug}/batches", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> RunAsync(HttpClient api, string slug)
    {
        var response = await api.PostAsync($"/api/v1/resources/{slug}/quality/runs", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The resource's latest quality report once one exists (measured in the background), polling every 100 ms; null after <paramref name="attempts"/>.</summary>
    public static async Task<JsonElement?> WaitForReportAsync(HttpClient api, string slug, int attempts)
    {
        for (var i = 0; i < attempts; i++)
        {
            var response = await api.GetAsync($"/api/v1/resources/{slug}/quality");
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }

            await Task.Delay(100);
        }

        return null;
    }

    public static double? Score(JsonElement report, string dimension)
    {
        var d = report.GetProperty("dimensions").EnumerateArray().Single(x => x.GetProperty("dimension").GetString() == dimension).GetProperty("score");
        return d.ValueKind == JsonValueKind.Null ? null : d.GetDouble();
    }

    public static (long Checked, long Failed) Counts(JsonElement report, string dimension)
    {
        var d = report.GetProperty("dimensions").EnumerateArray().Single(x => x.GetProperty("dimension").GetString() == dimension);
        return (d.GetProperty("checked").GetInt64(), d.GetProperty("failed").GetInt64());
    }

    public static List<(string Dimension, string Field, string Code, string Key)> Samples(JsonElement report) =>
        report.GetProperty("samples").EnumerateArray()
            .Select(s => (s.GetProperty("dimension").GetString()!, s.GetProperty("field").GetString()!, s.GetProperty("code").GetString()!, s.GetProperty("key").GetString()!))
            .ToList();

    /// <summary>A valid 公民身份号码 (GB 11643: MOD 11-2 check character) born on 1990-03-07 in 110105 with the given sequence.</summary>
    public static string ResidentId(int sequence)
    {
        var body = "11010519900307" + sequence.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient api, string path) => await api.GetFromJsonAsync<JsonElement>(path);
}
