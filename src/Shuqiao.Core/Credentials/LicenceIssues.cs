using Shuqiao.Core.Common;

namespace Shuqiao.Core.Credentials;

/// <summary>Every input issue of the Credentials capability. Codes are stable: the console translates them (lic.issue.*).</summary>
public static class LicenceIssues
{
    private static Issue Issue(string field, string code, string reason, params object[] arguments) => new(field, code, reason, arguments);

    public static Issue Required(string field) => Issue(field, "required", "is required");

    public static Issue TooLong(string field, int max) => Issue(field, "tooLong", $"must be at most {max} characters", max);

    public static Issue ControlCharacters(string field) => Issue(field, "control", "must not contain line breaks or other control characters");

    public static Issue HolderKindUnknown(string text) =>
        Issue("holderKind", "holderKind.unknown", $"'{text}' is not a holder kind; use Citizen or Organization (公民/法人和其他组织)", text);

    public static Issue FieldsRequired() => Issue("fields", "fields.required", "must list at least one field");

    public static Issue FieldsTooMany(int max) => Issue("fields", "fields.tooMany", $"must list at most {max} fields", max);

    public static Issue FieldName(int position, string name) =>
        Issue("fields", "fields.name", $"field {position}: '{name}' is not a field name; use a letter, then letters or digits (at most 40), e.g. companyName", position, name);

    public static Issue FieldNameRepeated(string name) => Issue("fields", "fields.repeated", $"'{name}' is listed twice", name);

    public static Issue FieldNameReserved(string name) =>
        Issue("fields", "fields.reserved", $"'{name}' is a licence metadata name (GB/T 36903) and cannot be a field", name);

    public static Issue FieldLabel(int position) => Issue("fields", "fields.label", $"field {position}: the label (中文名称) must be 1–30 characters on one line", position);

    public static Issue FieldType(int position, string type) =>
        Issue("fields", "fields.type", $"field {position}: '{type}' is not a field type; use Text, Date, Number, ResidentId or CreditCode", position, type);

    public static Issue FieldLine(int line) =>
        Issue("fields", "fields.line", $"line {line}: write name,label,type[,required] (e.g. companyName,名称,Text,required)", line);

    public static Issue ValidityYears(int max) => Issue("validityYears", "validity.years", $"must be between 1 and {max} years, or empty for 长期 (no end)", max);

    public static Issue LayoutUnknown(string field, string text) => Issue(field, "layout.unknown", $"'{text}' is not a valid choice", text);

    public static Issue TypeCodeTaken() => Issue("code", "type.codeTaken", "every one of the organization's 999 type codes is taken");

    public static Issue TypeNameTaken(string name) => Issue("name", "type.nameTaken", $"the organization already has a licence type named '{name}'", name);

    public static Issue TypeNotFound() => Issue("typeCode", "type.notFound", "does not name an active licence type of the issuing organization");

    public static Issue TypeRetired() => Issue("typeCode", "type.retired", "names a retired licence type; licences are no longer issued under it");

    public static Issue HolderCode(HolderKind kind, string reason) =>
        Issue("holderCode", kind == HolderKind.Citizen ? "holderCode.residentId" : "holderCode.creditCode",
            kind == HolderKind.Citizen ? $"is not a valid 公民身份号码 (GB 11643): {reason}" : $"is not a valid 统一社会信用代码 (GB 32100): {reason}", reason);

    public static Issue ClaimRequired(string name, string label) => Issue("claims." + name, "claim.required", $"({label}) is required", label);

    public static Issue ClaimUnknown(string name) => Issue("claims." + name, "claim.unknown", "is not a field of this licence type", name);

    public static Issue ClaimDate(string name, string label) => Issue("claims." + name, "claim.date", $"({label}) must be a date written yyyy-MM-dd", label);

    public static Issue ClaimNumber(string name, string label) => Issue("claims." + name, "claim.number", $"({label}) must be a decimal number", label);

    public static Issue ClaimResidentId(string name, string label) => Issue("claims." + name, "claim.residentId", $"({label}) must be a valid 公民身份号码", label);

    public static Issue ClaimCreditCode(string name, string label) => Issue("claims." + name, "claim.creditCode", $"({label}) must be a valid 统一社会信用代码", label);

    public static Issue ClaimTooLong(string name, string label, int max) => Issue("claims." + name, "claim.tooLong", $"({label}) must be at most {max} characters", label, max);

    public static Issue DateFormat(string field) => Issue(field, "date.format", "must be a date written yyyy-MM-dd", field);

    public static Issue ValidityOrder() => Issue("validUntil", "validity.order", "must not be before the start of validity");

    public static Issue LicenceNumberTaken(string number) => Issue("licenceNumber", "licenceNumber.taken", $"'{number}' is already a licence of this type", number);

    public static Issue StatusTransition(LicenceStatus from, string action) =>
        Issue("status", "status.transition", $"a {from} licence cannot be {action}", from.ToString(), action);

    public static Issue ReasonRequired() => Issue("reason", "reason.required", "is required: say why (it is shown to the holder)");

    public static Issue IssuingDisabled() =>
        Issue("issuer", "issuer.noKek", "issuing is disabled on this node: Shuqiao:Credentials:KeyEncryptionKey is not configured");

    public static Issue DidInvalid() => Issue("did", "trust.did", "must be a did:key (P-256) or did:web DID");

    public static Issue KeyInvalid(string field) => Issue(field, "trust.key", "must be a P-256 (or, for sm2Key, SM2) public key as a base58btc multikey (z…)");

    public static Issue DidTaken() => Issue("did", "trust.didTaken", "is already on the trust list");

    public static Issue NotDataAuthority() =>
        Issue("organization", "trust.notAuthority", "only a platform administrator of the data authority (数据主管部门) maintains the trust list");

    public static Issue UrlInvalid(string field) => Issue(field, "url.invalid", "must be an absolute https:// (or, for tests, http://) URL");

    public static Issue NotCitizenUser() => Issue("userId", "holder.notCitizen", "names no active user with the Citizen role");
}
