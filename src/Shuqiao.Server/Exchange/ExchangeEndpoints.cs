using System.Text;
using System.Text.Json;
using Shuqiao.Core.Exchange;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Exchange;

/// <summary>
/// 数据交换 (docs/exchange.md): API clients read what their organization's grants allow. Headers:
/// <c>X-Shuqiao-Purpose</c> (the grant's purpose, percent-encoded UTF-8), <c>X-Shuqiao-User</c> (the end user,
/// recorded), <c>X-Request-Id</c> (echoed; generated when absent). Every answer, allowed or refused, is audited first.
/// </summary>
public static class ExchangeEndpoints
{
    public const string PurposeHeader = "X-Shuqiao-Purpose";
    public const string UserHeader = "X-Shuqiao-User";
    public const string RequestIdHeader = "X-Request-Id";

    public static IEndpointRouteBuilder MapExchangeEndpoints(this IEndpointRouteBuilder routes)
    {
        var exchange = routes.MapGroup("/api/v1/exchange").WithTags("Exchange").RequireAuthorization(Policies.Api);
        exchange.MapGet("/{resource}/records/{key}", Record).WithName("ExchangeRecord").RequireAuthorization(ExchangePolicies.Consumers);
        exchange.MapPost("/{resource}/query", Query).WithName("ExchangeQuery").RequireAuthorization(ExchangePolicies.Consumers);
        exchange.MapPost("/{resource}/verify", Verify).WithName("ExchangeVerify").RequireAuthorization(ExchangePolicies.Consumers);
        exchange.MapGet("/{resource}/changes", Changes).WithName("ExchangeChanges").RequireAuthorization(ExchangePolicies.Consumers);
        return routes;
    }

    private static async Task<IResult> Record(string resource, string key, HttpContext context, ExchangeService service, CancellationToken cancellationToken)
    {
        var caller = Caller(context);
        return Respond(caller, await service.RecordAsync(caller, resource, key, cancellationToken));
    }

    private static async Task<IResult> Query(string resource, HttpContext context, ExchangeService service, CancellationToken cancellationToken)
    {
        var caller = Caller(context);
        using var body = await ReadBodyAsync(context, cancellationToken);
        return Respond(caller, await service.QueryAsync(caller, resource, body?.RootElement ?? default, cancellationToken));
    }

    private static async Task<IResult> Verify(string resource, HttpContext context, ExchangeService service, CancellationToken cancellationToken)
    {
        var caller = Caller(context);
        using var body = await ReadBodyAsync(context, cancellationToken);
        return Respond(caller, await service.VerifyAsync(caller, resource, body?.RootElement ?? default, cancellationToken));
    }

    private static async Task<IResult> Changes(string resource, string? since, int? pageSize, HttpContext context, ExchangeService service, CancellationToken cancellationToken)
    {
        var caller = Caller(context);
        return Respond(caller, await service.ChangesAsync(caller, resource, since, pageSize, cancellationToken));
    }

    /// <summary>The caller of an exchange request: the API client (policy), its organization, and the headers.</summary>
    public static ExchangeCaller Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var requestId = headers[RequestIdHeader].ToString();
        if (requestId.Length is 0 or > 200 || requestId.Any(c => c < 0x21 || c > 0x7e))
        {
            requestId = Guid.CreateVersion7().ToString();
        }

        context.Response.Headers[RequestIdHeader] = requestId;
        return new ExchangeCaller(
            context.User.UserOrClientId() ?? Guid.Empty, context.User.OrganizationOf() ?? Guid.Empty,
            Decode(headers[PurposeHeader].ToString()), Decode(headers[UserHeader].ToString()), requestId);
    }

    /// <summary>An answer as HTTP: the JSON body, 404 for a missing record, or the refusal as problem+json saying why.</summary>
    public static IResult Respond(ExchangeCaller caller, ExchangeAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(caller);
        if (answer.Denial is { } denial)
        {
            var failure = denial.ToFailure();
            var status = denial.Reason == DenialReason.QuotaExceeded ? StatusCodes.Status429TooManyRequests : failure.Kind switch
            {
                Core.Common.FailureKind.NotFound => StatusCodes.Status404NotFound,
                Core.Common.FailureKind.Validation => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status403Forbidden,
            };
            var extensions = new Dictionary<string, object?> { ["reason"] = denial.Code, ["requestId"] = caller.RequestId };
            if (failure.Errors is { Count: > 0 } errors)
            {
                extensions["errors"] = errors;
            }

            return TypedResults.Problem(title: failure.Title, statusCode: status, extensions: extensions);
        }

        if (answer.Json is null)
        {
            return TypedResults.Problem(title: "The record was not found.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["reason"] = "record.notFound", ["requestId"] = caller.RequestId });
        }

        return TypedResults.Bytes(answer.Json, "application/json");
    }

    // Header values are ASCII: a Chinese purpose travels percent-encoded (UTF-8).
    private static string? Decode(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    // An unreadable body is decided (and audited) as an invalid query, not refused by the framework unaudited.
    private static async Task<JsonDocument?> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
