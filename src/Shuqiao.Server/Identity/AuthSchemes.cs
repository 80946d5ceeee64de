namespace Shuqiao.Server.Identity;

public static class AuthSchemes
{
    /// <summary>Console users: an HTTP-only cookie, antiforgery-protected forms.</summary>
    public const string Console = "Console";

    /// <summary>Department systems: <c>Authorization: ApiKey &lt;keyId&gt;.&lt;secret&gt;</c>.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>Personal access tokens: <c>Authorization: Bearer &lt;tokenId&gt;.&lt;secret&gt;</c>.</summary>
    public const string Bearer = "Bearer";

    /// <summary>Picks one of the above from the request (the default scheme).</summary>
    public const string Selector = "Shuqiao";

    /// <summary>
    /// The API accepts header credentials only. Cookies are not accepted there, so a page on another site cannot
    /// make a logged-in browser call the API (no CSRF surface outside the console's own antiforgery-checked forms).
    /// </summary>
    public static readonly string[] Api = [ApiKey, Bearer];
}
