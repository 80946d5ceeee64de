using System.Text.RegularExpressions;
using Shuqiao.Core.Common;

namespace Shuqiao.Core.Catalog;

/// <summary>The descriptive part of a resource (everything but its code, provider, status and fields), checked.</summary>
public sealed record ResourceDescription(
    string Name,
    string Summary,
    string Format,
    SharingType SharingType,
    string? SharingConditions,
    string? LegalBasis,
    OpenType OpenType,
    string? OpenConditions,
    UpdateFrequency UpdateFrequency,
    IReadOnlyList<string> Keywords,
    ContactPoint? Contact,
    long? ExpectedRecordCount);

/// <summary>
/// What makes a resource's description acceptable (政务信息资源目录编制指南 核心元数据): a name and a summary; a sharing
/// type, with conditions for 有条件共享 and a legal basis for 不予共享; an open type, with conditions for 有条件开放;
/// an update frequency.
/// </summary>
public static partial class ResourceRules
{
    public const int MaxNameLength = 200;
    public const int MaxSummaryLength = 4000;
    public const int MaxFormatLength = 100;
    public const int MaxConditionsLength = 2000;
    public const int MaxKeywords = 20;
    public const int MaxKeywordLength = 50;

    /// <summary>信息资源格式 when none is given: Shuqiao holds structured records.</summary>
    public const string DefaultFormat = "数据库表";

    [GeneratedRegex(@"^[0-9+\-() ]{5,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    /// <summary>Reads the description of a draft; null with issues when any part is not acceptable.</summary>
    public static ResourceDescription? ReadDescription(ResourceDraft draft, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(issues);
        var before = issues.Count;
        var name = Text(draft.Name, "name", MaxNameLength, required: true, multiline: false, issues);
        var summary = Text(draft.Summary, "summary", MaxSummaryLength, required: true, multiline: true, issues);
        var format = Text(draft.Format, "format", MaxFormatLength, required: false, multiline: false, issues) ?? DefaultFormat;

        var sharing = Parse<SharingType>(draft.SharingType, "sharingType", CatalogTerms.TryParse, "Unconditional, Conditional, NotShared (无条件共享, 有条件共享, 不予共享)", issues);
        var conditions = Text(draft.SharingConditions, "sharingConditions", MaxConditionsLength, required: false, multiline: true, issues);
        var legalBasis = Text(draft.LegalBasis, "legalBasis", MaxConditionsLength, required: false, multiline: true, issues);
        if (sharing == SharingType.NotShared && legalBasis is null)
        {
            issues.Add(CatalogIssues.LegalBasisRequired());
        }

        if (sharing == SharingType.Conditional && conditions is null)
        {
            issues.Add(CatalogIssues.SharingConditionsRequired());
        }

        var open = Parse<OpenType>(draft.OpenType, "openType", CatalogTerms.TryParse, "NotOpen, Conditional, Unconditional (不予开放, 有条件开放, 无条件开放)", issues);
        var openConditions = Text(draft.OpenConditions, "openConditions", MaxConditionsLength, required: false, multiline: true, issues);
        if (open == OpenType.Conditional && openConditions is null)
        {
            issues.Add(CatalogIssues.OpenConditionsRequired());
        }

        var frequency = Parse<UpdateFrequency>(draft.UpdateFrequency, "updateFrequency", CatalogTerms.TryParse, "Realtime, Daily, Weekly, Monthly, Quarterly, Yearly, Irregular (实时, 每日, 每周, 每月, 每季度, 每年, 不定期)", issues);
        var keywords = Keywords(draft.Keywords, issues);
        var contact = Contact(draft.Contact, issues);
        if (draft.ExpectedRecordCount is < 0)
        {
            issues.Add(CatalogIssues.Negative("expectedRecordCount"));
        }

        if (issues.Count > before)
        {
            return null;
        }

        return new ResourceDescription(
            name!, summary!, format, sharing!.Value, conditions, legalBasis, open!.Value, openConditions,
            frequency!.Value, keywords, contact, draft.ExpectedRecordCount);
    }

    /// <summary>
    /// Trims a text; null when empty. Single-line texts refuse every control character; multi-line texts allow line
    /// breaks and tabs (normalized to \n).
    /// </summary>
    public static string? Text(string? value, string field, int max, bool required, bool multiline, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var text = FieldValueParser.Trim(value);
        if (multiline)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (text.Length == 0)
        {
            if (required)
            {
                issues.Add(CatalogIssues.Required(field));
            }

            return null;
        }

        if (text.Length > max)
        {
            issues.Add(CatalogIssues.TooLong(field, max, text.Length));
            return null;
        }

        if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\t')))
        {
            issues.Add(CatalogIssues.ControlCharacters(field));
            return null;
        }

        return text;
    }

    private delegate bool TryParser<T>(string? text, out T value);

    private static T? Parse<T>(string? text, string field, TryParser<T> parse, string allowed, List<Issue> issues)
        where T : struct
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            issues.Add(CatalogIssues.Required(field));
            return null;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        issues.Add(CatalogIssues.Unknown(field, text.Trim(), allowed));
        return null;
    }

    private static List<string> Keywords(IReadOnlyList<string>? values, List<Issue> issues)
    {
        var keywords = new List<string>();
        if (values is null)
        {
            return keywords;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (Text(values[i], $"keywords[{i}]", MaxKeywordLength, required: false, multiline: false, issues) is { } keyword && !keywords.Contains(keyword, StringComparer.Ordinal))
            {
                keywords.Add(keyword);
            }
        }

        if (keywords.Count > MaxKeywords)
        {
            issues.Add(CatalogIssues.KeywordsTooMany(MaxKeywords));
        }

        return keywords;
    }

    private static ContactPoint? Contact(ContactDraft? draft, List<Issue> issues)
    {
        if (draft is null)
        {
            return null;
        }

        var name = Text(draft.Name, "contact.name", 100, required: false, multiline: false, issues);
        var email = Text(draft.Email, "contact.email", 254, required: false, multiline: false, issues);
        if (email is not null && EmailAddress.Validate(email) is { } reason)
        {
            issues.Add(CatalogIssues.ContactEmail(reason));
        }

        var phone = Text(draft.Phone, "contact.phone", 30, required: false, multiline: false, issues);
        if (phone is not null && !Phone().IsMatch(phone))
        {
            issues.Add(CatalogIssues.ContactPhone());
        }

        var contact = new ContactPoint(name, email, phone);
        return contact.IsEmpty ? null : contact;
    }
}
