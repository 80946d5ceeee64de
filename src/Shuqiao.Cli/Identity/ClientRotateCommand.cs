using System.CommandLine;
using System.Text.Json;

namespace Shuqiao.Cli.Identity;

/// <summary>
/// <c>shuqiao client rotate ID</c>: issues a new key; the old one keeps working for the grace period so the
/// department can deploy the new one without an outage.
/// </summary>
internal static class ClientRotateCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<Guid>("id") { Description = "Id of the API client" };
        var grace = new Option<int?>("--grace-minutes") { Description = "How long the old key stays valid (default: the server's)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("rotate", "Issue a new API key for a client (printed once); the old key expires after the grace period") { id, grace });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, parse.GetRequiredValue(id), parse.GetValue(grace), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, Guid id, int? graceMinutes, CancellationToken cancellationToken)
    {
        if (graceMinutes is < 0)
        {
            return cli.Fail(ExitCodes.Usage, "--grace-minutes cannot be negative");
        }

        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var response = await http.PostJsonAsync($"api/v1/clients/{id}/rotate", new { graceMinutes }, cancellationToken);
        if (http.Settled(response, out var settled))
        {
            return settled;
        }

        if (response.Json is not { ValueKind: JsonValueKind.Object } rotated || !rotated.TryGetProperty("client", out var client) || rotated.String("key") is not { } key)
        {
            return cli.Fail(ExitCodes.Failed, "the server's answer has no client and key");
        }

        cli.Out.WriteLine($"Rotated the key of API client '{ClientOutput.Row(client, "name")}':");
        ClientOutput.WriteClient(cli, client);
        ClientOutput.WriteKey(cli, key);
        return ExitCodes.Ok;
    }
}
