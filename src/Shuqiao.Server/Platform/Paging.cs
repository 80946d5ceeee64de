using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Shuqiao.Server.Platform;

/// <summary>A page of a collection; <see cref="NextCursor"/> is null on the last page (design §4).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Opaque cursors: base64url of a position the store understands, so clients cannot build their own.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    public static bool TryDecode(string? cursor, out string position)
    {
        position = "";
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            position = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool TryDecodeGuid(string? cursor, out Guid? after)
    {
        after = null;
        if (!TryDecode(cursor, out var position))
        {
            return false;
        }

        if (position.Length == 0)
        {
            return true;
        }

        if (!Guid.TryParse(position, out var id))
        {
            return false;
        }

        after = id;
        return true;
    }

    /// <summary>A keyset position of rows ordered by (time, id) descending: the last row's time and id.</summary>
    public static string TimeAndId(DateTimeOffset time, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}|{id}");

    public static string EncodeTimeAndId(DateTimeOffset time, Guid id) => Encode(TimeAndId(time, id));

    /// <summary>Reads a cursor of <see cref="EncodeTimeAndId"/>; none (null or empty) is the first page.</summary>
    public static bool TryDecodeTimeAndId(string? cursor, out (DateTimeOffset At, Guid Id)? before)
    {
        before = null;
        if (!TryDecode(cursor, out var position))
        {
            return false;
        }

        if (position.Length == 0)
        {
            return true;
        }

        if (position.Split('|') is not [var t, var i] || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ||
            !Guid.TryParse(i, out var id) || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        before = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }

    /// <summary>Builds the page from one extra row fetched beyond the limit, so "is there more" costs no count query.</summary>
    public static Page<TOut> PageOf<TIn, TOut>(IReadOnlyList<TIn> rows, int limit, Func<TIn, string> position, Func<TIn, TOut> map)
    {
        var more = rows.Count > limit;
        var items = rows.Take(limit).Select(map).ToList();
        return new Page<TOut>(items, more ? Encode(position(rows[limit - 1])) : null);
    }
}
