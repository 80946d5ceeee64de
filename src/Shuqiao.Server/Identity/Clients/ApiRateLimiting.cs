using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Identity.Clients;

public sealed class RateLimitOptions
{
    public const string Section = "Shuqiao:RateLimits";

    /// <summary>Requests per minute per signed-in user (console or personal access token): generous, a guard against runaway scripts.</summary>
    [Range(1, 10_000_000)]
    public int UserPerMinute { get; set; } = 3000;
}

/// <summary>
/// Per-caller rate limits (design §2: "per-client rate limit"). Each API client has a token bucket holding its own
/// <c>RateLimitPerMinute</c>, refilled continuously at that rate, so it can burst up to a minute's worth and then
/// gets its rate on average. Users share one generous bucket per user; anonymous requests are not limited here
/// (they reach nothing but the login page and 401s). Runs after authentication (PlatformSetup), and counts per
/// server instance: with several instances behind a load balancer, a client gets up to that many times its limit.
/// </summary>
public static class ApiRateLimiting
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IOptions<SecurityOptions>>((options, limits, security) =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context.User, limits.Value, security.Value));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(ClaimsPrincipal principal, RateLimitOptions limits, SecurityOptions security)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.UserOrClientId() is not { } id)
        {
            return RateLimitPartition.GetNoLimiter("anonymous");
        }

        if (principal.IsApiClient())
        {
            var limit = LimitOf(principal) ?? security.DefaultClientRateLimitPerMinute;
            // The limit is part of the key, so a changed limit takes effect as soon as the client's cache entry does.
            return RateLimitPartition.GetTokenBucketLimiter($"client:{id}:{limit}", _ => PerMinute(limit));
        }

        return RateLimitPartition.GetTokenBucketLimiter($"user:{id}", _ => PerMinute(limits.UserPerMinute));
    }

    private static TokenBucketRateLimiterOptions PerMinute(int limit) => new()
    {
        TokenLimit = limit,
        TokensPerPeriod = limit,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static int? LimitOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(ShuqiaoClaims.RateLimitPerMinute), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : null;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var security = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var client = context.User.IsApiClient();
        var limit = client ? LimitOf(context.User) ?? security.DefaultClientRateLimitPerMinute : options.UserPerMinute;

        // The bucket refills continuously, so one request is possible again after a minute / limit. (The lease's own
        // RetryAfter is a whole replenishment period, a minute, which would tell a client to wait far too long.)
        var seconds = Math.Max(1, (int)Math.Ceiling(60.0 / limit));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var wait = seconds == 1 ? "1 second" : $"{seconds} seconds";
        var detail = client
            ? $"This API client may make {limit} requests per minute; retry after {wait}."
            : $"A user may make {limit} requests per minute; retry after {wait}.";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = detail },
        });
        if (!written)
        {
            await context.Response.WriteAsync(detail, cancellationToken);
        }
    }
}
