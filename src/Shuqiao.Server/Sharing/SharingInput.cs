using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary>A request as a consumer writes it (POST /api/v1/sharing-requests).</summary>
public sealed record SharingRequestBody(
    string? Resource = null,
    IReadOnlyList<string>? Fields = null,
    string? Purpose = null,
    string? Scenario = null,
    string? LegalBasis = null,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidTo = null,
    JsonElement? RowScope = null,
    int? DailyQuota = null,
    string? Mode = null,
    Guid? ClientId = null);

/// <summary>
/// An approval (POST …/approve, and the overturning approval of …/arbitrate): every part left out keeps what was
/// requested; <c>maskingOverrides</c> that show more than a field's default need the field in <c>confirmedLifts</c>.
/// </summary>
public sealed record ApprovalBody(
    IReadOnlyList<string>? Fields = null,
    JsonElement? AdditionalScope = null,
    DateTimeOffset? ValidFrom = null,
    DateTimeOffset? ValidTo = null,
    int? DailyQuota = null,
    string? Mode = null,
    IReadOnlyDictionary<string, MaskingDraft>? MaskingOverrides = null,
    IReadOnlyList<string>? ConfirmedLifts = null,
    string? Comment = null);

/// <summary>A step that takes a reason or comment (reject, dispute, withdraw, co-approve, suspend, revoke).</summary>
public sealed record ReasonBody(string? Reason = null, string? Comment = null);

/// <summary>The data authority's arbitration of a disputed rejection: <c>Upheld</c> (reason required) or <c>Overturned</c> (with an approval).</summary>
public sealed record ArbitrationBody(string? Result = null, string? Reason = null, ApprovalBody? Approval = null);

/// <summary>Renewal (续期) of a grant to a later end of validity.</summary>
public sealed record RenewBody(DateTimeOffset? ValidTo = null);

/// <summary>An organization's webhook: where to POST, whether it is on, and whether to issue a new secret.</summary>
public sealed record WebhookBody(string? Url = null, bool? Enabled = null, bool? RotateSecret = null);

/// <summary>Reading the parts of request and approval bodies that the domain takes typed.</summary>
public static class SharingInput
{
    public static GrantMode? ReadMode(string? text, string field, List<Issue> issues)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        if (t is "核验")
        {
            return GrantMode.VerifyOnly;
        }

        if (Enum.TryParse<GrantMode>(t, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !char.IsAsciiDigit(t[0]))
        {
            return mode;
        }

        issues.Add(new Issue(field, "mode.unknown", $"'{t}' is not a mode; use Read or VerifyOnly", [t]));
        return null;
    }

    public static Dictionary<string, MaskingRule> ReadOverrides(IReadOnlyDictionary<string, MaskingDraft>? drafts, List<Issue> issues)
    {
        var rules = new Dictionary<string, MaskingRule>(StringComparer.Ordinal);
        foreach (var (name, draft) in drafts ?? new Dictionary<string, MaskingDraft>())
        {
            if (ReadRule(draft, "maskingOverrides." + name, issues) is { } rule)
            {
                rules[name] = rule;
            }
        }

        return rules;
    }

    /// <summary>A masking rule as the catalog writes it (<c>{"rule":"KeepFirstLast","first":1,"last":1}</c>).</summary>
    public static MaskingRule? ReadRule(MaskingDraft? draft, string path, List<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (draft?.Rule is not { } text || !Enum.TryParse<MaskingKind>(text.Trim(), ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || char.IsAsciiDigit(text.Trim()[0]))
        {
            issues.Add(new Issue(path + ".rule", "masking.unknown", $"must be one of {string.Join(", ", Enum.GetNames<MaskingKind>())}", [draft?.Rule ?? ""]));
            return null;
        }

        switch (kind)
        {
            case MaskingKind.KeepFirstLast when draft.First is >= 0 and <= 100 && draft.Last is >= 0 and <= 100:
                return MaskingRule.KeepFirstLastOf(draft.First.Value, draft.Last.Value);
            case MaskingKind.KeepFirstLast:
                issues.Add(new Issue(path, "masking.parameters", "KeepFirstLast needs first and last between 0 and 100", []));
                return null;
            case MaskingKind.NumberRange when draft.Step is > 0:
                return MaskingRule.NumberRangeOf(draft.Step.Value);
            case MaskingKind.NumberRange:
                issues.Add(new Issue(path, "masking.parameters", "NumberRange needs a step greater than 0", []));
                return null;
            case MaskingKind.RegionTruncate when Enum.TryParse<RegionLevel>(draft.Level, ignoreCase: true, out var level) && Enum.IsDefined(level) && !char.IsAsciiDigit(draft.Level![0]):
                return MaskingRule.RegionTruncateTo(level);
            case MaskingKind.RegionTruncate:
                issues.Add(new Issue(path, "masking.parameters", "RegionTruncate needs a level: Province, City, County or Town", []));
                return null;
            default:
                return new MaskingRule(kind);
        }
    }
}
