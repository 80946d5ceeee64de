using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Shuqiao.Core.Identity;

namespace Shuqiao.Cli;

/// <summary>
/// The HTTP side of every server-API command: finds the server and the credential, sends JSON or CSV, and turns
/// RFC 9457 problem responses into readable messages and exit codes. (Named so as not to be confused with the
/// domain's API clients, 应用系统.)
/// </summary>
internal sealed class ShuqiaoHttp : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Pretty = new(Json) { WriteIndented = true };

    private readonly CliContext _cli;
    private readonly HttpClient _http;

    private ShuqiaoHttp(CliContext cli, Uri server, AuthenticationHeaderValue? credential, bool printJson)
    {
        _cli = cli;
        Server = server;
        PrintJson = printJson;
        _http = new HttpClient(cli.CreateHttpHandler(), disposeHandler: true) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = credential;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("shuqiao-cli", typeof(ShuqiaoHttp).Assembly.GetName().Version?.ToString(3) ?? "0"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
    }

    public Uri Server { get; }

    /// <summary>--json: commands print the server's JSON as is.</summary>
    public bool PrintJson { get; }

    /// <summary>How long a request may take (default 100 s); uploads of large files set it longer before sending.</summary>
    public TimeSpan Timeout
    {
        get => _http.Timeout;
        set => _http.Timeout = value;
    }

    /// <summary>Resolves server and credential from options, environment and saved logins; null after printing why not.</summary>
    public static ShuqiaoHttp? Connect(CliContext cli, ParseResult parse, ApiOptions options, bool needsCredential, out int exitCode)
    {
        exitCode = ExitCodes.Usage;
        var saved = new CredentialStore(cli.ConfigDirectory).Load();
        var serverText = parse.GetValue(options.Server) ?? cli.Env(ApiOptions.UrlVariable) ?? saved.DefaultServer;
        if (serverText is null)
        {
            cli.Fail(exitCode, $"no server: pass --server https://… or set {ApiOptions.UrlVariable} (or run 'shuqiao login --server …' once)");
            return null;
        }

        if (NormalizeServer(serverText) is not { } server)
        {
            cli.Fail(exitCode, $"'{serverText}' is not an http:// or https:// URL");
            return null;
        }

        AuthenticationHeaderValue? credential = null;
        if (needsCredential)
        {
            var token = parse.GetValue(options.Token);
            var apiKey = parse.GetValue(options.ApiKey);
            if (token is not null && apiKey is not null)
            {
                cli.Fail(exitCode, "pass either --token or --api-key, not both");
                return null;
            }

            if (token is null && apiKey is null)
            {
                token = cli.Env(ApiOptions.TokenVariable);
                apiKey = token is null ? cli.Env(ApiOptions.ApiKeyVariable) : null;
                token ??= apiKey is null && saved.Servers.TryGetValue(Key(server), out var login) ? login.Token : null;
            }

            var (scheme, value) = token is not null ? ("Bearer", token.Trim()) : ("ApiKey", apiKey?.Trim());
            if (value is null)
            {
                cli.Fail(exitCode, $"no credential for {Key(server)}: pass --token (or set {ApiOptions.TokenVariable}), --api-key (or {ApiOptions.ApiKeyVariable}), or run 'shuqiao login --server {Key(server)}'");
                return null;
            }

            if (!SecretCredential.TryParse(value, out _))
            {
                cli.Fail(exitCode, $"the {(scheme == "Bearer" ? "token" : "API key")} is not of the form <id>.<secret>");
                return null;
            }

            credential = new AuthenticationHeaderValue(scheme, value);
        }

        exitCode = ExitCodes.Ok;
        return new ShuqiaoHttp(cli, server, credential, parse.GetValue(options.Json));
    }

    /// <summary>A client for a server and token already known (shuqiao login checks the token it is given).</summary>
    public static ShuqiaoHttp WithToken(CliContext cli, Uri server, string token) =>
        new(cli, server, new AuthenticationHeaderValue("Bearer", token), printJson: false);

    /// <summary>The base address with a trailing slash, so relative paths keep a path prefix (a reverse proxy's).</summary>
    public static Uri? NormalizeServer(string text) =>
        Uri.TryCreate(text.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Query.Length == 0
            ? uri
            : null;

    /// <summary>How a server is named in credentials.json: its URL without the trailing slash.</summary>
    public static string Key(Uri server) => server.AbsoluteUri.TrimEnd('/');

    public Task<ApiResponse?> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiResponse?> PostJsonAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Sends a request; null (after printing why) when the server could not be reached.</summary>
    public async Task<ApiResponse?> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (HttpRequestException e)
        {
            _cli.Fail(ExitCodes.Unavailable, $"cannot reach {Key(Server)}: {e.Message}");
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _cli.Fail(ExitCodes.Unavailable, $"{Key(Server)} did not answer within {_http.Timeout.TotalSeconds:0} s");
            return null;
        }
    }

    /// <summary>
    /// What every command does alike with an answer: the server was unreachable (exit 3), refused (the problem is
    /// printed), or --json asked for the raw answer. True, with the exit code, in those cases; false when the
    /// command should present the answer itself.
    /// </summary>
    public bool Settled([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] ApiResponse? response, out int exitCode)
    {
        exitCode = response is null ? ExitCodes.Unavailable
            : !response.IsSuccess ? Refused(response)
            : PrintJson ? WriteJsonAndSucceed(response)
            : ExitCodes.Ok;
        return response is null || !response.IsSuccess || PrintJson;
    }

    private int WriteJsonAndSucceed(ApiResponse response)
    {
        WriteJson(response);
        return ExitCodes.Ok;
    }

    /// <summary>Prints a response as indented JSON (for --json).</summary>
    public void WriteJson(ApiResponse response)
    {
        if (response.Json is { } json)
        {
            _cli.Out.WriteLine(JsonSerializer.Serialize(json, Pretty));
        }
        else
        {
            _cli.Out.WriteLine(response.Body);
        }
    }

    /// <summary>
    /// Every item of a paged collection (<c>{items, nextCursor}</c>), following the cursors; null and the exit code when a
    /// page cannot be had (the reason is printed). <paramref name="what"/> names the collection in that message.
    /// </summary>
    public async Task<(List<JsonElement>? Items, int ExitCode)> GetAllPagesAsync(string path, string what, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = cursor is null ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"cursor={Uri.EscapeDataString(cursor)}";
            var response = await GetAsync(page, cancellationToken);
            if (response is null)
            {
                return (null, ExitCodes.Unavailable);
            }

            if (!response.IsSuccess)
            {
                return (null, Refused(response));
            }

            if (response.Json is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("items", out var pageItems) || pageItems.ValueKind != JsonValueKind.Array)
            {
                return (null, _cli.Fail(ExitCodes.Failed, $"the server's answer is not {what} ({{items, nextCursor}})"));
            }

            items.AddRange(pageItems.EnumerateArray());
            cursor = json.String("nextCursor");
        }
        while (cursor is not null);

        return (items, ExitCodes.Ok);
    }

    /// <summary>Prints a refusal (problem+json or not) readably and returns its exit code.</summary>
    public int Refused(ApiResponse response)
    {
        var error = _cli.Error;
        var status = (int)response.Status;
        var problem = response.Json is { ValueKind: JsonValueKind.Object } json ? json : (JsonElement?)null;
        var title = problem?.String("title") ?? response.Status.ToString();
        error.WriteLine($"error: {title} (HTTP {status})");
        if (problem?.String("detail") is { } detail)
        {
            error.WriteLine($"  {detail}");
        }

        if (problem?.TryGetProperty("errors", out var errors) == true && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                var reasons = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(r => r.ToString()) : [field.Value.ToString()];
                foreach (var reason in reasons)
                {
                    error.WriteLine($"  {field.Name}: {reason}");
                }
            }
        }

        if (problem is null && response.Body.Length > 0 && response.MediaType is "text/plain" or "text/html" or null)
        {
            error.WriteLine($"  {response.Body[..Math.Min(response.Body.Length, 300)].ReplaceLineEndings(" ")}");
        }

        var hint = response.Status switch
        {
            HttpStatusCode.Unauthorized => "  The server did not accept the credential: check --token / --api-key, or run 'shuqiao login' again.",
            HttpStatusCode.Forbidden => "  The credential is valid but its roles do not allow this.",
            _ => null,
        };
        if (hint is not null)
        {
            error.WriteLine(hint);
        }

        if (problem?.String("requestId") is { } requestId)
        {
            error.WriteLine($"  (request id {requestId}: quote it to the node's operator)");
        }

        return response.Status == HttpStatusCode.Conflict ? ExitCodes.Conflict : ExitCodes.Failed;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A response read to the end: status, media type, body, and the body as JSON when it is JSON.</summary>
internal sealed class ApiResponse(HttpStatusCode status, string? mediaType, string body)
{
    private JsonElement? _json;
    private bool _parsed;

    public HttpStatusCode Status { get; } = status;

    public string? MediaType { get; } = mediaType;

    public string Body { get; } = body;

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public JsonElement? Json
    {
        get
        {
            if (!_parsed)
            {
                _parsed = true;
                if (MediaType is not null && MediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
                {
                    try
                    {
                        using var document = JsonDocument.Parse(Body);
                        _json = document.RootElement.Clone();
                    }
                    catch (JsonException)
                    {
                        _json = null;
                    }
                }
            }

            return _json;
        }
    }
}

internal static class JsonElementExtensions
{
    /// <summary>A property as text (strings as is, numbers and booleans as written), or null when absent or null.</summary>
    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}
