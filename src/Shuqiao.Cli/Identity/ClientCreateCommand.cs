using System.CommandLine;
using System.Text.Json;
using Shuqiao.Cli.Organizations;

namespace Shuqiao.Cli.Identity;

/// <summary><c>shuqiao client create</c>: registers a department system (应用系统) and prints its API key once.</summary>
internal static class ClientCreateCommand
{
    public static Command Create(CliContext cli)
    {
        var orgCode = new Option<string>("--org-code") { Description = "统一社会信用代码 of the organization that owns the system", Required = true };
        var name = new Option<string>("--name") { Description = "Name of the system, unique within the organization", Required = true };
        var description = new Option<string>("--description") { Description = "What the system is and who runs it" };
        var ip = new Option<string[]>("--ip") { Description = "Address or CIDR range allowed to use the key (repeatable; none: any address)", HelpName = "cidr" };
        var rate = new Option<int?>("--rate") { Description = "Requests per minute allowed (default: the node's setting)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("create", "Register an API client and print its key (shown once)") { orgCode, name, description, ip, rate });
        command.SetAction((parse, ct) => RunAsync(
            cli, parse, api, parse.GetRequiredValue(orgCode), parse.GetRequiredValue(name), parse.GetValue(description), parse.GetValue(ip), parse.GetValue(rate), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext cli, ParseResult parse, ApiOptions api, string orgCode, string name, string? description, string[]? ipAllowList, int? rate, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var (organizationId, lookupCode) = await OrganizationLookup.ByCodeAsync(cli, http, orgCode, cancellationToken);
        if (organizationId is null)
        {
            return lookupCode;
        }

        var response = await http.PostJsonAsync(
            "api/v1/clients",
            new { organizationId, name, description, ipAllowList = ipAllowList is { Length: > 0 } ? ipAllowList : null, rateLimitPerMinute = rate },
            cancellationToken);
        if (http.Settled(response, out var settled))
        {
            return settled;
        }

        if (response.Json is not { ValueKind: JsonValueKind.Object } created || !created.TryGetProperty("client", out var client) || created.String("key") is not { } key)
        {
            return cli.Fail(ExitCodes.Failed, "the server's answer has no client and key");
        }

        cli.Out.WriteLine($"Created API client '{ClientOutput.Row(client, "name")}' for organization {orgCode}:");
        ClientOutput.WriteClient(cli, client);
        ClientOutput.WriteKey(cli, key);
        return ExitCodes.Ok;
    }
}
