using Shuqiao.Core.Common;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Core.Catalog;

/// <summary>
/// Every issue the Catalog capability reports, with stable codes: the console translates <c>catalog.issue.&lt;code&gt;</c>
/// with the arguments as {0}, {1}, …; the API returns the English reason. Keep the codes stable.
/// </summary>
public static class CatalogIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    // Resource text
    public static Issue Required(string field) => Issue(field, "required", "is required");

    public static Issue TooLong(string field, int max, int length) =>
        Issue(field, "tooLong", $"must be at most {max} characters but has {length}", max, length);

    public static Issue ControlCharacters(string field) =>
        Issue(field, "control", "must not contain line breaks or other control characters");

    public static Issue Unknown(string field, string text, string allowed) =>
        Issue(field, "unknown", $"'{text}' is not one of {allowed}", text, allowed);

    // Codes and categories
    public static Issue Code(ResourceCodeError error, string field = "code") =>
        Issue(field, "code." + Camel(error.ToString()), ResourceCode.Describe(error)!);

    public static Issue CodeTaken(string code, string holder, string field = "code") =>
        Issue(field, "code.taken", $"'{code}' is already used by the resource '{holder}'", code, holder);

    public static Issue CodeCategoryMismatch(string code, string category) =>
        Issue("category", "code.categoryMismatch", $"'{category}' is not the category of the code '{code}'; give one of them, or both alike", category, code);

    public static Issue CodeOrCategoryRequired() =>
        Issue("code", "code.orCategory", "is required, or give category (类-项-目-细目) and a sequence number is assigned");

    public static Issue CategoryUnknown(string field, string prefix, string level) =>
        Issue(field, "category.unknown", $"has {level} '{prefix}', which this node's catalog taxonomy does not list", prefix, level);

    public static Issue SequenceExhausted(string category) =>
        Issue("category", "category.full", $"has used all sequence numbers (999999) under {category}", category);

    public static Issue Immutable(string field) =>
        Issue(field, "immutable", "cannot be changed after the resource is created");

    // Provider
    public static Issue ProviderNotFound() => Issue("providerId", "provider.notFound", "does not name an existing organization");

    public static Issue ProviderNotManaged() =>
        Issue("providerId", "provider.notManaged", "is not your organization; a data steward describes only the resources of its own organization");

    public static Issue ProviderDisabled(string name) =>
        Issue("providerId", "provider.disabled", $"'{name}' is disabled; choose an active organization", name);

    // Sharing and opening
    public static Issue LegalBasisRequired() =>
        Issue("legalBasis", "legalBasis.required", "is required when the sharing type is NotShared (不予共享须有法律、行政法规或政策依据)");

    public static Issue SharingConditionsRequired() =>
        Issue("sharingConditions", "sharingConditions.required", "is required when the sharing type is Conditional (有条件共享须注明共享条件)");

    public static Issue OpenConditionsRequired() =>
        Issue("openConditions", "openConditions.required", "is required when the open type is Conditional (有条件开放须注明开放条件)");

    public static Issue KeywordsTooMany(int max) => Issue("keywords", "keywords.tooMany", $"may list at most {max} keywords", max);

    public static Issue ContactEmail(string reason) => Issue("contact.email", "contact.email", reason, reason);

    public static Issue ContactPhone() =>
        Issue("contact.phone", "contact.phone", "must be a telephone number: digits, spaces, +, - and parentheses, 5–30 characters");

    public static Issue Negative(string field) => Issue(field, "negative", "must not be negative");

    // Life cycle and concurrency
    public static Issue RevisionRequired() => Issue("revision", "revision.required", "is required (the revision you read)");

    public static Issue RevisionStale() =>
        Issue("revision", "revision.stale", "is not the current revision; reload the resource and apply your change again");

    public static Issue NotDraft(ResourceStatus status) =>
        Issue("status", "status.notDraft", $"is {status}; only a draft can be published", status);

    public static Issue NotPublished(ResourceStatus status) =>
        Issue("status", "status.notPublished", $"is {status}; only a published resource can be retired", status);

    public static Issue Retired() =>
        Issue("status", "status.retired", "is Retired; a retired resource can no longer be changed");

    public static Issue BreakingNotAllowed(int count) =>
        Issue("allowBreaking", "evolution.breaking", $"must be true: the new schema has {count} breaking change(s) (listed under fields), which publish a new major version that existing consumers cannot use unchanged", count);

    // Schema: the field list
    public static Issue FieldsRequired() => Issue("fields", "fields.required", "must list at least one field (信息项)");

    public static Issue FieldsTooMany(int max, int count) =>
        Issue("fields", "fields.tooMany", $"may list at most {max} fields but has {count}", max, count);

    public static Issue KeyMissing() =>
        Issue("fields", "fields.keyMissing", "must mark at least one field as key: records are stored and found by their key");

    public static Issue FieldNameFormat(string path, string name) =>
        Issue(path, "field.name.format", $"'{name}' must start with a letter and have only ASCII letters, digits and _ (at most 63), as JSON properties and CSV columns need", name);

    public static Issue FieldNameRepeated(string path, string name, int first) =>
        Issue(path, "field.name.repeated", $"'{name}' is already the name of field {first + 1}", name, first + 1);

    public static Issue FieldLabelRepeated(string path, string label, int first) =>
        Issue(path, "field.label.repeated", $"'{label}' is already the label of field {first + 1}; readers could not tell them apart", label, first + 1);

    public static Issue KeyNotRequired(string path) =>
        Issue(path, "field.key.required", "must be required too: a record cannot be stored without its key");

    public static Issue KeyType(string path, FieldType type) =>
        Issue(path, "field.key.type", $"cannot be a key: keys are strings, integers or dates, not {type}", type);

    public static Issue PrecisionNotDecimal(string path) =>
        Issue(path, "field.precision.notDecimal", "applies only to decimal fields");

    public static Issue Precision(string path) =>
        Issue(path, "field.precision.range", "must be between 1 and 38 (digits in all)");

    public static Issue Scale(string path, int precision) =>
        Issue(path, "field.scale.range", $"must be between 0 and the precision ({precision})", precision);

    public static Issue SensitiveUnmasked(string path) =>
        Issue(path, "field.masking.sensitive", "must name a masking rule: the field holds sensitive personal information (GB/T 35273), which is never shared unmasked by default");

    public static Issue MaskingType(string path, MaskingKind kind, FieldType type) =>
        Issue(path, "field.masking.type", $"{kind} cannot mask a {type} field", kind, type);

    public static Issue MaskingParameter(string path, string parameter, string rule) =>
        Issue(path, "field.masking.parameter", $"{rule} needs {parameter}", rule, parameter);

    public static Issue MaskingParameterRange(string path, string parameter, string range) =>
        Issue(path, "field.masking.range", $"{parameter} must be {range}", parameter, range);

    // Schema: validators
    public static Issue ValidatorUnknown(string path, string kind) =>
        Issue(path, "validator.unknown", $"'{kind}' is not a validator; use {string.Join(", ", FieldValidator.Kinds)}", kind, string.Join(", ", FieldValidator.Kinds));

    public static Issue ValidatorType(string path, string kind, FieldType type) =>
        Issue(path, "validator.type", $"{kind} does not apply to a {type} field", kind, type);

    public static Issue ValidatorRepeated(string path, string kind) =>
        Issue(path, "validator.repeated", $"{kind} is listed twice for this field; combine them into one", kind);

    public static Issue ValidatorParameterUnused(string path, string parameter, string kind) =>
        Issue(path, "validator.unused", $"{parameter} does not belong to a {kind} validator", parameter, kind);

    public static Issue BoundsMissing(string path, string kind) =>
        Issue(path, "validator.bounds", $"{kind} needs min, max or both", kind);

    public static Issue BoundsReversed(string path) =>
        Issue(path, "validator.reversed", "min is greater than max");

    public static Issue LengthBound(string path) =>
        Issue(path, "validator.length", "must be a whole number between 0 and 1000000");

    public static Issue RangeBound(string path, string text, FieldType type, string reason) =>
        Issue(path, "validator.rangeBound", $"'{text}' is not a {type} value: {reason}", text, type);

    public static Issue PatternInvalid(string path, string reason) =>
        Issue(path, "validator.pattern", $"is not a valid regular expression: {reason}", reason);

    public static Issue CodesEmpty(string path) => Issue(path, "validator.codes", "must list at least one code");

    public static Issue CodesTooMany(string path, int max) => Issue(path, "validator.codesTooMany", $"may list at most {max} codes", max);

    public static Issue CodeRepeated(string path, string code) => Issue(path, "validator.codeRepeated", $"lists the code '{code}' twice", code);

    public static Issue CodeNotInteger(string path, string code) =>
        Issue(path, "validator.codeInteger", $"'{code}' is not an integer, but the field is an integer field", code);

    public static Issue CodeEntry(string path) =>
        Issue(path, "validator.codeEntry", "must be a code (a string) or an object {\"code\": …, \"label\": …}");

    // Schema: references
    public static Issue ReferenceUnknownResource(string path, string code) =>
        Issue(path, "reference.resource", $"'{code}' is not a resource in this catalog", code);

    public static Issue ReferenceUnknownField(string path, string code, string field) =>
        Issue(path, "reference.field", $"resource '{code}' has no field '{field}'", code, field);

    public static Issue ReferenceType(string path, string code, string field, FieldType expected, FieldType actual) =>
        Issue(path, "reference.type", $"'{code}'.{field} is a {actual} field, but this one is {expected}", code, field, actual, expected);

    // Values (records, checked when a batch is loaded)
    public static Issue ValueRequired(string field) => Issue(field, "value.required", "is required");

    public static Issue ValueJsonType(string field, FieldType type, string found) =>
        Issue(field, "value.jsonType", $"must be {Article(type)} but is a JSON {found}", type, found);

    // PostgreSQL text and jsonb cannot hold U+0000; the value is refused here rather than failing the whole upload later.
    public static Issue ValueNul(string field) =>
        Issue(field, "value.nul", "contains the NUL character (U+0000), which cannot be stored");

    public static Issue ValueNotInteger(string field, string text) =>
        Issue(field, "value.integer", $"'{Show(text)}' is not an integer (digits with an optional sign, no separators)", Show(text));

    public static Issue ValueIntegerRange(string field, string text) =>
        Issue(field, "value.integerRange", $"'{Show(text)}' is outside the 64-bit integer range", Show(text));

    public static Issue ValueNotDecimal(string field, string text) =>
        Issue(field, "value.decimal", $"'{Show(text)}' is not a decimal number (digits with an optional sign and point, no separators or exponent)", Show(text));

    public static Issue ValuePrecision(string field, string text, int precision) =>
        Issue(field, "value.precision", $"'{Show(text)}' has more than {precision} digits", Show(text), precision);

    public static Issue ValueScale(string field, string text, int scale) =>
        Issue(field, "value.scale", $"'{Show(text)}' has more than {scale} digits after the point", Show(text), scale);

    public static Issue ValueNotBoolean(string field, string text) =>
        Issue(field, "value.boolean", $"'{Show(text)}' is not a yes/no value (true/false, 1/0, 是/否)", Show(text));

    public static Issue ValueNotDate(string field, string text) =>
        Issue(field, "value.date", $"'{Show(text)}' is not a date (yyyy-MM-dd, yyyyMMdd, yyyy/M/d or yyyy年M月d日)", Show(text));

    public static Issue ValueNotDateTime(string field, string text) =>
        Issue(field, "value.dateTime", $"'{Show(text)}' is not a date and time (ISO 8601, e.g. 2024-05-01T08:30:00+08:00, or yyyy-MM-dd HH:mm:ss)", Show(text));

    public static Issue ValueTooShort(string field, int min, int length) =>
        Issue(field, "value.tooShort", $"must be at least {min} characters long but has {length}", min, length);

    public static Issue ValueTooLong(string field, int max, int length) =>
        Issue(field, "value.tooLong", $"must be at most {max} characters long but has {length}", max, length);

    public static Issue ValuePattern(string field, string pattern) =>
        Issue(field, "value.pattern", $"does not match the pattern {pattern}", pattern);

    public static Issue ValuePatternTimeout(string field) =>
        Issue(field, "value.patternTimeout", "could not be checked against the pattern in time; the value is treated as not matching");

    public static Issue ValueNotInCodeList(string field, string text) =>
        Issue(field, "value.codeList", $"'{Show(text)}' is not one of the field's codes", Show(text));

    public static Issue ValueBelow(string field, string text, string min) =>
        Issue(field, "value.below", $"{Show(text)} is less than the minimum {min}", Show(text), min);

    public static Issue ValueAbove(string field, string text, string max) =>
        Issue(field, "value.above", $"{Show(text)} is greater than the maximum {max}", Show(text), max);

    public static Issue ValueResidentId(string field, ResidentIdCheck check) =>
        Issue(field, "value.residentId." + Camel(check.Error.ToString()), ResidentId.Describe(check)!, check.Length, check.Position, check.Found.ToString(), check.Expected.ToString(), check.Detail ?? "");

    public static Issue ValueCreditCode(string field, CreditCodeCheck check) =>
        Issue(field, "value.creditCode." + Camel(check.Error.ToString()), CreditCode.Describe(check)!, check.Length, check.Position, check.Found.ToString(), check.Expected.ToString());

    public static Issue ValueMobile(string field, string reason) => Issue(field, "value.mobile", reason, reason);

    public static Issue ValueEmail(string field, string reason) => Issue(field, "value.email", reason, reason);

    public static Issue RecordUnknownField(string name) =>
        Issue(name, "record.unknownField", $"'{name}' is not a field of this resource", name);

    public static Issue RecordRepeatedField(string name) =>
        Issue(name, "record.repeatedField", $"'{name}' appears twice in the record", name);

    public static Issue RecordNotObject(string found) =>
        Issue("record", "record.notObject", $"must be a JSON object but is a JSON {found}", found);

    // Values are echoed in reasons to help people fix rows; long ones are cut so a reason stays readable.
    private static string Show(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Article(FieldType type) => type switch
    {
        FieldType.String => "a string",
        FieldType.Integer => "an integer",
        FieldType.Decimal => "a decimal number",
        FieldType.Boolean => "true or false",
        FieldType.Date => "a date string",
        _ => "a date-time string",
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
