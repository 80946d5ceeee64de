using System.CommandLine;
using System.Text.Json;
using Shuqiao.Cli.Organizations;

namespace Shuqiao.Cli.Identity;

/// <summary><c>shuqiao client list</c>: the API clients the credential may see, page after page.</summary>
internal static class ClientListCommand
{
    public static Command Create(CliContext cli)
    {
        var orgCode = new Option<string>("--org-code") { Description = "Only the clients of this organization (统一社会信用代码)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("list", "List API clients") { orgCode });
        command.SetAction((parse, ct) => RunAsync(cli, parse, api, parse.GetValue(orgCode), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, ParseResult parse, ApiOptions api, string? orgCode, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var query = "";
        if (orgCode is not null)
        {
            var (organizationId, lookupCode) = await OrganizationLookup.ByCodeAsync(cli, http, orgCode, cancellationToken);
            if (organizationId is null)
            {
                return lookupCode;
            }

            query = $"organizationId={organizationId}";
        }

        var (items, status) = await http.GetAllPagesAsync(query.Length > 0 ? $"api/v1/clients?{query}" : "api/v1/clients", "a page of clients", cancellationToken);
        if (items is null)
        {
            return status;
        }

        if (http.PrintJson)
        {
            cli.Out.WriteLine(JsonSerializer.Serialize(items, ShuqiaoHttp.Pretty));
            return ExitCodes.Ok;
        }

        var table = new TextTable("id", "name", "key id", "status", "req/min", "last used");
        foreach (var client in items)
        {
            table.Add(ClientOutput.Row(client, "id"), ClientOutput.Row(client, "name"), ClientOutput.Row(client, "keyId"), ClientOutput.Row(client, "status"), ClientOutput.Row(client, "rateLimitPerMinute"), ClientOutput.Row(client, "lastUsedAt"));
        }

        table.WriteTo(cli.Out);
        cli.Out.WriteLine($"{items.Count} client(s).");
        return ExitCodes.Ok;
    }
}
