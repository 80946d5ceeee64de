using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Identity;

/// <summary>Reads <c>Authorization: &lt;scheme&gt; &lt;id&gt;.&lt;secret&gt;</c> for the ApiKey and Bearer handlers.</summary>
internal static class CredentialHeader
{
    public enum Reading
    {
        Absent,     // no Authorization header of this scheme: the other handler's business
        Malformed,
        Parsed,
    }

    public static Reading Read(HttpRequest request, string scheme, out SecretCredential credential)
    {
        credential = default;
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return header.Count > 1 && header.Any(v => v?.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase) == true)
                ? Reading.Malformed
                : Reading.Absent;
        }

        return SecretCredential.TryParse(value[(scheme.Length + 1)..].Trim(), out credential) ? Reading.Parsed : Reading.Malformed;
    }

    /// <summary>The scheme named in the Authorization header, if it is one of ours; decides which challenge to send.</summary>
    public static string? PresentedScheme(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString();
        foreach (var scheme in AuthSchemes.Api)
        {
            if (value.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase))
            {
                return scheme;
            }
        }

        return null;
    }

    /// <summary>The 401 detail when an API request brought no header credential at all (e.g. only a console cookie).</summary>
    public const string MissingReason =
        "This API needs an 'Authorization: ApiKey <keyId>.<secret>' or 'Authorization: Bearer <token>' header; console sessions (cookies) are not accepted here.";

    /// <summary>
    /// Answers 401 for <paramref name="scheme"/>. When the caller presented this scheme and it was refused, the
    /// challenge carries <paramref name="errorCode"/>; when it presented none, every API scheme is offered.
    /// </summary>
    public static void Challenge(HttpContext context, string scheme, string errorCode)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var presented = PresentedScheme(context.Request);
        if (presented is null)
        {
            if (!context.Items.ContainsKey(AuthenticationFailure.ItemKey))
            {
                AuthenticationFailure.Remember(context, MissingReason);
            }

            context.Response.Headers.Append("WWW-Authenticate", $"{scheme} realm=\"shuqiao\"");
        }
        else if (string.Equals(presented, scheme, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.Append("WWW-Authenticate", $"{scheme} realm=\"shuqiao\", error=\"{errorCode}\"");
        }

        // Otherwise the caller used the other scheme, whose handler sends the challenge that fits.
    }
}
