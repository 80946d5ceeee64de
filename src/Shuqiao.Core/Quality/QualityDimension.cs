namespace Shuqiao.Core.Quality;

/// <summary>
/// The data quality dimensions of GB/T 36344-2018 (信息技术 数据质量评价指标) §4 that a node can measure on its
/// own records. Each is scored 0–100; a dimension with nothing to measure is "not measured" (null), never 100.
/// </summary>
public enum QualityDimension
{
    Conformity,    // 规范性: values that pass the field's validators
    Completeness,  // 完整性: required values present, records loaded against the expected count
    Accuracy,      // 准确性: no two records share a value of a field declared unique
    Consistency,   // 一致性: declared cross-resource references resolve
    Timeliness,    // 时效性: age of the last update against the declared update frequency
    Accessibility, // 可访问性: exchange API calls that succeed (measured once the exchange gateway exists)
}

/// <summary>五级评定 of a score: 优 ≥ 90, 良 ≥ 80, 中 ≥ 70, 差 ≥ 60, 很差 &lt; 60.</summary>
public enum QualityRating
{
    Excellent, // 优
    Good,      // 良
    Fair,      // 中
    Poor,      // 差
    VeryPoor,  // 很差
}

/// <summary>What started a measurement.</summary>
public enum QualityTrigger
{
    Batch,    // a committed ingestion batch
    Schedule, // the periodic sweep over published resources
    Manual,   // someone asked (API, console, CLI)
}
