namespace Shuqiao.Core.Quality;

/// <summary>
/// One measurement of a resource (数据质量报告): the counts, the scores per GB/T 36344 dimension, the overall score and
/// rating, and failing samples (record keys, masked where personal). Reports are kept, so their series is the trend.
/// </summary>
public sealed record QualityReport(
    Guid Id,
    Guid ResourceId,
    string ResourceCode,
    string ResourceName,
    Guid ProviderId,
    string ProviderName,
    DateTimeOffset MeasuredAt,
    QualityTrigger Trigger,
    Guid? BatchId,
    QualityMeasurements Measurements,
    QualityScores Scores,
    IReadOnlyList<QualitySample> Samples,
    TimeSpan Duration);

/// <summary>A point of the trend: when, and the scores then.</summary>
public sealed record QualityTrendPoint(Guid Id, DateTimeOffset MeasuredAt, QualityTrigger Trigger, long Records, QualityScores Scores);

/// <summary>A provider's line of 部门数据质量排名: its published resources, how many are measured and their mean overall score.</summary>
public sealed record ProviderQuality(Guid ProviderId, string ProviderName, string ProviderCode, int Published, int Measured, double? MeanOverall)
{
    public QualityRating? Rating => MeanOverall is { } s ? QualityScoring.Rate(s) : null;
}
