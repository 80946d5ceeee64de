using Microsoft.AspNetCore.Http;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Platform;

/// <summary>
/// Completes every problem response, including those the framework writes by itself (authentication's 401,
/// authorization's 403, routing's 415): a request id to quote, and for refusals a reason — in <c>detail</c> and, for
/// the header at fault, in <c>errors</c> as for any invalid field (design §4).
/// </summary>
public static class ProblemDefaults
{
    public const string NotPermitted = "The credential is valid, but its roles do not allow this operation.";

    /// <summary>Why a body was refused as too large, with the limit that applies.</summary>
    public static string TooLargeReason(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var limit = http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<ShuqiaoOptions>>()?.Value.MaxRequestBodyBytes;
        return limit is null
            ? "exceeds the configured limit (Shuqiao:MaxRequestBodyBytes)"
            : $"exceeds the configured limit of {limit} bytes (Shuqiao:MaxRequestBodyBytes)";
    }

    public static void Complete(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        problem.Extensions["requestId"] = http.TraceIdentifier;
        if (http.Items.TryGetValue(AuthenticationFailure.ItemKey, out var reason) && reason is string text && problem.Detail is null)
        {
            problem.Detail = text;
        }

        if (problem.Extensions.ContainsKey("errors"))
        {
            return;
        }

        switch (problem.Status)
        {
            case StatusCodes.Status401Unauthorized when problem.Detail is { } detail:
                problem.Extensions["errors"] = new Dictionary<string, string[]> { ["Authorization"] = [detail] };
                break;
            case StatusCodes.Status403Forbidden when problem.Detail is null && http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase):
                problem.Detail = NotPermitted;
                break;
            case StatusCodes.Status413PayloadTooLarge:
                // Kestrel's limit, met while minimal APIs read a JSON body: they answer a bare 413 themselves.
                problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [TooLargeReason(http)] };
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                var contentType = http.Request.ContentType;
                problem.Detail ??= "The request body's media type is not one this endpoint accepts; /openapi/v1.json lists the ones it does.";
                problem.Extensions["errors"] = new Dictionary<string, string[]>
                {
                    ["Content-Type"] = [string.IsNullOrWhiteSpace(contentType) ? "is missing" : $"'{contentType}' is not accepted here"],
                };
                break;
        }
    }
}
