using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Shuqiao.Server.Platform;

/// <summary>
/// Gives malformed requests (broken JSON, wrong types, unknown fields, oversize bodies) a problem response that
/// says what was wrong and where, without echoing exception text.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, reason) = Describe(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
                Detail = reason,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [reason] } },
            },
        });
    }

    private static (string Field, string Reason) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", "exceeds the configured limit (Shuqiao:MaxRequestBodyBytes)");
        }

        if (bad.InnerException is JsonException json)
        {
            var path = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
            var field = path.TrimStart('$', '.');
            var reason = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "is not a known field"
                : json.LineNumber is { } line
                    ? $"is not valid JSON or has the wrong type (line {line + 1}, position {json.BytePositionInLine + 1})"
                    : "has the wrong type";
            return (field.Length == 0 ? "body" : field, reason);
        }

        return bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase)
            ? ("Content-Type", "must be application/json")
            : ("body", "could not be read as the expected request");
    }
}
