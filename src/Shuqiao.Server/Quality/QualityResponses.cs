using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>One dimension in an answer: score (null = not measured), rating, and the counts it came from.</summary>
public sealed record DimensionResponse(QualityDimension Dimension, string Name, double? Score, QualityRating? Rating, long? Checked, long? Failed);

/// <summary>A failing example: record key (masked when personal), field and rule code; never the value.</summary>
public sealed record SampleResponse(QualityDimension Dimension, string Field, string Code, string Key);

/// <summary>A quality report (数据质量报告) as the API answers it.</summary>
public sealed record QualityReportResponse(
    Guid Id,
    string Resource,
    string ResourceName,
    Guid ProviderId,
    string ProviderName,
    DateTimeOffset MeasuredAt,
    QualityTrigger Trigger,
    Guid? BatchId,
    long Records,
    long? ExpectedRecords,
    string UpdateFrequency,
    DateTimeOffset? LastUpdateAt,
    double? Overall,
    QualityRating? Rating,
    string? RatingName,
    IReadOnlyList<DimensionResponse> Dimensions,
    IReadOnlyList<SampleResponse>? Samples,
    double Seconds)
{
    public static QualityReportResponse Of(QualityReport report, bool withSamples)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Measurements;
        return new QualityReportResponse(
            report.Id, report.ResourceCode, report.ResourceName, report.ProviderId, report.ProviderName, report.MeasuredAt, report.Trigger, report.BatchId,
            m.Records, m.ExpectedRecords, m.Timeliness?.Frequency.ToString() ?? "Irregular", m.Timeliness?.LastUpdate,
            report.Scores.Overall, report.Scores.Rating, report.Scores.Rating is { } r ? QualityScoring.ChineseName(r) : null,
            report.Scores.Dimensions.Select(d => Dimension(d, m)).ToList(),
            withSamples ? report.Samples.Select(s => new SampleResponse(s.Dimension, s.Field, s.Code, s.Key)).ToList() : null,
            Math.Round(report.Duration.TotalSeconds, 3));
    }

    private static DimensionResponse Dimension(DimensionScore d, QualityMeasurements m)
    {
        CheckCounts? counts = d.Dimension switch
        {
            QualityDimension.Conformity => m.Conformity,
            QualityDimension.Completeness => m.RequiredValues,
            QualityDimension.Accuracy => m.Uniqueness,
            QualityDimension.Consistency => m.References,
            QualityDimension.Accessibility => m.Access,
            _ => null,
        };
        return new DimensionResponse(d.Dimension, QualityScoring.ChineseName(d.Dimension), d.Score, d.Rating, counts?.Checked, counts?.Failed);
    }
}

/// <summary>A point of the trend.</summary>
public sealed record QualityTrendResponse(
    Guid Id, DateTimeOffset MeasuredAt, QualityTrigger Trigger, long Records, double? Overall, QualityRating? Rating,
    double? Conformity, double? Completeness, double? Accuracy, double? Consistency, double? Timeliness, double? Accessibility)
{
    public static QualityTrendResponse Of(QualityReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Scores;
        return new QualityTrendResponse(r.Id, r.MeasuredAt, r.Trigger, r.Measurements.Records, s.Overall, s.Rating,
            s.Of(QualityDimension.Conformity), s.Of(QualityDimension.Completeness), s.Of(QualityDimension.Accuracy),
            s.Of(QualityDimension.Consistency), s.Of(QualityDimension.Timeliness), s.Of(QualityDimension.Accessibility));
    }
}

/// <summary>A line of 部门数据质量排名.</summary>
public sealed record ProviderRankResponse(int Rank, Guid ProviderId, string ProviderName, string ProviderCode, int Published, int Measured, double? MeanOverall, QualityRating? Rating)
{
    /// <summary>Ranks 1, 2, 2, 4 … by mean score (equal means share a rank); providers with nothing measured have no rank (0).</summary>
    public static IReadOnlyList<ProviderRankResponse> RankAll(IReadOnlyList<ProviderQuality> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var ranked = new List<ProviderRankResponse>(providers.Count);
        for (var i = 0; i < providers.Count; i++)
        {
            var p = providers[i];
            var rank = p.MeanOverall is null ? 0 : i > 0 && providers[i - 1].MeanOverall == p.MeanOverall ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new ProviderRankResponse(rank, p.ProviderId, p.ProviderName, p.ProviderCode, p.Published, p.Measured, p.MeanOverall, p.Rating));
        }

        return ranked;
    }
}
