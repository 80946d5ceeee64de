using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shuqiao.Server.Operations.Health;

/// <summary>
/// The JSON body of <c>/health/live</c> and <c>/health/ready</c>: overall status, and per check its status, duration
/// and a fixed description. Exception messages are never written (they may name hosts or databases).
/// </summary>
public static class HealthResponse
{
    private static readonly JsonWriterOptions Options = new() { Indented = false };

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body, Options);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            // A check that threw gets its exception's message as description; that text stays in the logs.
            var description = entry.Exception is null ? entry.Description : "the check failed";
            if (description is not null)
            {
                json.WriteString("description", description);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
