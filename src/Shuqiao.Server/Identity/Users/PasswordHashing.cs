using Microsoft.AspNetCore.Identity;

namespace Shuqiao.Server.Identity.Users;

/// <summary>ASP.NET's PBKDF2 password hasher (design §2); the user type is irrelevant to the hash.</summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<object> _hasher = new();
    private static readonly object Nobody = new();

    // A hash of a random password, checked when the login is unknown so that timing does not reveal which logins exist.
    private readonly string _decoy;

    public PasswordHashing() => _decoy = _hasher.HashPassword(Nobody, Guid.NewGuid().ToString());

    public string Hash(string password) => _hasher.HashPassword(Nobody, password);

    public bool Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(Nobody, hash, password) != PasswordVerificationResult.Failed;

    public void SpendDecoyTime(string password) => _hasher.VerifyHashedPassword(Nobody, _decoy, password);
}
