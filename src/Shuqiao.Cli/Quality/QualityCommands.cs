using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Shuqiao.Cli.Quality;

/// <summary>
/// <c>shuqiao quality show &lt;resource&gt;</c> (GET /api/v1/resources/{code}/quality) and
/// <c>shuqiao quality run &lt;resource&gt;</c> (POST …/quality/runs): a resource's data quality report (数据质量).
/// </summary>
internal static class QualityCommands
{
    public static Command Create(CliContext cli) => new("quality", "Data quality (数据质量, GB/T 36344) of a resource through the server's API")
    {
        Show(cli),
        Run(cli),
    };

    private static Command Show(CliContext cli)
    {
        var resource = new Argument<string>("resource") { Description = "The resource's code, e.g. 101001001/000001 (or 101001001-000001)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("show", "Show the latest quality report: scores per dimension, overall score, rating and failing samples") { resource });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, HttpMethod.Get, parse.GetRequiredValue(resource), ct));
        return command;
    }

    private static Command Run(CliContext cli)
    {
        var resource = new Argument<string>("resource") { Description = "The resource's code, e.g. 101001001/000001 (or 101001001-000001)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("run", "Measure the resource now and show the new report (the provider's data stewards and API clients, PlatformAdmin)") { resource });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, HttpMethod.Post, parse.GetRequiredValue(resource), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, HttpMethod method, string resource, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var slug = Uri.EscapeDataString(resource.Replace('/', '-'));
        var response = method == HttpMethod.Post
            ? await http.SendAsync(HttpMethod.Post, $"api/v1/resources/{slug}/quality/runs", null, cancellationToken)
            : await http.GetAsync($"api/v1/resources/{slug}/quality", cancellationToken);
        if (response is null)
        {
            return ExitCodes.Unavailable;
        }

        if (http.PrintJson)
        {
            http.WriteJson(response);
            return response.IsSuccess ? ExitCodes.Ok : ExitCodes.Failed;
        }

        if (!response.IsSuccess)
        {
            return http.Refused(response);
        }

        if (response.Json is not { ValueKind: JsonValueKind.Object } report || !report.TryGetProperty("dimensions", out var dimensions))
        {
            return cli.Fail(ExitCodes.Failed, "the server's answer is not a quality report");
        }

        Write(cli.Out, report, dimensions);
        return ExitCodes.Ok;
    }

    private static void Write(TextWriter output, JsonElement report, JsonElement dimensions)
    {
        output.WriteLine($"{report.String("resource")} {report.String("resourceName")} — {report.String("providerName")}");
        output.WriteLine($"  measured {report.String("measuredAt")} ({report.String("trigger")}), {report.GetProperty("records").GetInt64().ToString(CultureInfo.InvariantCulture)} records");
        output.WriteLine($"  overall {Score(report.GetProperty("overall"))} {report.String("ratingName") ?? "not measured"}");
        var table = new TextTable("dimension", "score", "rating", "checked", "failed");
        foreach (var d in dimensions.EnumerateArray())
        {
            table.Add($"{d.String("name")} {d.String("dimension")}", Score(d.GetProperty("score")), d.String("rating") ?? "not measured", Count(d, "checked"), Count(d, "failed"));
        }

        table.WriteTo(output);
        if (report.TryGetProperty("samples", out var samples) && samples.ValueKind == JsonValueKind.Array && samples.GetArrayLength() > 0)
        {
            output.WriteLine("Failing samples (record keys, masked where personal):");
            var rows = new TextTable("dimension", "field", "rule", "key");
            foreach (var s in samples.EnumerateArray())
            {
                rows.Add(s.String("dimension") ?? "", s.String("field") ?? "", s.String("code") ?? "", s.String("key") ?? "");
            }

            rows.WriteTo(output);
        }
    }

    private static string Score(JsonElement score) => score.ValueKind == JsonValueKind.Number ? score.GetDouble().ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string Count(JsonElement dimension, string name) =>
        dimension.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64().ToString(CultureInfo.InvariantCulture) : "";
}
