using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Shuqiao.Server.Platform;

/// <summary>
/// Gives malformed requests (broken JSON, wrong types, unknown fields, oversize bodies) a problem response that
/// says what was wrong and where, without echoing exception text.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, reason) = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ("body", ProblemDefaults.TooLargeReason(httpContext))
            : Describe(bad, httpContext.Request.ContentLength);
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

    private static (string Field, string Reason) Describe(BadHttpRequestException bad, long? bodyLength)
    {

        // An empty body fails in the framework's words ("no body was provided", "was not provided from body", or JSON
        // with no tokens); all mean the same to the caller.
        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal) ||
            (bodyLength == 0 && (bad.InnerException is JsonException || bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase))))
        {
            return ("body", "is required: send a JSON object");
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

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType || bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            return ("Content-Type", "must be application/json");
        }

        // The framework's own wording (RequestDelegateFactory) names the parameter and where it was looked for.
        if (MissingParameter().Match(bad.Message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value == "body"
                ? ("body", "is required: send a JSON object")
                : (missing.Groups["name"].Value, $"is required (in the {missing.Groups["source"].Value})");
        }

        if (UnreadableParameter().Match(bad.Message) is { Success: true } unreadable)
        {
            return (unreadable.Groups["name"].Value, $"'{unreadable.Groups["value"].Value}' is not a valid {Describe(unreadable.Groups["type"].Value)}");
        }

        return ("body", "could not be read as the expected request");
    }

    private static string Describe(string type) => type.TrimEnd('?') switch
    {
        "Guid" => "UUID",
        "int" or "long" or "short" => "whole number",
        "DateTimeOffset" or "DateTime" => "ISO 8601 time",
        "bool" => "true or false",
        var other => other,
    };

    [GeneratedRegex("^Required parameter \"(?<type>\\S+) (?<name>[^\"]+)\" was not provided from (?<source>[^.]+)\\.")]
    private static partial Regex MissingParameter();

    [GeneratedRegex("^Failed to bind parameter \"(?<type>\\S+) (?<name>[^\"]+)\" from \"(?<value>[^\"]*)\"\\.")]
    private static partial Regex UnreadableParameter();
}
