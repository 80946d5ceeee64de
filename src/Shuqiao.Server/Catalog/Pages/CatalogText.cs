using System.Globalization;
using Microsoft.Extensions.Localization;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;

namespace Shuqiao.Server.Catalog.Pages;

/// <summary>Console wording for the catalog: terms, badges and issues in the user's language (keys <c>catalog.*</c>).</summary>
public static class CatalogText
{
    public static string Sharing(this IStringLocalizer l, SharingType value) => l["catalog.sharing." + value];

    public static string Open(this IStringLocalizer l, OpenType value) => l["catalog.open." + value];

    public static string Frequency(this IStringLocalizer l, UpdateFrequency value) => l["catalog.frequency." + value];

    public static string Status(this IStringLocalizer l, ResourceStatus value) => l["catalog.status." + value];

    public static string Classification(this IStringLocalizer l, DataClassification value) => l["catalog.classification." + value];

    public static string PersonalInfo(this IStringLocalizer l, PersonalInfoKind value) => l["catalog.personalInfo." + value];

    public static string Type(this IStringLocalizer l, FieldType value) => l["catalog.type." + value];

    public static string Masking(this IStringLocalizer l, MaskingRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var name = l["catalog.masking." + rule.Kind].Value;
        return rule.Kind switch
        {
            MaskingKind.KeepFirstLast => string.Format(CultureInfo.CurrentCulture, l["catalog.masking.keepFirstLastOf"].Value, rule.KeepFirst, rule.KeepLast),
            MaskingKind.NumberRange => string.Format(CultureInfo.CurrentCulture, l["catalog.masking.numberRangeOf"].Value, rule.Step),
            MaskingKind.RegionTruncate => string.Format(CultureInfo.CurrentCulture, l["catalog.masking.regionTruncateTo"].Value, l["catalog.region." + rule.Level].Value),
            _ => name,
        };
    }

    public static string ChangeKind(this IStringLocalizer l, SchemaChangeKind value) => l["catalog.change." + value];

    /// <summary>A validator in a few words: 长度 2–50, 代码表（4 项）, 公民身份号码校验 …</summary>
    public static string Validator(this IStringLocalizer l, FieldValidator validator) => validator switch
    {
        LengthValidator v => string.Format(CultureInfo.CurrentCulture, l["catalog.validator.lengthOf"].Value, v.Min?.ToString(CultureInfo.CurrentCulture) ?? "0", v.Max?.ToString(CultureInfo.CurrentCulture) ?? "∞"),
        RegexValidator v => string.Format(CultureInfo.CurrentCulture, l["catalog.validator.regexOf"].Value, v.Pattern),
        CodeListValidator v => string.Format(CultureInfo.CurrentCulture, l["catalog.validator.codeListOf"].Value, v.Codes.Count),
        RangeValidator v => string.Format(CultureInfo.CurrentCulture, l["catalog.validator.rangeOf"].Value, v.Min ?? "−∞", v.Max ?? "+∞"),
        _ => l["catalog.validator." + validator.Kind],
    };

    /// <summary>An issue in the console's language; enumeration arguments are shown by their localized names.</summary>
    public static string Issue(this IStringLocalizer l, Issue issue)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(issue);
        var text = l["catalog.issue." + issue.Code];
        if (text.ResourceNotFound)
        {
            return issue.Reason; // a code without a translation still says something true
        }

        var arguments = issue.Arguments.Select(a => a switch
        {
            FieldType t => l.Type(t),
            DataClassification c => l.Classification(c),
            PersonalInfoKind p => l.PersonalInfo(p),
            ResourceStatus s => l.Status(s),
            MaskingKind m => l["catalog.masking." + m].Value,
            IFormattable f => f.ToString(null, CultureInfo.CurrentCulture),
            // Stored version histories keep their arguments as text: name the enumerations again.
            string text when issue.Code == "evolution.typeChanged" && Enum.TryParse<FieldType>(text, out var t) => l.Type(t),
            string text when issue.Code == "evolution.classificationChanged" && Enum.TryParse<DataClassification>(text, out var c) => l.Classification(c),
            string text when issue.Code == "evolution.personalInfoChanged" && Enum.TryParse<PersonalInfoKind>(text, out var p) => l.PersonalInfo(p),
            _ => a,
        }).ToArray();
        return string.Format(CultureInfo.CurrentCulture, text.Value, arguments);
    }

    /// <summary>The label of a resource property an issue names (<c>legalBasis</c> → 不予共享依据); the path itself otherwise.</summary>
    public static string Property(this IStringLocalizer l, string field)
    {
        var text = l["catalog.field." + field];
        return text.ResourceNotFound ? field : text.Value;
    }

    public static string ClassificationBadge(DataClassification value) => value switch
    {
        DataClassification.Core => "text-bg-danger",
        DataClassification.Important => "text-bg-warning",
        _ => "text-bg-secondary",
    };

    public static string PersonalInfoBadge(PersonalInfoKind value) => value switch
    {
        PersonalInfoKind.Sensitive => "text-bg-danger",
        PersonalInfoKind.Personal => "text-bg-info",
        _ => "text-bg-light border",
    };

    public static string SharingBadge(SharingType value) => value switch
    {
        SharingType.Unconditional => "text-bg-success",
        SharingType.Conditional => "text-bg-primary",
        _ => "text-bg-dark",
    };

    public static string StatusBadge(ResourceStatus value) => value switch
    {
        ResourceStatus.Published => "text-bg-success",
        ResourceStatus.Draft => "text-bg-warning",
        _ => "text-bg-secondary",
    };
}
