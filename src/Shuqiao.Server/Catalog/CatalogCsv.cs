using System.Globalization;
using System.Text;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Audit;

namespace Shuqiao.Server.Catalog;

/// <summary>
/// The published catalog as a spreadsheet of 信息项, in the columns of the 政务信息资源目录编制指南's 目录表: one row per
/// field, with the resource's attributes repeated on each row so the sheet can be filtered and sorted. UTF-8 with a
/// BOM (Excel shows Chinese correctly) and formula-safe cells (the audit export's writer).
/// </summary>
public static class CatalogCsv
{
    public static IReadOnlyList<string> Columns { get; } =
        ["资源分类", "信息资源名称", "信息资源代码", "信息资源提供方", "信息项名称", "数据类型", "数据长度", "共享类型", "共享条件", "开放属性", "更新周期"];

    public static byte[] Write(IReadOnlyList<DataResource> resources, CatalogTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(taxonomy);
        var text = new StringBuilder();
        AdminAuditService.AppendRow(text, [.. Columns]);
        foreach (var resource in resources)
        {
            var category = taxonomy.PathText(resource.Code.Category);
            var conditions = resource.SharingType == SharingType.NotShared
                ? $"不予共享依据：{resource.LegalBasis}"
                : resource.SharingConditions;
            var open = CatalogTerms.ChineseName(resource.OpenType) + (resource.OpenConditions is { } oc ? $"（{oc}）" : "");
            foreach (var field in resource.Fields)
            {
                AdminAuditService.AppendRow(text, [
                    category,
                    resource.Name,
                    resource.Code.Value,
                    resource.ProviderName,
                    field.Label,
                    FieldTypes.ChineseName(field.Type),
                    Length(field),
                    CatalogTerms.ChineseName(resource.SharingType),
                    conditions,
                    open,
                    CatalogTerms.ChineseName(resource.UpdateFrequency),
                ]);
            }
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
    }

    public static string FileName(DateTimeOffset now) =>
        $"catalog-{now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv";

    // 数据长度: a string's maximum length, a decimal's precision and scale as "12,2".
    private static string? Length(ResourceField field) => field.Type switch
    {
        FieldType.String => field.MaxLength?.ToString(CultureInfo.InvariantCulture),
        FieldType.Decimal when field.Precision is { } p => field.Scale is { } s ? $"{p},{s}" : p.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
