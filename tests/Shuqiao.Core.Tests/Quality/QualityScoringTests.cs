using Shuqiao.Core.Catalog;
using Shuqiao.Core.Quality;

namespace Shuqiao.Core.Tests.Quality;

/// <summary>The formulas of docs/quality.md, each with numbers worked out by hand.</summary>
public sealed class QualityScoringTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static QualityMeasurements Nothing(long records = 0) =>
        new(records, CheckCounts.None, CheckCounts.None, null, CheckCounts.None, CheckCounts.None, null, null);

    [Fact]
    public void Two_failing_values_of_ten_checked_give_conformity_80()
    {
        Assert.Equal(80.0, QualityScoring.Share(new CheckCounts(10, 2)));
    }

    [Fact]
    public void A_share_is_rounded_to_one_decimal_half_away_from_zero()
    {
        // 2 of 3 pass: 66.666… → 66.7; 1 of 8 fails: 87.5 stays; 1 of 16 fails: 93.75 → 93.8
        Assert.Equal(66.7, QualityScoring.Share(new CheckCounts(3, 1)));
        Assert.Equal(87.5, QualityScoring.Share(new CheckCounts(8, 1)));
        Assert.Equal(93.8, QualityScoring.Share(new CheckCounts(16, 1)));
    }

    [Fact]
    public void Nothing_checked_is_not_measured_rather_than_100()
    {
        var scores = QualityScoring.Score(Nothing(records: 5), QualityWeights.Equal);

        Assert.All(scores.Dimensions, d => Assert.Null(d.Score));
        Assert.Null(scores.Overall);
        Assert.Null(scores.Rating);
    }

    [Fact]
    public void Completeness_multiplies_the_present_share_of_required_cells_by_the_loaded_share_of_expected_records()
    {
        // 8 records × 2 required fields = 16 cells, 4 empty → F = 12/16 = 0.75; 8 of 10 expected → R = 0.8; 100 × 0.6 = 60
        Assert.Equal(60.0, QualityScoring.Completeness(new CheckCounts(16, 4), 8, 10));
        // only the cells: 75; only the count: 80
        Assert.Equal(75.0, QualityScoring.Completeness(new CheckCounts(16, 4), 8, null));
        Assert.Equal(80.0, QualityScoring.Completeness(CheckCounts.None, 8, 10));
        // more records than expected does not make up for empty cells
        Assert.Equal(75.0, QualityScoring.Completeness(new CheckCounts(16, 4), 12, 10));
        // nothing loaded but 10 expected: 0
        Assert.Equal(0.0, QualityScoring.Completeness(CheckCounts.None, 0, 10));
        Assert.Null(QualityScoring.Completeness(CheckCounts.None, 8, null));
    }

    [Theory]
    [InlineData(UpdateFrequency.Daily, 0.5, 100.0)]   // within the period
    [InlineData(UpdateFrequency.Daily, 1.5, 100.0)]   // the grace ends at 1.5 periods
    [InlineData(UpdateFrequency.Daily, 2.25, 50.0)]   // (3 − 2.25) / 1.5 = 0.5
    [InlineData(UpdateFrequency.Daily, 2.7, 20.0)]    // (3 − 2.7) / 1.5 = 0.2
    [InlineData(UpdateFrequency.Daily, 3.0, 0.0)]
    [InlineData(UpdateFrequency.Daily, 40.0, 0.0)]
    [InlineData(UpdateFrequency.Weekly, 14.0, 66.7)]  // 2 periods: (3 − 2) / 1.5 = 0.666…
    [InlineData(UpdateFrequency.Realtime, 2.25, 50.0)] // 实时 counts as daily
    public void Timeliness_is_full_up_to_one_and_a_half_periods_and_falls_to_zero_at_three(UpdateFrequency frequency, double ageDays, double expected)
    {
        var input = new TimelinessInput(frequency, Now.AddDays(-ageDays), Now);

        Assert.Equal(expected, QualityScoring.Timeliness(input));
    }

    [Fact]
    public void Irregular_updates_or_no_update_at_all_leave_timeliness_unmeasured()
    {
        Assert.Null(QualityScoring.Timeliness(new TimelinessInput(UpdateFrequency.Irregular, Now.AddDays(-400), Now)));
        Assert.Null(QualityScoring.Timeliness(new TimelinessInput(UpdateFrequency.Daily, null, Now)));
    }

    [Fact]
    public void The_overall_score_is_the_weighted_mean_of_the_measured_dimensions_only()
    {
        // conformity 80, accuracy 70, timeliness 100; completeness, consistency and accessibility not measured
        var measurements = new QualityMeasurements(10, new CheckCounts(10, 2), CheckCounts.None, null, new CheckCounts(10, 3), CheckCounts.None,
            new TimelinessInput(UpdateFrequency.Daily, Now.AddHours(-1), Now), null);

        var equal = QualityScoring.Score(measurements, QualityWeights.Equal);
        var weighted = QualityScoring.Score(measurements, new QualityWeights(Conformity: 2, Accuracy: 1, Timeliness: 1));

        Assert.Equal((80.0, null, 70.0, null, 100.0, null), (equal.Of(QualityDimension.Conformity), equal.Of(QualityDimension.Completeness), equal.Of(QualityDimension.Accuracy),
            equal.Of(QualityDimension.Consistency), equal.Of(QualityDimension.Timeliness), equal.Of(QualityDimension.Accessibility)));
        Assert.Equal(83.3, equal.Overall);            // (80 + 70 + 100) / 3 = 83.33…
        Assert.Equal(QualityRating.Good, equal.Rating);
        Assert.Equal(82.5, weighted.Overall);         // (2 × 80 + 70 + 100) / 4
    }

    [Fact]
    public void Accessibility_counts_once_the_gateway_reports_calls()
    {
        var measurements = Nothing() with { Access = new CheckCounts(200, 3) };

        Assert.Equal(98.5, QualityScoring.Score(measurements, QualityWeights.Equal).Of(QualityDimension.Accessibility));
    }

    [Theory]
    [InlineData(100.0, QualityRating.Excellent)]
    [InlineData(90.0, QualityRating.Excellent)]
    [InlineData(89.9, QualityRating.Good)]
    [InlineData(80.0, QualityRating.Good)]
    [InlineData(79.9, QualityRating.Fair)]
    [InlineData(70.0, QualityRating.Fair)]
    [InlineData(60.0, QualityRating.Poor)]
    [InlineData(59.9, QualityRating.VeryPoor)]
    [InlineData(0.0, QualityRating.VeryPoor)]
    public void The_five_levels_start_at_90_80_70_and_60(double score, QualityRating rating)
    {
        Assert.Equal(rating, QualityScoring.Rate(score));
    }

    [Fact]
    public void Weights_need_one_positive_and_no_negative_weight()
    {
        Assert.True(QualityWeights.Equal.IsValid);
        Assert.False(new QualityWeights(0, 0, 0, 0, 0, 0).IsValid);
        Assert.False(new QualityWeights(Conformity: -1).IsValid);
    }
}
