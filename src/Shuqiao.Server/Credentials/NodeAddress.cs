using Microsoft.Extensions.Options;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// The address verifiers use to reach this node: status list URLs in credentials and links in QR codes are built
/// from it. <c>Shuqiao:PublicBaseUrl</c> when set (production should set it); otherwise the address of the request
/// being served; otherwise the first address the server listens on.
/// </summary>
public sealed class NodeAddress(IOptions<ShuqiaoOptions> options, IConfiguration configuration)
{
    public string BaseUrl(HttpContext? context)
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        if (context is not null && context.Request.Host.HasValue)
        {
            return $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}".TrimEnd('/');
        }

        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5000";
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/');
    }

    public static string StatusListUrl(string baseUrl, Guid listId) => $"{baseUrl}/credentials/status/{listId:D}";
}
