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

    public IReadOnlyList<Issue> ToIssues() =>
        _errors.SelectMany(e => e.Value.Select(reason => Issue.Plain(e.Key, reason))).ToList();
}
