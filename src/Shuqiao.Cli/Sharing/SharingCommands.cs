using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Shuqiao.Cli.Sharing;

/// <summary>
/// <c>shuqiao sharing list|approve|reject</c> and <c>shuqiao grants list|revoke</c>: the sharing workflow (供需对接)
/// through the server's API, for approvers and the data authority working from scripts.
/// </summary>
internal static class SharingCommands
{
    public static Command CreateSharing(CliContext cli) => new("sharing", "Sharing requests (共享申请) through the server's API")
    {
        List(cli),
        Approve(cli),
        Reject(cli),
    };

    public static Command CreateGrants(CliContext cli) => new("grants", "Grants (授权) through the server's API")
    {
        ListGrants(cli),
        Revoke(cli),
    };

    private static Command List(CliContext cli)
    {
        var box = new Option<string>("--box") { Description = "outgoing (ours), incoming (to review), authority (escalated, co-approval, disputes) or all", DefaultValueFactory = _ => "all" };
        var status = new Option<string?>("--status") { Description = "Only these statuses, comma-separated (e.g. Submitted,UnderReview)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("list", "List the sharing requests your organization made or must review") { box, status });
        command.SetAction((parse, ct) =>
        {
            var query = $"box={Uri.EscapeDataString(parse.GetValue(box) ?? "all")}" + (parse.GetValue(status) is { } s ? $"&status={Uri.EscapeDataString(s)}" : "");
            return ListAsync(cli, parse, api, "api/v1/sharing-requests?" + query, "request(s)", ["id", "resource", "status", "reply due", "purpose"],
                r => [r.String("id") ?? "", r.String("resourceCode") ?? "", r.String("status") ?? "", r.String("replyDueAt") ?? "—", r.String("purpose") ?? ""], ct);
        });
        return command;
    }

    private static Command Approve(CliContext cli)
    {
        var id = new Argument<Guid>("id") { Description = "Id of the sharing request" };
        var fields = new Option<string?>("--fields") { Description = "Approve only these fields (comma-separated); the requested ones by default" };
        var validTo = new Option<DateTimeOffset?>("--valid-to") { Description = "An earlier end of validity than requested (ISO 8601)" };
        var quota = new Option<int?>("--quota") { Description = "A lower daily quota than requested" };
        var comment = new Option<string?>("--comment") { Description = "The approver's comment (recorded in the history)" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("approve", "Approve a request, possibly narrowing it (an approval never widens)") { id, fields, validTo, quota, comment });
        command.SetAction((parse, ct) =>
        {
            var body = new Dictionary<string, object?>
            {
                ["fields"] = parse.GetValue(fields)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ["validTo"] = parse.GetValue(validTo),
                ["dailyQuota"] = parse.GetValue(quota),
                ["comment"] = parse.GetValue(comment),
            };
            return StepAsync(cli, parse, api, $"api/v1/sharing-requests/{parse.GetRequiredValue(id)}/approve", body.Where(b => b.Value is not null).ToDictionary(), "Approved", ct);
        });
        return command;
    }

    private static Command Reject(CliContext cli)
    {
        var id = new Argument<Guid>("id") { Description = "Id of the sharing request" };
        var reason = new Option<string>("--reason") { Description = "Why (required; the requester sees it and may dispute)", Required = true };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("reject", "Reject a request with a reason") { id, reason });
        command.SetAction((parse, ct) => StepAsync(cli, parse, api, $"api/v1/sharing-requests/{parse.GetRequiredValue(id)}/reject", new { reason = parse.GetRequiredValue(reason) }, "Rejected", ct));
        return command;
    }

    private static Command ListGrants(CliContext cli)
    {
        var status = new Option<string?>("--status") { Description = "Only grants with this status: Active, Suspended, Revoked or Expired" };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("list", "List the grants your organization holds or gives") { status });
        command.SetAction((parse, ct) => ListAsync(
            cli, parse, api, "api/v1/grants" + (parse.GetValue(status) is { } s ? $"?status={Uri.EscapeDataString(s)}" : ""), "grant(s)",
            ["id", "resource", "status", "valid to", "fields"],
            g => [g.String("id") ?? "", g.String("resourceCode") ?? "", g.String("status") ?? "", g.String("validTo") ?? "",
                g.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array ? string.Join(",", f.EnumerateArray().Select(x => x.GetString())) : ""],
            ct));
        return command;
    }

    private static Command Revoke(CliContext cli)
    {
        var id = new Argument<Guid>("id") { Description = "Id of the grant" };
        var reason = new Option<string>("--reason") { Description = "Why (required; revocation is final)", Required = true };
        var api = new ApiOptions();
        var command = api.AddTo(new Command("revoke", "Revoke a grant for good (撤销)") { id, reason });
        command.SetAction((parse, ct) => StepAsync(cli, parse, api, $"api/v1/grants/{parse.GetRequiredValue(id)}/revoke", new { reason = parse.GetRequiredValue(reason) }, "Revoked", ct));
        return command;
    }

    private static async Task<int> StepAsync(CliContext cli, ParseResult parse, ApiOptions api, string path, object body, string verb, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var response = await http.PostJsonAsync(path, body, cancellationToken);
        if (http.Settled(response, out var settled))
        {
            return settled;
        }

        var json = response.Json;
        cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verb} {json?.String("resourceCode")} ({json?.String("id")}): status {json?.String("status") ?? "?"}."));
        if (json?.String("grantId") is { } grantId)
        {
            cli.Out.WriteLine($"Grant {grantId}.");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ListAsync(
        CliContext cli, ParseResult parse, ApiOptions api, string firstPath, string noun, string[] columns, Func<JsonElement, string[]> row, CancellationToken cancellationToken)
    {
        using var http = ShuqiaoHttp.Connect(cli, parse, api, needsCredential: true, out var exitCode);
        if (http is null)
        {
            return exitCode;
        }

        var (items, status) = await http.GetAllPagesAsync(firstPath, "a page", cancellationToken);
        if (items is null)
        {
            return status;
        }

        if (http.PrintJson)
        {
            cli.Out.WriteLine(JsonSerializer.Serialize(items, ShuqiaoHttp.Pretty));
            return ExitCodes.Ok;
        }

        var table = new TextTable(columns);
        foreach (var item in items)
        {
            table.Add(row(item));
        }

        table.WriteTo(cli.Out);
        cli.Out.WriteLine($"{items.Count} {noun}.");
        return ExitCodes.Ok;
    }
}
