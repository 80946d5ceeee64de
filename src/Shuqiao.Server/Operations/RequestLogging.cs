using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace Shuqiao.Server.Operations;

/// <summary>
/// The access log and the per-request log scope, placed first in the pipeline.
/// </summary>
/// <remarks>
/// ASP.NET's own request logging (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>) writes the full URL with its
/// query string at Information and adds the raw request path to the scope of every log line; paths such as
/// <c>/api/v1/exchange/{code}/records/{key}</c> can carry a 身份证号. That category is therefore off (None, see
/// appsettings.json) and this middleware logs instead: method, route TEMPLATE, status and duration, with the
/// request id in the scope (trace and span ids come from the activity, see <see cref="RequestActivityListener"/>).
/// </remarks>
public sealed class RequestLoggingStartupFilter(ILoggerFactory loggers) : IStartupFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("Shuqiao.Server.Operations.Requests");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(LogAsync);
        next(app);
    };

    private async Task LogAsync(HttpContext context, RequestDelegate next)
    {
        using var scope = _logger.BeginScope(new RequestScope(context.TraceIdentifier));
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // After an exception the handler re-executes without an endpoint; the feature keeps the original one.
            var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            if (endpoint is RouteEndpoint route)
            {
                // Probes and scrapes every few seconds would drown the log; they are excluded like from the metrics.
                if (endpoint.Metadata.GetMetadata<IDisableHttpMetricsMetadata>() is null)
                {
                    OperationsLog.RequestCompleted(_logger, context.Request.Method, Template(route), context.Response.StatusCode, elapsed);
                }
            }
            else if (context.Response.StatusCode >= 400)
            {
                OperationsLog.RequestCompleted(_logger, context.Request.Method, "(no endpoint)", context.Response.StatusCode, elapsed);
            }
            else
            {
                OperationsLog.UnroutedRequestCompleted(_logger, context.Request.Method, context.Response.StatusCode, elapsed);
            }
        }
    }

    // Razor Pages templates have no leading slash ("console/login"); minimal API ones do.
    private static string Template(RouteEndpoint route) =>
        route.RoutePattern.RawText is { } raw ? (raw.StartsWith('/') ? raw : "/" + raw) : "";

    /// <summary>Shown as <c>{"RequestId": "..."}</c> in the JSON log's scopes; the same id is in problem responses.</summary>
    private sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{requestId}";
    }
}

/// <summary>
/// Makes ASP.NET start an activity for each request although its request logging is off, so log scopes carry the
/// W3C trace id (from an incoming <c>traceparent</c>, or a new one) for correlation with the reverse proxy and
/// other nodes. PropagationData: ids only, nothing is recorded or exported.
/// </summary>
public sealed class RequestActivityListener : IHostedService, IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
