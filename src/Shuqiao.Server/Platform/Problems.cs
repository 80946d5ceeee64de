using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Common;

namespace Shuqiao.Server.Platform;

/// <summary>Turns expected failures into RFC 9457 problem responses with reasons per field.</summary>
public static class Problems
{
    public static ProblemHttpResult From(Failure failure)
    {
        var status = failure.Kind switch
        {
            FailureKind.Validation => StatusCodes.Status400BadRequest,
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status500InternalServerError,
        };
        var extensions = new Dictionary<string, object?>();
        if (failure.Errors is { Count: > 0 })
        {
            extensions["errors"] = failure.Errors;
        }

        return TypedResults.Problem(title: failure.Title, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult Invalid(string field, string reason) => From(Failure.Invalid(field, reason));

    public static ProblemHttpResult NotFound(string what) => From(Failure.NotFound(what));
}
