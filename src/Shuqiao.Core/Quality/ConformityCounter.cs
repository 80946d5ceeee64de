using System.Text.Json;
using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Quality;

/// <summary>
/// 规范性 over stored records, one record at a time (bounded memory whatever the resource's size): every present
/// value of a field with validators is checked again with the compiled schema — the same checks ingestion runs — so
/// values kept by <c>onInvalid: Warn</c> and values stored before a stricter schema version both count as failing.
/// A missing value is completeness, not conformity, and is not counted here.
/// </summary>
public sealed class ConformityCounter
{
    private readonly CompiledSchema _schema;
    private readonly int _sampleLimit;
    private readonly HashSet<string> _fields;
    private readonly Dictionary<string, int> _sampled = new(StringComparer.Ordinal);
    private readonly List<QualitySample> _samples = [];
    private long _checked;
    private long _failed;

    public ConformityCounter(CompiledSchema schema, int sampleLimit)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = schema;
        _sampleLimit = sampleLimit;
        _fields = schema.Fields.Where(f => f.Validators.Count > 0).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The fields whose values are checked (those with at least one validator).</summary>
    public IReadOnlyCollection<string> Fields => _fields;

    public CheckCounts Counts => new(_checked, _failed);

    /// <summary>Failing keys (unmasked) with the first failing rule, at most the sample limit per field.</summary>
    public IReadOnlyList<QualitySample> Samples => _samples;

    /// <summary>Checks the values of one stored record (a JSON object of field name → value).</summary>
    public void Add(string key, JsonElement record)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (record.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in record.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null || !_fields.Contains(property.Name))
            {
                continue;
            }

            _checked++;
            var check = _schema.CheckJson(property.Name, property.Value);
            if (check.Findings.FirstOrDefault(f => f.Issue.Code != QualityCodes.Missing) is not { } finding)
            {
                continue;
            }

            _failed++;
            var taken = _sampled.GetValueOrDefault(property.Name);
            if (taken < _sampleLimit)
            {
                _sampled[property.Name] = taken + 1;
                _samples.Add(new QualitySample(QualityDimension.Conformity, property.Name, finding.Issue.Code, key));
            }
        }
    }
}
