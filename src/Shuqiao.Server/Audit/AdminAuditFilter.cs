using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Shuqiao.Core.Common;
using Shuqiao.Server.Console;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Server.Audit;

/// <summary>
/// The search filters as they arrive (query string of the API or the console form); every one is optional.
/// <see cref="From"/> is inclusive, <see cref="To"/> exclusive; times without an offset are read in the given zone
/// (UTC for the API, the console's zone for the console).
/// </summary>
public sealed record AdminAuditFilter(
    [FromQuery(Name = "action")] string? Action = null,
    [FromQuery(Name = "targetType")] string? TargetType = null,
    [FromQuery(Name = "targetId")] string? TargetId = null,
    [FromQuery(Name = "actorId")] string? ActorId = null,
    [FromQuery(Name = "actorName")] string? ActorName = null,
    [FromQuery(Name = "from")] string? From = null,
    [FromQuery(Name = "to")] string? To = null,
    [FromQuery(Name = "cursor")] string? Cursor = null,
    [FromQuery(Name = "limit")] int? Limit = null)
{
    private const int MaxText = 200;

    public Outcome<AdminAuditQuery> ToQuery(TimeZoneInfo zone)
    {
        var errors = new FieldErrors();
        var action = Text(Action, "action", errors);
        var targetType = Text(TargetType, "targetType", errors);
        var targetId = Text(TargetId, "targetId", errors);
        var actorName = Text(ActorName, "actorName", errors);

        Guid? actorId = null;
        if (!string.IsNullOrWhiteSpace(ActorId))
        {
            if (Guid.TryParse(ActorId.Trim(), out var id))
            {
                actorId = id;
            }
            else
            {
                errors.Add("actorId", "is not a UUID");
            }
        }

        var from = Time(From, "from", zone, errors);
        var to = Time(To, "to", zone, errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "must be later than from");
        }

        var after = DecodeCursor(Cursor, errors);
        if (Limit is < 1 or > Platform.Cursor.MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {Platform.Cursor.MaxLimit}");
        }

        if (!errors.IsEmpty)
        {
            return Failure.Invalid(errors);
        }

        return new AdminAuditQuery(action, targetType, targetId, actorId, actorName, from, to, after, Limit ?? Platform.Cursor.DefaultLimit);
    }

    /// <summary>The cursor position after an event: its time (UTC ticks; PostgreSQL keeps microseconds) and id.</summary>
    public static string Position(DateTimeOffset time, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}:{id:N}");

    private static AdminAuditCursor? DecodeCursor(string? cursor, FieldErrors errors)
    {
        if (!Platform.Cursor.TryDecode(cursor, out var position))
        {
            errors.Add("cursor", "is not a cursor this API returned");
            return null;
        }

        if (position.Length == 0)
        {
            return null;
        }

        var parts = position.Split(':');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) &&
            ticks is > 0 and < 3155378975999999999 && Guid.TryParseExact(parts[1], "N", out var id))
        {
            return new AdminAuditCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        errors.Add("cursor", "is not a cursor this API returned");
        return null;
    }

    private static string? Text(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxText)
        {
            errors.Add(field, $"is longer than {MaxText} characters");
            return null;
        }

        return trimmed;
    }

    private static DateTimeOffset? Time(string? value, string field, TimeZoneInfo zone, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (ConsoleTime.TryParse(value, zone, out var time))
        {
            return time;
        }

        errors.Add(field, "is not an ISO 8601 date and time (e.g. 2025-03-01T08:00:00+08:00)");
        return null;
    }
}
