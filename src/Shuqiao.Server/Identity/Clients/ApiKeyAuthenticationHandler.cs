using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Clients;

/// <summary>
/// Authenticates department systems by <c>Authorization: ApiKey &lt;keyId&gt;.&lt;secret&gt;</c> (design §2).
/// The source address checked against the client's IP allow-list is <see cref="ConnectionInfo.RemoteIpAddress"/>:
/// behind a reverse proxy or load balancer, list it in <c>Shuqiao:Security:TrustedProxies</c>, or every request
/// appears to come from the proxy. A client with a non-empty allow-list is refused when the server
/// does not know the source address at all (e.g. Unix-socket listeners).
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CredentialCache credentials,
    ApiClientStore clients,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    // Checked when the key id is unknown, so that answering "unknown" costs the same hashing as "wrong secret".
    private static readonly byte[] DecoyHash = SecretCredential.Hash(Guid.NewGuid().ToString());

    public static class Reasons
    {
        public const string Malformed = "The Authorization header must be 'ApiKey <keyId>.<secret>'.";
        public const string NotAKeyId = "This is not an API key: API key ids start with 'sqk_' (personal access tokens go in 'Authorization: Bearer').";
        public const string Unknown = "The API key is not known.";
        public const string WrongSecret = "The API key's secret is wrong.";
        public const string PreviousSecretExpired = "The API key was rotated and the grace period of its previous secret has ended; use the new key.";
        public const string Suspended = "The API client is suspended.";
        public const string Deleted = "The API client was deleted.";
        public const string OrganizationDisabled = "The API client's organization is disabled.";
        public const string AddressUnknown = "The API client accepts only listed source addresses, and this request's source address is unknown.";
        public static string AddressNotAllowed(System.Net.IPAddress? source) => $"The API client does not accept requests from {source}.";
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (CredentialHeader.Read(Request, AuthSchemes.ApiKey, out var presented))
        {
            case CredentialHeader.Reading.Absent:
                return AuthenticateResult.NoResult();
            case CredentialHeader.Reading.Malformed:
                return Refuse(Reasons.Malformed);
        }

        if (!presented.Id.StartsWith(ApiClient.KeyIdPrefix, StringComparison.Ordinal) || presented.Id.Length > 64)
        {
            return Refuse(Reasons.NotAKeyId);
        }

        var credential = await credentials.FindClientAsync(presented.Id, Context.RequestAborted);
        if (credential is null)
        {
            SecretCredential.Matches(presented.Secret, DecoyHash);
            LogUnknown(Logger);
            return Refuse(Reasons.Unknown);
        }

        var source = Context.Connection.RemoteIpAddress;
        var verdict = credential.Verify(presented.Secret, source, clock.GetUtcNow());
        if (verdict != ApiKeyVerdict.Accepted)
        {
            LogRefused(Logger, credential.Client.KeyId, verdict);
            return Refuse(verdict switch
            {
                ApiKeyVerdict.WrongSecret => Reasons.WrongSecret,
                ApiKeyVerdict.PreviousSecretExpired => Reasons.PreviousSecretExpired,
                ApiKeyVerdict.Suspended => Reasons.Suspended,
                ApiKeyVerdict.Deleted => Reasons.Deleted,
                ApiKeyVerdict.OrganizationDisabled => Reasons.OrganizationDisabled,
                ApiKeyVerdict.AddressUnknown => Reasons.AddressUnknown,
                _ => Reasons.AddressNotAllowed(source),
            });
        }

        var client = credential.Client;
        if (credentials.ShouldRecordUse(client.Id))
        {
            await clients.TouchAsync(client.Id, Context.RequestAborted);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(PrincipalFor(client, Scheme.Name), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        CredentialHeader.Challenge(Context, AuthSchemes.ApiKey, "invalid_key");
        return Task.CompletedTask;
    }

    public static ClaimsPrincipal PrincipalFor(ApiClient client, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ShuqiaoClaims.Id, client.Id.ToString()),
            new(ClaimTypes.Name, client.Name),
            new(ShuqiaoClaims.Login, client.KeyId),
            new(ShuqiaoClaims.OrganizationId, client.OrganizationId.ToString()),
            new(ShuqiaoClaims.Method, "apikey"),
            new(ShuqiaoClaims.RateLimitPerMinute, client.RateLimitPerMinute.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, Roles.ApiClient),
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    private AuthenticateResult Refuse(string reason)
    {
        AuthenticationFailure.Remember(Context, reason);
        return AuthenticateResult.Fail(reason);
    }

    [LoggerMessage(2101, LogLevel.Information, "API key {KeyId} refused: {Verdict}")]
    private static partial void LogRefused(ILogger logger, string keyId, ApiKeyVerdict verdict);

    // The unknown id itself is not logged: it is whatever a caller sent.
    [LoggerMessage(2102, LogLevel.Debug, "An unknown API key was refused")]
    private static partial void LogUnknown(ILogger logger);
}
