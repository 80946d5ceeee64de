namespace Shuqiao.Core.Common;

/// <summary>Collects validation reasons per field (camelCase names, as the API spells them).</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public FieldErrors Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var reasons))
        {
            reasons = [];
            _errors[field] = reasons;
        }

        reasons.Add(reason);
        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
