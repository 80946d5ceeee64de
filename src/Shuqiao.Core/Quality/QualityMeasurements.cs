using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Quality;

/// <summary>How many things one rule looked at and how many of them failed it.</summary>
public readonly record struct CheckCounts(long Checked, long Failed)
{
    public static CheckCounts None => default;

    public long Passed => Checked - Failed;

    public CheckCounts Plus(CheckCounts other) => new(Checked + other.Checked, Failed + other.Failed);
}

/// <summary>The inputs of 时效性: the declared 更新周期, when the data was last updated (or, never loaded, published), and when measured.</summary>
public sealed record TimelinessInput(UpdateFrequency Frequency, DateTimeOffset? LastUpdate, DateTimeOffset MeasuredAt)
{
    public TimeSpan? Age => LastUpdate is { } last ? (MeasuredAt > last ? MeasuredAt - last : TimeSpan.Zero) : null;
}

/// <summary>
/// Everything a quality report is computed from: counts only, no values. See <see cref="QualityScoring"/> for the
/// formulas and docs/quality.md for how each count is taken.
/// </summary>
/// <param name="Records">Current records of the resource.</param>
/// <param name="Conformity">Present values of fields with validators / values failing at least one validator.</param>
/// <param name="RequiredValues">Required non-key cells (records × fields) / cells without a value.</param>
/// <param name="ExpectedRecords">The catalog's expected record count, when declared.</param>
/// <param name="Uniqueness">Present values of unique fields / records whose value another record shares.</param>
/// <param name="References">Present values of referencing fields / values the target resource does not hold.</param>
/// <param name="Timeliness">Null when nothing was ever published or loaded.</param>
/// <param name="Access">Exchange API calls / failed calls; null until the exchange gateway reports them.</param>
public sealed record QualityMeasurements(
    long Records,
    CheckCounts Conformity,
    CheckCounts RequiredValues,
    long? ExpectedRecords,
    CheckCounts Uniqueness,
    CheckCounts References,
    TimelinessInput? Timeliness,
    CheckCounts? Access);

/// <summary>One dimension's score (null: not measured) and its five-level rating.</summary>
public sealed record DimensionScore(QualityDimension Dimension, double? Score)
{
    public QualityRating? Rating => Score is { } s ? QualityScoring.Rate(s) : null;
}

/// <summary>The weight of each dimension in the overall score (all equal unless configured; GB/T 36344 prescribes none).</summary>
public sealed record QualityWeights(double Conformity = 1, double Completeness = 1, double Accuracy = 1, double Consistency = 1, double Timeliness = 1, double Accessibility = 1)
{
    public static QualityWeights Equal { get; } = new();

    public double Of(QualityDimension dimension) => dimension switch
    {
        QualityDimension.Conformity => Conformity,
        QualityDimension.Completeness => Completeness,
        QualityDimension.Accuracy => Accuracy,
        QualityDimension.Consistency => Consistency,
        QualityDimension.Timeliness => Timeliness,
        QualityDimension.Accessibility => Accessibility,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };

    public bool IsValid => Enum.GetValues<QualityDimension>().All(d => Of(d) >= 0 && double.IsFinite(Of(d))) && Enum.GetValues<QualityDimension>().Any(d => Of(d) > 0);
}

/// <summary>A resource's scores: every dimension (measured or not), the overall weighted mean and its rating.</summary>
public sealed record QualityScores(IReadOnlyList<DimensionScore> Dimensions, double? Overall)
{
    public QualityRating? Rating => Overall is { } s ? QualityScoring.Rate(s) : null;

    public double? Of(QualityDimension dimension) => Dimensions.First(d => d.Dimension == dimension).Score;
}
