using System.Text.Json;

namespace Shuqiao.Server.Exchange;

/// <summary>The change feed's position: the time and key of the last change served, as URL-safe base64 of <c>["time", "key"]</c>.</summary>
public static class ChangeCursor
{
    public static string Encode(DateTimeOffset time, string key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { time.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture), key }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTimeOffset Time, string Key)? Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(base64));
            return parts is [var t, var k] && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var time)
                ? (time, k)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
