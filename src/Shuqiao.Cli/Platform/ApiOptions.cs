using System.CommandLine;

namespace Shuqiao.Cli;

/// <summary>The options every server-API command takes: where the server is and which credential to send.</summary>
internal sealed class ApiOptions
{
    public const string UrlVariable = "SHUQIAO_URL";
    public const string TokenVariable = "SHUQIAO_TOKEN";
    public const string ApiKeyVariable = "SHUQIAO_API_KEY";

    public Option<string> Server { get; } = new("--server", "-s")
    {
        Description = $"Server base URL, e.g. https://shuqiao.example.gov.cn (default: ${UrlVariable}, else the one saved by 'shuqiao login')",
        HelpName = "url",
    };

    public Option<string> Token { get; } = new("--token")
    {
        Description = $"Personal access token, sent as 'Authorization: Bearer …' (default: ${TokenVariable}, else the one saved by 'shuqiao login')",
    };

    public Option<string> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key of an API client, sent as 'Authorization: ApiKey …' (default: ${ApiKeyVariable})",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the server's JSON instead of text" };

    /// <summary>Adds the options; <paramref name="withCredential"/> false for anonymous endpoints (health).</summary>
    public Command AddTo(Command command, bool withCredential = true)
    {
        command.Options.Add(Server);
        if (withCredential)
        {
            command.Options.Add(Token);
            command.Options.Add(ApiKey);
        }

        command.Options.Add(Json);
        return command;
    }
}
