using System.Globalization;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Quality;

namespace Shuqiao.Server.Quality.Pages;

/// <summary>Console wording and badges for quality (keys <c>quality.*</c>).</summary>
public static class QualityText
{
    public static string Dimension(this IStringLocalizer l, QualityDimension dimension) => l["quality.dimension." + dimension];

    public static string Rating(this IStringLocalizer l, QualityRating? rating) => rating is { } r ? l["quality.rating." + r] : l["quality.notMeasured"];

    public static string Trigger(this IStringLocalizer l, QualityTrigger trigger) => l["quality.trigger." + trigger];

    /// <summary>Badge colours that keep AA contrast with their text (Bootstrap's text-bg-* pairs).</summary>
    public static string RatingBadge(QualityRating? rating) => rating switch
    {
        QualityRating.Excellent => "text-bg-success",
        QualityRating.Good => "text-bg-primary",
        QualityRating.Fair => "text-bg-info",
        QualityRating.Poor => "text-bg-warning",
        QualityRating.VeryPoor => "text-bg-danger",
        _ => "text-bg-light border",
    };

    public static string Score(double? score) => score is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "—";
}
