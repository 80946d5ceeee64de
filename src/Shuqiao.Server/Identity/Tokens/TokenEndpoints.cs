using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Identity.Tokens;

public sealed record TokenResponse(
    Guid Id, string TokenId, string Name, IReadOnlyList<string> Roles, PersonalAccessTokenStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static TokenResponse Of(PersonalAccessToken t, DateTimeOffset now) =>
        new(t.Id, t.TokenId, t.Name, t.Roles, t.StatusAt(now), t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}

/// <summary><see cref="Token"/> (<c>tokenId.secret</c>) is in this response only; the server cannot show it again.</summary>
public sealed record IssuedTokenResponse(string Token, TokenResponse Details);

public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        // Users only: an API client is a system, not a person, and cannot hold personal tokens.
        var tokens = routes.MapGroup("/api/v1/tokens").WithTags("Personal access tokens").RequireAuthorization(Policies.Api);
        tokens.MapPost("/", Create).WithName("CreateToken").RequireAuthorization(Policies.TokenOwner);
        tokens.MapGet("/", List).WithName("ListTokens").RequireAuthorization(Policies.TokenOwner);
        tokens.MapDelete("/{id:guid}", Revoke).WithName("RevokeToken").RequireAuthorization(Policies.TokenOwner);
        return routes;
    }

    private static async Task<Results<Created<IssuedTokenResponse>, ProblemHttpResult>> Create(
        CreateTokenRequest request, HttpContext context, AccessTokenService service, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (TokenIssuer.Of(context.User) is not { } issuer)
        {
            return Problems.From(Core.Common.Failure.NotFound("The user"));
        }

        var outcome = await service.CreateAsync(issuer, request, context.ToActor(), cancellationToken);
        if (outcome.Value is not { } issued)
        {
            return Problems.From(outcome.Failure!);
        }

        ApiClientEndpoints.NoStore(context);
        return TypedResults.Created($"/api/v1/tokens/{issued.Token.Id}", new IssuedTokenResponse(issued.Credential, TokenResponse.Of(issued.Token, clock.GetUtcNow())));
    }

    private static async Task<Results<Ok<Page<TokenResponse>>, ProblemHttpResult>> List(
        HttpContext context, AccessTokenService service, TimeProvider clock, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeGuid(cursor, out var before))
        {
            return Problems.Invalid("cursor", "is not a cursor this API returned");
        }

        if (context.User.UserOrClientId() is not { } userId)
        {
            return Problems.NotFound("The user");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var rows = await service.ListAsync(userId, before, size + 1, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(Cursor.PageOf(rows, size, t => t.Id.ToString(), t => TokenResponse.Of(t, now)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, HttpContext context, AccessTokenService service, CancellationToken cancellationToken)
    {
        if (context.User.UserOrClientId() is not { } userId)
        {
            return Problems.NotFound("The token");
        }

        var outcome = await service.RevokeAsync(id, userId, context.ToActor(), cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }
}
