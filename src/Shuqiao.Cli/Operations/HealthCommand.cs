using System.CommandLine;
using System.Text.Json;

namespace Shuqiao.Cli.Operations;

/// <summary><c>shuqiao health</c>: asks the node whether it is ready (GET /health/ready); exit code 0 only if so.</summary>
internal static class HealthCommand
{
    public static Command Create(CliContext cli)
    {
        var api = new ApiOptions();
        var command = api.AddTo(new Command("health", "Check that the server is ready to take requests (exit code 0 when ready, 1 when not)"), withCredential: false);
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: false, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var response = await http.GetAsync("health/ready", cancellationToken);
        if (response is null)
        {
            return ExitCodes.Unavailable;
        }

        if (http.PrintJson)
        {
            http.WriteJson(response);
        }
        else
        {
            var status = response.Json?.String("status") ?? (response.Json is null && response.Body.Length is > 0 and < 100 ? response.Body.Trim() : null);
            cli.Out.WriteLine($"{ShuqiaoHttp.Key(http.Server)}: {(response.IsSuccess ? "ready" : "NOT ready")} (HTTP {(int)response.Status}{(status is null ? "" : ", " + status)})");
            WriteDetails(cli, response.Json);
        }

        return response.IsSuccess ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The report's other members, one per line (e.g. each check of a health report and its status).</summary>
    private static void WriteDetails(CliContext cli, JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } report)
        {
            return;
        }

        foreach (var member in report.EnumerateObject())
        {
            if (member.NameEquals("status"))
            {
                continue;
            }

            if (member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in member.Value.EnumerateObject())
                {
                    var text = inner.Value.ValueKind == JsonValueKind.Object ? inner.Value.String("status") ?? inner.Value.GetRawText() : inner.Value.ToString();
                    cli.Out.WriteLine($"  {member.Name}.{inner.Name}: {text}");
                }
            }
            else if (member.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in member.Value.EnumerateArray())
                {
                    var name = item.String("name") ?? item.String("key");
                    cli.Out.WriteLine(name is not null ? $"  {name}: {item.String("status")}" : $"  {item.GetRawText()}");
                }
            }
            else
            {
                cli.Out.WriteLine($"  {member.Name}: {member.Value}");
            }
        }
    }
}
