using System.CommandLine;

namespace Shuqiao.Cli.Identity;

/// <summary><c>shuqiao client suspend ID</c>: stops a client's key from working at once (reversible in the console).</summary>
internal static class ClientSuspendCommand
{
    public static Command Create(CliContext cli)
    {
        var id = new Argument<Guid>("id") { Description = "Id of the API client" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("suspend", "Suspend an API client: its key stops working immediately") { id });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, parse.GetRequiredValue(id), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, Guid id, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var response = await http.PostJsonAsync($"api/v1/clients/{id}/suspend", null, cancellationToken);
        if (http.Settled(response, out var settled))
        {
            return settled;
        }

        var client = response.Json;
        cli.Out.WriteLine($"Suspended API client '{client?.String("name") ?? id.ToString()}' ({id}): status {client?.String("status") ?? "?"}.");
        return ExitCodes.Ok;
    }
}
