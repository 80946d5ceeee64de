using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Shuqiao.Server.Platform.Localization;

/// <summary>
/// Console strings come from embedded <c>Resources/i18n/&lt;Capability&gt;.&lt;culture&gt;.json</c> files, one per
/// capability, so each capability owns its own strings. All files of a culture form one table.
/// zh-CN is the default; a key missing in English falls back to zh-CN, and a key missing in both shows itself.
/// </summary>
public sealed class JsonStringLocalizerFactory : IStringLocalizerFactory
{
    public const string DefaultCulture = "zh-CN";

    public static readonly string[] SupportedCultures = [DefaultCulture, "en"];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _tables = Load();

    public IStringLocalizer Create(Type resourceSource) => new JsonStringLocalizer(this);

    public IStringLocalizer Create(string baseName, string location) => new JsonStringLocalizer(this);

    internal IReadOnlyDictionary<string, string> Table(string culture) =>
        _tables.TryGetValue(culture, out var table) ? table : _tables[DefaultCulture];

    internal string? Find(string key, CultureInfo culture)
    {
        for (var c = culture; !string.IsNullOrEmpty(c.Name); c = c.Parent)
        {
            if (_tables.TryGetValue(c.Name, out var table) && table.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return _tables[DefaultCulture].TryGetValue(key, out var fallback) ? fallback : null;
    }

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Load()
    {
        const string prefix = "Shuqiao.Server.i18n.";
        var assembly = typeof(JsonStringLocalizerFactory).Assembly;
        var tables = SupportedCultures.ToDictionary(c => c, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // e.g. Shuqiao.Server.i18n.Organizations.zh-CN.json
            var parts = name[prefix.Length..^".json".Length].Split('.', 2);
            if (parts.Length != 2 || !tables.TryGetValue(parts[1], out var table))
            {
                throw new InvalidOperationException($"Resource '{name}' is not named <Capability>.<culture>.json for a supported culture.");
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"Resource '{name}' is empty.");
            foreach (var (key, value) in entries)
            {
                if (!table.TryAdd(key, value))
                {
                    throw new InvalidOperationException($"String '{key}' is defined twice for {parts[1]} (again in {parts[0]}).");
                }
            }
        }

        return tables.ToFrozenDictionary(t => t.Key, t => t.Value.ToFrozenDictionary(StringComparer.Ordinal));
    }
}

internal sealed class JsonStringLocalizer(JsonStringLocalizerFactory factory) : IStringLocalizer
{
    public LocalizedString this[string name]
    {
        get
        {
            var value = factory.Find(name, CultureInfo.CurrentUICulture);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        factory.Table(CultureInfo.CurrentUICulture.Name).Select(e => new LocalizedString(e.Key, e.Value));
}
