using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Identity.Clients;

public sealed record ApiClientResponse(
    Guid Id, string KeyId, Guid OrganizationId, string Name, string? Description, IReadOnlyList<string> IpAllowList,
    int RateLimitPerMinute, ApiClientStatus Status, bool IsDemo, DateTimeOffset? LastUsedAt,
    DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    public static ApiClientResponse Of(ApiClient c) => new(
        c.Id, c.KeyId, c.OrganizationId, c.Name, c.Description, c.IpAllowList.ToStrings(), c.RateLimitPerMinute, c.Status,
        c.IsDemo, c.LastUsedAt, c.PreviousSecretExpiresAt, c.CreatedAt, c.UpdatedAt, c.Version);
}

/// <summary>The full key (<c>keyId.secret</c>) is in this response only; the server cannot show it again.</summary>
public sealed record ApiClientKeyResponse(string Key, ApiClientResponse Client)
{
    public static ApiClientKeyResponse Of(IssuedClientKey issued) => new(issued.Key, ApiClientResponse.Of(issued.Client));
}

public static class ApiClientEndpoints
{
    public static IEndpointRouteBuilder MapApiClients(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup("/api/v1/clients").WithTags("API clients").RequireAuthorization(Policies.Api);
        clients.MapGet("/me", Me).WithName("GetCurrentClient");
        clients.MapPost("/", Create).WithName("CreateClient").RequireAuthorization(Policies.ClientManagers);
        clients.MapGet("/", List).WithName("ListClients").RequireAuthorization(Policies.ClientManagers);
        clients.MapGet("/{id:guid}", Get).WithName("GetClient").RequireAuthorization(Policies.ClientManagers);
        clients.MapPut("/{id:guid}", Update).WithName("UpdateClient").RequireAuthorization(Policies.ClientManagers);
        clients.MapPost("/{id:guid}/rotate", Rotate).WithName("RotateClientKey").RequireAuthorization(Policies.ClientManagers);
        clients.MapPost("/{id:guid}/suspend", Suspend).WithName("SuspendClient").RequireAuthorization(Policies.ClientManagers);
        clients.MapPost("/{id:guid}/activate", Activate).WithName("ActivateClient").RequireAuthorization(Policies.ClientManagers);
        clients.MapDelete("/{id:guid}", Delete).WithName("DeleteClient").RequireAuthorization(Policies.ClientManagers);
        return routes;
    }

    /// <summary>The calling API client itself: lets an integrator check a key (and its limits) without side effects.</summary>
    private static async Task<Results<Ok<ApiClientResponse>, ProblemHttpResult>> Me(HttpContext context, ApiClientService service, CancellationToken cancellationToken)
    {
        var client = context.User.IsApiClient() && context.User.UserOrClientId() is { } id
            ? await service.FindAsync(id, ClientScope.All, cancellationToken)
            : null;
        return client is null ? Problems.NotFound("The calling API client") : TypedResults.Ok(ApiClientResponse.Of(client));
    }

    private static async Task<Results<Created<ApiClientKeyResponse>, ProblemHttpResult>> Create(
        CreateClientRequest request, HttpContext context, ApiClientService service, CancellationToken cancellationToken)
    {
        var outcome = await service.CreateAsync(request, ClientScope.Of(context.User), context.User.OrganizationOf(), context.ToActor(), isDemo: false, cancellationToken);
        if (outcome.Value is not { } issued)
        {
            return Problems.From(outcome.Failure!);
        }

        NoStore(context);
        return TypedResults.Created($"/api/v1/clients/{issued.Client.Id}", ApiClientKeyResponse.Of(issued));
    }

    private static async Task<Results<Ok<Page<ApiClientResponse>>, ProblemHttpResult>> List(
        HttpContext context, ApiClientService service, Guid? organizationId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Problems.Invalid("cursor", "is not a cursor this API returned");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var rows = await service.ListAsync(ClientScope.Of(context.User), organizationId, after, size + 1, cancellationToken);
        return TypedResults.Ok(Cursor.PageOf(rows, size, c => c.Id.ToString(), ApiClientResponse.Of));
    }

    private static async Task<Results<Ok<ApiClientResponse>, ProblemHttpResult>> Get(Guid id, HttpContext context, ApiClientService service, CancellationToken cancellationToken) =>
        await service.FindAsync(id, ClientScope.Of(context.User), cancellationToken) is { } client
            ? TypedResults.Ok(ApiClientResponse.Of(client))
            : Problems.NotFound("The API client");

    private static async Task<Results<Ok<ApiClientResponse>, ProblemHttpResult>> Update(
        Guid id, UpdateClientRequest request, HttpContext context, ApiClientService service, CancellationToken cancellationToken) =>
        Respond(await service.UpdateAsync(id, request, ClientScope.Of(context.User), context.ToActor(), cancellationToken));

    private static async Task<Results<Ok<ApiClientKeyResponse>, ProblemHttpResult>> Rotate(
        Guid id, RotateClientRequest? request, HttpContext context, ApiClientService service, CancellationToken cancellationToken)
    {
        var outcome = await service.RotateAsync(id, request?.GraceMinutes, ClientScope.Of(context.User), context.ToActor(), cancellationToken);
        if (outcome.Value is not { } issued)
        {
            return Problems.From(outcome.Failure!);
        }

        NoStore(context);
        return TypedResults.Ok(ApiClientKeyResponse.Of(issued));
    }

    private static async Task<Results<Ok<ApiClientResponse>, ProblemHttpResult>> Suspend(Guid id, HttpContext context, ApiClientService service, CancellationToken cancellationToken) =>
        Respond(await service.SuspendAsync(id, ClientScope.Of(context.User), context.ToActor(), cancellationToken));

    private static async Task<Results<Ok<ApiClientResponse>, ProblemHttpResult>> Activate(Guid id, HttpContext context, ApiClientService service, CancellationToken cancellationToken) =>
        Respond(await service.ActivateAsync(id, ClientScope.Of(context.User), context.ToActor(), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, HttpContext context, ApiClientService service, CancellationToken cancellationToken)
    {
        var outcome = await service.DeleteAsync(id, ClientScope.Of(context.User), context.ToActor(), cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }

    private static Results<Ok<ApiClientResponse>, ProblemHttpResult> Respond(Outcome<ApiClient> outcome) =>
        outcome.Value is { } client ? TypedResults.Ok(ApiClientResponse.Of(client)) : Problems.From(outcome.Failure!);

    // A response carrying a secret must not be kept by any cache between here and the caller.
    internal static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
