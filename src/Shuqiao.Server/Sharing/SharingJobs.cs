using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary>
/// Sends webhook deliveries from the outbox: POST of the JSON payload with an HMAC-SHA256 signature
/// (<c>Shuqiao-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>), retried with
/// exponential backoff. Several server instances share the outbox safely (rows are leased with SKIP LOCKED).
/// </summary>
public sealed class WebhookSender(
    NotificationStore store,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    IOptions<SharingOptions> options,
    TimeProvider clock,
    ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "sharing-webhooks";
    public const string SignatureHeader = "Shuqiao-Signature";
    public const string EventHeader = "Shuqiao-Event";
    public const string DeliveryHeader = "Shuqiao-Delivery";

    /// <summary>The signature header value for a body sent at <paramref name="time"/>.</summary>
    public static string Sign(string secret, DateTimeOffset time, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var t = time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Sends what is due now; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await store.ClaimDueAsync(clock.GetUtcNow(), TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds * 3), 50, cancellationToken);
        var delivered = 0;
        var protector = protection.CreateProtector(SharingService.WebhookSecretPurpose);
        using var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds);
        foreach (var delivery in due)
        {
            if (delivery.Url is null || delivery.SecretProtected is null)
            {
                // The webhook was removed or switched off after the change: nothing to send to.
                await store.RecordFailureAsync(delivery.Id, null, "webhook disabled", null, cancellationToken);
                continue;
            }

            int? status = null;
            string error;
            try
            {
                using var content = new StringContent(delivery.Payload, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = content };
                request.Headers.Add(SignatureHeader, Sign(protector.Unprotect(delivery.SecretProtected), clock.GetUtcNow(), delivery.Payload));
                request.Headers.Add(EventHeader, delivery.EventType);
                request.Headers.Add(DeliveryHeader, delivery.Id.ToString());
                using var response = await http.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    await store.RecordDeliveredAsync(delivery.Id, status.Value, cancellationToken);
                    delivered++;
                    continue;
                }

                error = "HTTP " + status;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException or InvalidOperationException)
            {
                error = e.GetType().Name;
            }

            SharingLog.DeliveryFailed(logger, delivery.Id, delivery.Attempts, error);
            await store.RecordFailureAsync(delivery.Id, status, error, delivery.Attempts >= settings.WebhookMaxAttempts ? null : clock.GetUtcNow() + Backoff(delivery.Attempts), cancellationToken);
        }

        return delivered;
    }

    /// <summary>30 s after the first failure, then doubling, at most 6 hours.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromHours(6).TotalSeconds));
}

/// <summary>
/// The sharing jobs on one timer: escalate overdue requests, record expired grants, send webhooks. Each step catches
/// and logs its own failure and the loop goes on; steps are safe on several instances (optimistic revisions, leased rows).
/// </summary>
public sealed class SharingJobs(IServiceScopeFactory scopes, WebhookSender webhooks, IOptions<SharingOptions> options, TimeProvider clock, ILogger<SharingJobs> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.JobIntervalSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SharingService>();
            await Guard("escalate", () => service.EscalateOverdueAsync(cancellationToken));
            await Guard("expire", () => service.ExpireGrantsAsync(cancellationToken));
        }

        await Guard("webhooks", () => webhooks.DeliverDueAsync(cancellationToken));
    }

    private async Task Guard(string job, Func<Task<int>> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SharingLog.JobFailed(logger, job, e);
        }
    }
}
