using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Users;

public sealed record CreateUserRequest(string Login, string DisplayName, Guid OrganizationId, IReadOnlyList<string> Roles, string Password);

public sealed record UpdateUserRequest(string DisplayName, Guid OrganizationId, IReadOnlyList<string> Roles, UserStatus Status, int Version);

/// <summary>User administration, shared by the API, the console pages and the CLI's first-run admin.</summary>
public sealed class UserService(UserStore users, PasswordHashing hashing, IOptions<SecurityOptions> security, IMemoryCache cache, CredentialCache credentials)
{
    public async Task<Outcome<User>> CreateAsync(CreateUserRequest request, Actor actor, bool isDemo, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (LoginRules.ValidateLogin(request.Login) is { } loginError)
        {
            errors.Add("login", loginError);
        }

        ValidateProfile(request.DisplayName, request.Roles, errors);
        if (LoginRules.ValidatePassword(request.Password, request.Login ?? "", security.Value.MinimumPasswordLength) is { } passwordError)
        {
            errors.Add("password", passwordError);
        }

        if (!errors.IsEmpty || request.Login is null)
        {
            return Failure.Invalid(errors);
        }

        return await users.CreateAsync(
            new NewUser(request.Login.Trim(), request.DisplayName.Trim(), request.OrganizationId, request.Roles.Distinct().ToList(), isDemo),
            hashing.Hash(request.Password),
            actor,
            cancellationToken);
    }

    public async Task<Outcome<User>> UpdateAsync(Guid id, UpdateUserRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateProfile(request.DisplayName, request.Roles, errors);
        if (actor.Id == id && (request.Status != UserStatus.Active || !request.Roles.Contains(Roles.PlatformAdmin)) && await IsPlatformAdminAsync(id, cancellationToken))
        {
            // Keeps a node from losing its last administrator by accident.
            errors.Add("roles", "you cannot remove your own PlatformAdmin role or disable yourself");
        }

        if (!errors.IsEmpty)
        {
            return Failure.Invalid(errors);
        }

        var current = await users.FindAsync(id, cancellationToken);
        if (current is null)
        {
            return Failure.NotFound("The user");
        }

        var outcome = await users.UpdateAsync(
            current with { DisplayName = request.DisplayName.Trim(), OrganizationId = request.OrganizationId, Roles = request.Roles.Distinct().ToList(), Status = request.Status, Version = request.Version },
            actor,
            cancellationToken);
        cache.Remove(ConsoleCookieEvents.CacheKey(id));
        credentials.InvalidateUser(id); // personal access tokens read the user through this cache
        return outcome;
    }

    public async Task<Outcome<bool>> ChangePasswordAsync(Guid id, string currentPassword, string newPassword, Actor actor, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(id, cancellationToken);
        if (user is null)
        {
            return Failure.NotFound("The user");
        }

        // A JSON body may leave either out (null); that is invalid input, not a server error.
        if (string.IsNullOrEmpty(currentPassword))
        {
            return Failure.Invalid("currentPassword", "is required");
        }

        var found = await users.FindForLoginAsync(user.Login, cancellationToken);
        if (found is null || !hashing.Verify(found.Value.PasswordHash, currentPassword))
        {
            return Failure.Invalid("currentPassword", "is not your current password");
        }

        if (LoginRules.ValidatePassword(newPassword, user.Login, security.Value.MinimumPasswordLength) is { } error)
        {
            return Failure.Invalid("newPassword", error);
        }

        if (newPassword == currentPassword)
        {
            return Failure.Invalid("newPassword", "must differ from the current password");
        }

        await users.SetPasswordAsync(id, hashing.Hash(newPassword), actor, "user.password-change", cancellationToken);
        cache.Remove(ConsoleCookieEvents.CacheKey(id));
        credentials.InvalidateUser(id); // personal access tokens read the user through this cache
        return true;
    }

    /// <summary>An administrator sets a new password for someone else (e.g. a forgotten one); their sessions end.</summary>
    public async Task<Outcome<bool>> ResetPasswordAsync(Guid id, string newPassword, Actor actor, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(id, cancellationToken);
        if (user is null)
        {
            return Failure.NotFound("The user");
        }

        if (LoginRules.ValidatePassword(newPassword, user.Login, security.Value.MinimumPasswordLength) is { } error)
        {
            return Failure.Invalid("password", error);
        }

        await users.SetPasswordAsync(id, hashing.Hash(newPassword), actor, "user.password-reset", cancellationToken);
        cache.Remove(ConsoleCookieEvents.CacheKey(id));
        credentials.InvalidateUser(id); // personal access tokens read the user through this cache
        return true;
    }

    public async Task<Outcome<bool>> UnlockAsync(Guid id, Actor actor, CancellationToken cancellationToken) =>
        await users.UnlockAsync(id, actor, cancellationToken) ? true : Failure.NotFound("The user");

    private async Task<bool> IsPlatformAdminAsync(Guid id, CancellationToken cancellationToken) =>
        (await users.FindAsync(id, cancellationToken))?.Roles.Contains(Roles.PlatformAdmin) == true;

    private static void ValidateProfile(string? displayName, IReadOnlyList<string>? roles, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 100)
        {
            errors.Add("displayName", "is required, at most 100 characters");
        }

        if (roles is null || roles.Count == 0)
        {
            errors.Add("roles", "at least one role is required");
        }
        else
        {
            foreach (var role in roles.Where(r => !Roles.IsKnown(r)))
            {
                errors.Add("roles", $"'{role}' is not a role; roles are {string.Join(", ", Roles.All)}");
            }
        }
    }
}
