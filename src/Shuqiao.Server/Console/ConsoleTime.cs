using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Shuqiao.Server.Console;

public sealed class ConsoleOptions
{
    public const string Section = "Shuqiao:Console";

    /// <summary>IANA time zone in which the console shows times and reads the times people type (default 北京时间).</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";
}

/// <summary>
/// Times in the console: stored and sent in UTC, shown to people in the node's time zone (Asia/Shanghai unless
/// configured), and times typed into forms without an offset are read in that zone.
/// </summary>
public sealed class ConsoleTime
{
    public ConsoleTime(IOptions<ConsoleOptions> options) => Zone = Resolve(options.Value.TimeZone);

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset ToLocal(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone);

    public string Format(DateTimeOffset time) => ToLocal(time).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The zone's current offset as shown in column headers, e.g. <c>UTC+08:00</c>.</summary>
    public string OffsetLabel(DateTimeOffset now)
    {
        var offset = Zone.GetUtcOffset(now);
        return $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}";
    }

    /// <summary>Reads a typed time: with an offset or Z as given, without one (a datetime-local input) in <see cref="Zone"/>.</summary>
    public bool TryParse(string? text, out DateTimeOffset time) => TryParse(text, Zone, out time);

    public static bool TryParse(string? text, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text) ||
            !DateTime.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        if (parsed.Kind == DateTimeKind.Unspecified)
        {
            if (zone.IsInvalidTime(parsed))
            {
                return false; // skipped by a daylight-saving change
            }

            time = new DateTimeOffset(parsed, zone.GetUtcOffset(parsed)).ToUniversalTime();
            return true;
        }

        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    private static TimeZoneInfo Resolve(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id == "Asia/Shanghai")
        {
            // Containers without tzdata: China has kept UTC+8 without daylight saving since 1991.
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}

public static class ConsoleTimeSetup
{
    /// <summary>Registers <see cref="ConsoleTime"/> once, whichever capability asks first.</summary>
    public static IServiceCollection AddConsoleTime(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ConsoleTime)))
        {
            return services;
        }

        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConsoleTime>();
        return services;
    }
}
