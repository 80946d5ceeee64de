using System.Security.Claims;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Users;

public enum SignInOutcome
{
    Succeeded,
    InvalidCredentials, // unknown login and wrong password look the same
    LockedOut,
    Disabled,
}

public sealed record SignInAttempt(SignInOutcome Result, ClaimsPrincipal? Principal = null, DateTimeOffset? LockedUntil = null);

/// <summary>Checks a login and password, counting failures towards the lockout (design §2).</summary>
public sealed class SignInService(UserStore users, PasswordHashing hashing, IOptions<SecurityOptions> security, TimeProvider clock)
{
    public async Task<SignInAttempt> SignInAsync(string login, string password, string? sourceIp, CancellationToken cancellationToken)
    {
        var found = await users.FindForLoginAsync(login.Trim(), cancellationToken);
        if (found is not var (user, hash))
        {
            hashing.SpendDecoyTime(password);
            return new SignInAttempt(SignInOutcome.InvalidCredentials);
        }

        var now = clock.GetUtcNow();
        if (user.IsLockedOut(now))
        {
            // The password is not checked while locked, so a locked account cannot be probed.
            return new SignInAttempt(SignInOutcome.LockedOut, LockedUntil: user.LockedUntil);
        }

        if (!hashing.Verify(hash, password))
        {
            var options = security.Value;
            var lockedUntil = await users.RecordFailedLoginAsync(user, options.MaxFailedLogins, TimeSpan.FromMinutes(options.LockoutMinutes), sourceIp, cancellationToken);
            return lockedUntil is null
                ? new SignInAttempt(SignInOutcome.InvalidCredentials)
                : new SignInAttempt(SignInOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        if (user.Status != UserStatus.Active)
        {
            return new SignInAttempt(SignInOutcome.Disabled);
        }

        await users.RecordLoginAsync(user, sourceIp, cancellationToken);
        return new SignInAttempt(SignInOutcome.Succeeded, PrincipalFor(user, "cookie", user.Roles));
    }

    public static ClaimsPrincipal PrincipalFor(User user, string method, IEnumerable<string> roles)
    {
        var claims = new List<Claim>
        {
            new(ShuqiaoClaims.Id, user.Id.ToString()),
            new(ClaimTypes.Name, user.DisplayName),
            new(ShuqiaoClaims.Login, user.Login),
            new(ShuqiaoClaims.OrganizationId, user.OrganizationId.ToString()),
            new(ShuqiaoClaims.SecurityStamp, user.SecurityStamp.ToString()),
            new(ShuqiaoClaims.Method, method),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, method, ClaimTypes.Name, ClaimTypes.Role));
    }
}
