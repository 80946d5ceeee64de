using System.Text.Json;

namespace Shuqiao.Cli.Identity;

/// <summary>How the client commands show an API client (应用系统) and, once, its key.</summary>
internal static class ClientOutput
{
    public static void WriteClient(CliContext cli, JsonElement client)
    {
        var table = new TextTable("field", "value");
        foreach (var (field, label) in Fields)
        {
            if (client.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                table.Add(label, value.ValueKind == JsonValueKind.Array ? string.Join(", ", value.EnumerateArray().Select(v => v.ToString())) : value.ToString());
            }
        }

        table.WriteTo(cli.Out);
    }

    /// <summary>The key goes to standard output (so it can be captured); the warning to standard error.</summary>
    public static void WriteKey(CliContext cli, string key)
    {
        cli.Error.WriteLine();
        cli.Error.WriteLine("API key — shown this once. Store it now in the department system's secret store; the server keeps");
        cli.Error.WriteLine("only its hash and cannot show it again (if it is lost, rotate the key). Send it as 'Authorization: ApiKey <key>':");
        cli.Out.WriteLine(key);
    }

    public static string Row(JsonElement client, string field) => client.String(field) ?? "";

    private static readonly (string Field, string Label)[] Fields =
    [
        ("id", "id"),
        ("name", "name"),
        ("keyId", "key id"),
        ("organizationId", "organization"),
        ("status", "status"),
        ("rateLimitPerMinute", "requests/minute"),
        ("ipAllowList", "IP allow-list"),
        ("description", "description"),
        ("previousSecretExpiresAt", "old key valid until"),
        ("lastUsedAt", "last used"),
        ("createdAt", "created"),
    ];
}
