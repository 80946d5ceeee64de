namespace Shuqiao.Server.Identity;

/// <summary>
/// Lets an authentication handler say why a credential was refused (unknown key, suspended client, address not
/// allowed, expired token); the 401 problem response carries it as its detail.
/// </summary>
public static class AuthenticationFailure
{
    public const string ItemKey = "shuqiao.auth-failure";

    public static void Remember(HttpContext context, string reason) => context.Items[ItemKey] = reason;
}
