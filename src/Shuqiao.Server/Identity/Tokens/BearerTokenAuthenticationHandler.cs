using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Tokens;

/// <summary>
/// Authenticates personal access tokens: <c>Authorization: Bearer &lt;tokenId&gt;.&lt;secret&gt;</c>. The principal
/// is the token's user with the token's roles that the user still holds, so taking a role from a user takes it from
/// all of their tokens at once.
/// </summary>
public sealed partial class BearerTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CredentialCache credentials,
    AccessTokenStore tokens,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private static readonly byte[] DecoyHash = SecretCredential.Hash(Guid.NewGuid().ToString());

    public static class Reasons
    {
        public const string Malformed = "The Authorization header must be 'Bearer <tokenId>.<secret>'.";
        public const string NotATokenId = "This is not a personal access token: token ids start with 'sqp_' (API keys go in 'Authorization: ApiKey').";
        public const string Unknown = "The token is not known.";
        public const string WrongSecret = "The token's secret is wrong.";
        public const string Revoked = "The token was revoked.";
        public static string Expired(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"The token expired at {at.UtcDateTime:u}.");
        public const string UserDisabled = "The token's user is disabled.";
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (CredentialHeader.Read(Request, AuthSchemes.Bearer, out var presented))
        {
            case CredentialHeader.Reading.Absent:
                return AuthenticateResult.NoResult();
            case CredentialHeader.Reading.Malformed:
                return Refuse(Reasons.Malformed);
        }

        if (!presented.Id.StartsWith(PersonalAccessToken.TokenIdPrefix, StringComparison.Ordinal) || presented.Id.Length > 64)
        {
            return Refuse(Reasons.NotATokenId);
        }

        var cancellationToken = Context.RequestAborted;
        var credential = await credentials.FindTokenAsync(presented.Id, cancellationToken);
        if (credential is null)
        {
            SecretCredential.Matches(presented.Secret, DecoyHash);
            return Refuse(Reasons.Unknown);
        }

        var token = credential.Token;
        var verdict = credential.Verify(presented.Secret, clock.GetUtcNow());
        if (verdict != AccessTokenVerdict.Accepted)
        {
            LogRefused(Logger, token.TokenId, verdict.ToString());
            return Refuse(verdict switch
            {
                AccessTokenVerdict.WrongSecret => Reasons.WrongSecret,
                AccessTokenVerdict.Revoked => Reasons.Revoked,
                _ => Reasons.Expired(token.ExpiresAt),
            });
        }

        var user = await credentials.FindUserAsync(token.UserId, cancellationToken);
        if (user is not { Status: UserStatus.Active })
        {
            LogRefused(Logger, token.TokenId, "UserDisabled");
            return Refuse(Reasons.UserDisabled);
        }

        if (credentials.ShouldRecordUse(token.Id))
        {
            await tokens.TouchAsync(token.Id, cancellationToken);
        }

        var principal = SignInService.PrincipalFor(user, "token", token.EffectiveRoles(user));
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(ShuqiaoClaims.TokenId, token.Id.ToString()));
        identity.AddClaim(new Claim(ShuqiaoClaims.TokenExpiresAt, token.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // RFC 6750 §3.1: a refused token is "invalid_token"; a request without one gets no error code.
        CredentialHeader.Challenge(Context, AuthSchemes.Bearer, "invalid_token");
        return Task.CompletedTask;
    }

    private AuthenticateResult Refuse(string reason)
    {
        AuthenticationFailure.Remember(Context, reason);
        return AuthenticateResult.Fail(reason);
    }

    [LoggerMessage(2111, LogLevel.Information, "Personal access token {TokenId} refused: {Verdict}")]
    private static partial void LogRefused(ILogger logger, string tokenId, string verdict);
}
