using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Quality;

/// <summary>
/// The formulas of the quality report (docs/quality.md, "Formulas"). Every score is 0–100 rounded to one decimal
/// (half away from zero); a dimension with nothing to measure is null and is left out of the overall score.
/// </summary>
public static class QualityScoring
{
    /// <summary>An update is on time up to 1.5 periods after the last one: the period itself plus half a period's slack.</summary>
    public const double TimelinessGrace = 1.5;

    /// <summary>At 3 periods (two updates missed) timeliness reaches 0; between grace and this it falls linearly.</summary>
    public const double TimelinessZero = 3.0;

    /// <summary>
    /// The period each 更新周期 promises. 实时 counts as daily: a feed silent for a day is late, while within a day a
    /// quiet feed may simply have had nothing to send. 不定期 promises nothing, so timeliness is not measured.
    /// </summary>
    public static TimeSpan? Period(UpdateFrequency frequency) => frequency switch
    {
        UpdateFrequency.Realtime or UpdateFrequency.Daily => TimeSpan.FromDays(1),
        UpdateFrequency.Weekly => TimeSpan.FromDays(7),
        UpdateFrequency.Monthly => TimeSpan.FromDays(31),
        UpdateFrequency.Quarterly => TimeSpan.FromDays(92),
        UpdateFrequency.Yearly => TimeSpan.FromDays(366),
        UpdateFrequency.Irregular => null,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency)),
    };

    /// <summary>Scores every dimension and the overall weighted mean of the measured ones.</summary>
    public static QualityScores Score(QualityMeasurements measurements, QualityWeights weights)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(weights);
        var dimensions = new List<DimensionScore>
        {
            new(QualityDimension.Conformity, Share(measurements.Conformity)),
            new(QualityDimension.Completeness, Completeness(measurements.RequiredValues, measurements.Records, measurements.ExpectedRecords)),
            new(QualityDimension.Accuracy, Share(measurements.Uniqueness)),
            new(QualityDimension.Consistency, Share(measurements.References)),
            new(QualityDimension.Timeliness, measurements.Timeliness is { } t ? Timeliness(t) : null),
            new(QualityDimension.Accessibility, measurements.Access is { } a ? Share(a) : null),
        };
        return new QualityScores(dimensions, Overall(dimensions, weights));
    }

    /// <summary>100 × passed / checked; null when nothing was checked.</summary>
    public static double? Share(CheckCounts counts) =>
        counts.Checked <= 0 ? null : Round(100.0 * Math.Max(0, counts.Passed) / counts.Checked);

    /// <summary>
    /// 完整性 = 100 × F × R, where F = present / required non-key cells (records × required fields) and
    /// R = min(1, records / expected records). A factor with nothing to measure (no required non-key field; no
    /// declared expected count) is left out; with neither, completeness is not measured. F × R is the share of the
    /// required values a complete load would hold that are present.
    /// </summary>
    public static double? Completeness(CheckCounts requiredValues, long records, long? expectedRecords)
    {
        double? fields = requiredValues.Checked > 0 ? (double)Math.Max(0, requiredValues.Passed) / requiredValues.Checked : null;
        double? count = expectedRecords is > 0 and var expected ? Math.Min(1.0, (double)Math.Max(0, records) / expected) : null;
        if (fields is null && count is null)
        {
            return null;
        }

        return Round(100.0 * (fields ?? 1.0) * (count ?? 1.0));
    }

    /// <summary>
    /// 时效性 from the age of the last update and the period P of the 更新周期: 100 while age ≤ 1.5 P, 0 from 3 P on,
    /// linear between (100 × (3 P − age) / 1.5 P). Null for 不定期 or when nothing was ever published or loaded.
    /// </summary>
    public static double? Timeliness(TimelinessInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Period(input.Frequency) is not { } period || input.Age is not { } age)
        {
            return null;
        }

        var periods = age / period;
        if (periods <= TimelinessGrace)
        {
            return 100.0;
        }

        return periods >= TimelinessZero ? 0.0 : Round(100.0 * (TimelinessZero - periods) / (TimelinessZero - TimelinessGrace));
    }

    /// <summary>Σ wᵢ sᵢ / Σ wᵢ over the measured dimensions (of the rounded scores); null when none is measured or their weights are all 0.</summary>
    public static double? Overall(IReadOnlyList<DimensionScore> dimensions, QualityWeights weights)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(weights);
        double sum = 0, total = 0;
        foreach (var d in dimensions)
        {
            if (d.Score is { } score && weights.Of(d.Dimension) is var w && w > 0)
            {
                sum += w * score;
                total += w;
            }
        }

        return total > 0 ? Round(sum / total) : null;
    }

    /// <summary>优 ≥ 90, 良 ≥ 80, 中 ≥ 70, 差 ≥ 60, 很差 below.</summary>
    public static QualityRating Rate(double score) => score switch
    {
        >= 90 => QualityRating.Excellent,
        >= 80 => QualityRating.Good,
        >= 70 => QualityRating.Fair,
        >= 60 => QualityRating.Poor,
        _ => QualityRating.VeryPoor,
    };

    public static string ChineseName(QualityRating rating) => rating switch
    {
        QualityRating.Excellent => "优",
        QualityRating.Good => "良",
        QualityRating.Fair => "中",
        QualityRating.Poor => "差",
        QualityRating.VeryPoor => "很差",
        _ => throw new ArgumentOutOfRangeException(nameof(rating)),
    };

    public static string ChineseName(QualityDimension dimension) => dimension switch
    {
        QualityDimension.Conformity => "规范性",
        QualityDimension.Completeness => "完整性",
        QualityDimension.Accuracy => "准确性",
        QualityDimension.Consistency => "一致性",
        QualityDimension.Timeliness => "时效性",
        QualityDimension.Accessibility => "可访问性",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };

    public static double Round(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
