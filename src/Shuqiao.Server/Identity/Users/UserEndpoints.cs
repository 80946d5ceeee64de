using Shuqiao.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Users;

public sealed record UserResponse(
    Guid Id, string Login, string DisplayName, Guid OrganizationId, IReadOnlyList<string> Roles, UserStatus Status,
    bool IsDemo, bool LockedOut, DateTimeOffset? LastLoginAt, DateTimeOffset CreatedAt, int Version)
{
    public static UserResponse Of(User u, DateTimeOffset now) => new(
        u.Id, u.Login, u.DisplayName, u.OrganizationId, u.Roles, u.Status, u.IsDemo, u.IsLockedOut(now), u.LastLoginAt, u.CreatedAt, u.Version);
}

public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

public sealed record ResetPasswordRequest(string Password);

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Policies.Api);
        users.MapGet("/", List).WithName("ListUsers").RequireAuthorization(Policies.AuditReaders);
        users.MapGet("/me", Me).WithName("GetCurrentUser");
        users.MapPost("/me/password", ChangePassword).WithName("ChangeOwnPassword");
        users.MapGet("/{id:guid}", Get).WithName("GetUser").RequireAuthorization(Policies.AuditReaders);
        users.MapPost("/", Create).WithName("CreateUser").RequireAuthorization(Policies.PlatformAdmin);
        users.MapPut("/{id:guid}", Update).WithName("UpdateUser").RequireAuthorization(Policies.PlatformAdmin);
        users.MapPost("/{id:guid}/unlock", Unlock).WithName("UnlockUser").RequireAuthorization(Policies.PlatformAdmin);
        users.MapPost("/{id:guid}/reset-password", ResetPassword).WithName("ResetUserPassword").RequireAuthorization(Policies.PlatformAdmin);
        return routes;
    }

    private static async Task<Results<Ok<Page<UserResponse>>, ProblemHttpResult>> List(
        UserStore store, TimeProvider clock, Guid? organizationId, string? search, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (!Cursor.TryDecodeGuid(cursor, out var after))
        {
            return Problems.Invalid("cursor", "is not a cursor this API returned");
        }

        var size = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        var rows = await store.ListAsync(organizationId, search, after, size + 1, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(Cursor.PageOf(rows, size, u => u.Id.ToString(), u => UserResponse.Of(u, now)));
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> Me(HttpContext context, UserStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = context.User.IsApiClient() || context.User.UserOrClientId() is not { } id ? null : await store.FindAsync(id, cancellationToken);
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(UserResponse.Of(user, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(Guid id, UserStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } user
            ? TypedResults.Ok(UserResponse.Of(user, clock.GetUtcNow()))
            : Problems.NotFound("The user");

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Create(
        CreateUserRequest request, HttpContext context, UserService service, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await service.CreateAsync(request, context.ToActor(), isDemo: false, cancellationToken);
        return outcome.Value is { } user
            ? TypedResults.Created($"/api/v1/users/{user.Id}", UserResponse.Of(user, clock.GetUtcNow()))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Update(
        Guid id, UpdateUserRequest request, HttpContext context, UserService service, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await service.UpdateAsync(id, request, context.ToActor(), cancellationToken);
        return outcome.Value is { } user ? TypedResults.Ok(UserResponse.Of(user, clock.GetUtcNow())) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, UserService service, CancellationToken cancellationToken)
    {
        if (context.User.IsApiClient() || context.User.UserOrClientId() is not { } id)
        {
            return Problems.Invalid("credential", "only a user's own token can change that user's password");
        }

        var outcome = await service.ChangePasswordAsync(id, request.CurrentPassword, request.NewPassword, context.ToActor(), cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unlock(Guid id, HttpContext context, UserService service, CancellationToken cancellationToken)
    {
        var outcome = await service.UnlockAsync(id, context.ToActor(), cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetPassword(
        Guid id, ResetPasswordRequest request, HttpContext context, UserService service, CancellationToken cancellationToken)
    {
        var outcome = await service.ResetPasswordAsync(id, request.Password, context.ToActor(), cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : Problems.From(outcome.Failure!);
    }
}
