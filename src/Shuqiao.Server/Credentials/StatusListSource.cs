using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// Where the server's verifier gets status lists: lists of this node are built from the database directly (same
/// result as fetching them, without a network round trip); another node's lists are fetched over HTTP, but only from
/// the origin its trust list entry names, so a credential cannot send this node to arbitrary addresses.
/// </summary>
public sealed partial class StatusListSource(
    LicenceStore licences,
    StatusListService lists,
    IHttpClientFactory httpClients,
    IOptions<CredentialsOptions> options,
    ILogger<StatusListSource> logger) : IStatusListSource
{
    public const string HttpClientName = "credentials-status";

    private const int MaxListBytes = 2 * 1024 * 1024;

    public async Task<StatusListFetch> FetchAsync(string url, IssuerRecord issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return StatusListFetch.Failed("not an http(s) URL");
        }

        var match = LocalListPath().Match(uri.AbsolutePath);
        if (issuer.Source == IssuerSource.Local && match.Success && Guid.TryParse(match.Groups[1].Value, out var listId))
        {
            var state = await licences.FindStatusListAsync(listId, cancellationToken);
            var built = state is null ? null : await lists.BuildAsync(listId, uri.GetLeftPart(UriPartial.Authority), cancellationToken);
            return built is { } list && list.IssuerDid == issuer.Did
                ? StatusListFetch.Of(list.Credential.ToJsonString())
                : StatusListFetch.Failed("this node has no such status list of the issuer");
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        if (!issuer.StatusOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return StatusListFetch.Failed($"{origin} is not where the trust list says this issuer's status lists are");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.StatusFetchTimeoutSeconds));
            var http = httpClients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vc+ld+json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return StatusListFetch.Failed($"HTTP {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > MaxListBytes)
                {
                    return StatusListFetch.Failed("the status list is larger than 2 MiB");
                }

                buffer.Write(chunk, 0, read);
            }

            return StatusListFetch.Of(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, origin, "timeout");
            return StatusListFetch.Failed("timed out");
        }
        catch (HttpRequestException e)
        {
            LogFetchFailed(logger, origin, e.HttpRequestError.ToString());
            return StatusListFetch.Failed("unreachable (" + e.HttpRequestError + ")");
        }
    }

    [GeneratedRegex("^/credentials/status/([0-9a-fA-F-]{36})$")]
    private static partial Regex LocalListPath();

    [LoggerMessage(EventId = 2620, Level = LogLevel.Warning, Message = "Fetching a status list from {Origin} failed: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string origin, string error);
}

/// <summary>This node's issued credentials by id (urn:uuid:licence id), without proofs, to tell changed content from a damaged signature.</summary>
public sealed class IssuedCredentialRegistry(LicenceStore licences) : IIssuedCredentialRegistry
{
    public async Task<System.Text.Json.Nodes.JsonObject?> FindIssuedAsync(string credentialId, CancellationToken cancellationToken)
    {
        if (!LicenceIds.TryParse(credentialId, out var id) || await licences.FindCredentialAsync(id, cancellationToken) is not { } json)
        {
            return null;
        }

        var credential = CredentialJsonText.Parse(json);
        credential.Remove("proof");
        return credential;
    }
}

public static class LicenceIds
{
    /// <summary>The licence id of a credential id <c>urn:uuid:…</c>.</summary>
    public static bool TryParse(string? credentialId, out Guid id)
    {
        id = Guid.Empty;
        return credentialId is not null && credentialId.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(credentialId.AsSpan(9), out id);
    }
}
