using System.Globalization;
using System.Text.RegularExpressions;
using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Credentials;

/// <summary>A licence type as requested, before the code and id are assigned.</summary>
public sealed record LicenceTypeDefinition(string Name, HolderKind HolderKind, IReadOnlyList<LicenceField> Fields, ValidityRule Validity, LicenceLayout Layout);

/// <summary>The checked content of a licence about to be issued.</summary>
public sealed record LicenceContent(
    HolderKind HolderKind,
    string HolderName,
    string HolderCode,
    IReadOnlyList<LicenceClaim> Claims,
    string? LicenceNumber,
    DateOnly ValidityStart,
    DateOnly? ValidityEnd);

/// <summary>Pure rules of licence types and issuance.</summary>
public static partial class LicenceRules
{
    public const int MaxNameLength = 50;
    public const int MaxFields = 30;
    public const int MaxClaimLength = 500;
    public const int MaxValidityYears = 100;

    /// <summary>The names of the GB/T 36903 metadata in a credential: a field may not take one.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "type", "id", "licenceIdentifier", "licenceName", "licenceTypeCode", "licenceNumber", "holderName", "holderCode",
        "holderCodeType", "issuingAuthority", "issuingAuthorityCode", "issueDate", "validityStart", "validityEnd", "claims",
    };

    /// <summary>China Standard Time: licence dates are Beijing dates (UTC+8, no daylight saving).</summary>
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static DateOnly BeijingDate(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(Beijing).DateTime);

    /// <summary>The first instant of a Beijing date (validFrom).</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Beijing);

    /// <summary>The last second of a Beijing date (validUntil): a licence valid "until 2030-01-01" is valid all that day.</summary>
    public static DateTimeOffset EndOf(DateOnly date) => new(date.ToDateTime(new TimeOnly(23, 59, 59)), Beijing);

    public static string NormalizeText(string? text) => (text ?? "").Trim();

    public static Issue? CheckName(string name, string field = "name") =>
        name.Length == 0 ? LicenceIssues.Required(field)
        : name.Length > MaxNameLength ? LicenceIssues.TooLong(field, MaxNameLength)
        : name.Any(char.IsControl) ? LicenceIssues.ControlCharacters(field)
        : null;

    public static IReadOnlyList<Issue> CheckDefinition(LicenceTypeDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var issues = new List<Issue>();
        if (CheckName(definition.Name) is { } nameIssue)
        {
            issues.Add(nameIssue);
        }

        if (definition.Fields.Count == 0)
        {
            issues.Add(LicenceIssues.FieldsRequired());
        }
        else if (definition.Fields.Count > MaxFields)
        {
            issues.Add(LicenceIssues.FieldsTooMany(MaxFields));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < definition.Fields.Count; i++)
        {
            var field = definition.Fields[i];
            if (!FieldNamePattern().IsMatch(field.Name))
            {
                issues.Add(LicenceIssues.FieldName(i + 1, field.Name));
            }
            else if (Reserved.Contains(field.Name))
            {
                issues.Add(LicenceIssues.FieldNameReserved(field.Name));
            }
            else if (!seen.Add(field.Name))
            {
                issues.Add(LicenceIssues.FieldNameRepeated(field.Name));
            }

            if (field.Label.Trim().Length is 0 or > 30 || field.Label.Any(char.IsControl))
            {
                issues.Add(LicenceIssues.FieldLabel(i + 1));
            }
        }

        if (definition.Validity.Years is { } years && years is < 1 or > MaxValidityYears)
        {
            issues.Add(LicenceIssues.ValidityYears(MaxValidityYears));
        }

        if (definition.Layout.Note is { Length: > 200 })
        {
            issues.Add(LicenceIssues.TooLong("layout.note", 200));
        }

        return issues;
    }

    /// <summary>
    /// Reads the console's field list: one field per line, <c>name,label,type[,required]</c> (commas or the
    /// full-width '，'). Returns the fields, or issues naming the lines that could not be read.
    /// </summary>
    public static (IReadOnlyList<LicenceField> Fields, IReadOnlyList<Issue> Issues) ParseFieldLines(string? text)
    {
        var fields = new List<LicenceField>();
        var issues = new List<Issue>();
        var lines = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split([',', '，']).Select(p => p.Trim()).ToArray();
            if (parts.Length is < 3 or > 4)
            {
                issues.Add(LicenceIssues.FieldLine(i + 1));
                continue;
            }

            if (!TryParseFieldType(parts[2], out var type))
            {
                issues.Add(LicenceIssues.FieldType(fields.Count + 1, parts[2]));
                continue;
            }

            var required = parts.Length == 4 && parts[3].ToUpperInvariant() is "REQUIRED" or "必填" or "是" or "TRUE" or "1";
            fields.Add(new LicenceField(parts[0], parts[1], type, required));
        }

        return (fields, issues);
    }

    public static string FormatFieldLines(IEnumerable<LicenceField> fields) =>
        string.Join('\n', fields.Select(f => $"{f.Name},{f.Label},{f.Type}{(f.Required ? ",required" : "")}"));

    public static bool TryParseFieldType(string? text, out LicenceFieldType type)
    {
        type = default;
        return text is { Length: > 0 } && !text.All(char.IsAsciiDigit) && Enum.TryParse(text, ignoreCase: true, out type);
    }

    public static bool TryParseHolderKind(string? text, out HolderKind kind)
    {
        kind = default;
        switch (text?.Trim())
        {
            case "公民" or "自然人" or "个人":
                kind = HolderKind.Citizen;
                return true;
            case "法人" or "组织" or "法人和其他组织" or "企业":
                kind = HolderKind.Organization;
                return true;
            default:
                return text is { Length: > 0 } && !text.All(char.IsAsciiDigit) && Enum.TryParse(text.Trim(), ignoreCase: true, out kind);
        }
    }

    /// <summary>持证主体代码类型 as the credential writes it.</summary>
    public static string HolderCodeType(HolderKind kind) => kind == HolderKind.Citizen ? "公民身份号码" : "统一社会信用代码";

    public static string NormalizeHolderCode(HolderKind kind, string? code) =>
        kind == HolderKind.Citizen ? ResidentId.Normalize(code) : CreditCode.Normalize(code);

    public static Issue? CheckHolderCode(HolderKind kind, string code)
    {
        if (kind == HolderKind.Citizen)
        {
            var error = ResidentId.Check(code);
            return error switch
            {
                ResidentIdError.None => null,
                ResidentIdError.Required => LicenceIssues.Required("holderCode"),
                ResidentIdError.Format => LicenceIssues.HolderCode(kind, "18 characters: 17 digits and a digit or X"),
                ResidentIdError.BirthDate => LicenceIssues.HolderCode(kind, "positions 7–14 are not a birth date"),
                _ => LicenceIssues.HolderCode(kind, "wrong check character"),
            };
        }

        var check = CreditCode.Check(code);
        return check.IsValid ? null
            : check.Error == CreditCodeError.Required ? LicenceIssues.Required("holderCode")
            : LicenceIssues.HolderCode(kind, CreditCode.Describe(check) ?? "invalid");
    }

    /// <summary>
    /// Checks a licence's content against its type: holder, every required field, each value's type, no unknown
    /// field; fills the validity from the type's rule when not given. The claims come back in the type's field order.
    /// </summary>
    public static (LicenceContent? Content, IReadOnlyList<Issue> Issues) CheckContent(
        LicenceType type,
        string? holderName,
        string? holderCode,
        IReadOnlyDictionary<string, string?>? claims,
        string? licenceNumber,
        string? validFrom,
        string? validUntil,
        DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(type);
        var issues = new List<Issue>();
        var name = NormalizeText(holderName);
        if (name.Length == 0)
        {
            issues.Add(LicenceIssues.Required("holderName"));
        }
        else if (name.Length > 100)
        {
            issues.Add(LicenceIssues.TooLong("holderName", 100));
        }
        else if (name.Any(char.IsControl))
        {
            issues.Add(LicenceIssues.ControlCharacters("holderName"));
        }

        var code = NormalizeHolderCode(type.HolderKind, holderCode);
        if (CheckHolderCode(type.HolderKind, code) is { } codeIssue)
        {
            issues.Add(codeIssue);
        }

        var given = claims ?? new Dictionary<string, string?>();
        foreach (var key in given.Keys.Where(k => !type.Fields.Any(f => f.Name == k)))
        {
            issues.Add(LicenceIssues.ClaimUnknown(key));
        }

        var checkedClaims = new List<LicenceClaim>();
        foreach (var field in type.Fields)
        {
            var value = given.TryGetValue(field.Name, out var raw) ? NormalizeText(raw) : "";
            if (value.Length == 0)
            {
                if (field.Required)
                {
                    issues.Add(LicenceIssues.ClaimRequired(field.Name, field.Label));
                }

                continue;
            }

            if (CheckClaim(field, ref value) is { } claimIssue)
            {
                issues.Add(claimIssue);
                continue;
            }

            checkedClaims.Add(new LicenceClaim(field.Name, field.Label, field.Type, value));
        }

        var number = NormalizeText(licenceNumber);
        if (number.Length > 100)
        {
            issues.Add(LicenceIssues.TooLong("licenceNumber", 100));
        }
        else if (number.Any(char.IsControl))
        {
            issues.Add(LicenceIssues.ControlCharacters("licenceNumber"));
        }

        var start = today;
        if (!string.IsNullOrWhiteSpace(validFrom) && !TryParseDate(validFrom, out start))
        {
            issues.Add(LicenceIssues.DateFormat("validFrom"));
        }

        DateOnly? end = type.Validity.Years is { } years ? start.AddYears(years) : null;
        if (!string.IsNullOrWhiteSpace(validUntil))
        {
            if (validUntil.Trim() == "长期")
            {
                end = null;
            }
            else if (TryParseDate(validUntil, out var explicitEnd))
            {
                end = explicitEnd;
            }
            else
            {
                issues.Add(LicenceIssues.DateFormat("validUntil"));
            }
        }

        if (end is { } e && e < start)
        {
            issues.Add(LicenceIssues.ValidityOrder());
        }

        return issues.Count > 0
            ? (null, issues)
            : (new LicenceContent(type.HolderKind, name, code, checkedClaims, number.Length == 0 ? null : number, start, end), issues);
    }

    private static Issue? CheckClaim(LicenceField field, ref string value)
    {
        if (value.Length > MaxClaimLength)
        {
            return LicenceIssues.ClaimTooLong(field.Name, field.Label, MaxClaimLength);
        }

        switch (field.Type)
        {
            case LicenceFieldType.Date:
                if (!TryParseDate(value, out var date))
                {
                    return LicenceIssues.ClaimDate(field.Name, field.Label);
                }

                value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return null;
            case LicenceFieldType.Number:
                if (!decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    return LicenceIssues.ClaimNumber(field.Name, field.Label);
                }

                value = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case LicenceFieldType.ResidentId:
                value = ResidentId.Normalize(value);
                return ResidentId.IsValid(value) ? null : LicenceIssues.ClaimResidentId(field.Name, field.Label);
            case LicenceFieldType.CreditCode:
                value = CreditCode.Normalize(value);
                return CreditCode.IsValid(value) ? null : LicenceIssues.ClaimCreditCode(field.Name, field.Label);
            default:
                return value.Any(c => char.IsControl(c) && c != '\n') ? LicenceIssues.ControlCharacters("claims." + field.Name) : null;
        }
    }

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex FieldNamePattern();
}
