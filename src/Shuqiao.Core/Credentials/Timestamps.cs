using System.Globalization;

namespace Shuqiao.Core.Credentials;

/// <summary>XML Schema dateTimeStamp values as VC 2.0 writes them: UTC, whole seconds, 'Z'.</summary>
public static class Timestamps
{
    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an xsd:dateTimeStamp (a time zone is required); false for anything else.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 20 || text.Length > 40)
        {
            return false;
        }

        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-';
        return hasZone && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out time);
    }
}
