using System.ComponentModel.DataAnnotations;
using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality;

/// <summary>Settings of quality measurement (<c>Shuqiao:Quality</c>); docs/quality.md, "Schedule".</summary>
public sealed class QualityOptions
{
    public const string Section = "Shuqiao:Quality";

    /// <summary>How often every published resource is measured again (default 6 hours); 0 turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long after a committed batch its resource is measured, so a burst of batches gives one report (default 2 s).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failing record keys kept per dimension and field (default 10).</summary>
    [Range(0, 100)]
    public int SampleLimit { get; set; } = 10;

    /// <summary>Resources waiting to be measured after their batches; beyond this, the schedule picks them up (default 1,000).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>The window of exchange calls that 可访问性 looks back over (default 7 days).</summary>
    public TimeSpan AccessWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Weights of the dimensions in the overall score (all 1 by default).</summary>
    public QualityWeightOptions Weights { get; set; } = new();

    public bool IsValid => Interval >= TimeSpan.Zero && Debounce >= TimeSpan.Zero && AccessWindow > TimeSpan.Zero && Weights.ToWeights().IsValid;
}

/// <summary>The configurable form of <see cref="QualityWeights"/>.</summary>
public sealed class QualityWeightOptions
{
    public double Conformity { get; set; } = 1;

    public double Completeness { get; set; } = 1;

    public double Accuracy { get; set; } = 1;

    public double Consistency { get; set; } = 1;

    public double Timeliness { get; set; } = 1;

    public double Accessibility { get; set; } = 1;

    public QualityWeights ToWeights() => new(Conformity, Completeness, Accuracy, Consistency, Timeliness, Accessibility);
}
