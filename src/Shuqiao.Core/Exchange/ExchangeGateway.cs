using System.Text;
using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Privacy;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Core.Exchange;

/// <summary>Who is asking and in which circumstances: the authenticated client, its organization, the stated purpose, the time and the grant's use so far today.</summary>
public sealed record GatewayCaller(Guid ClientId, Guid OrganizationId, string? Purpose, DateTimeOffset Now, long UsedToday);

/// <summary>
/// The one place the exchange gateway asks whether a request may go ahead (design §3): given the grant found for
/// (client, resource) — or none —, the resource, the caller and the query, it returns the plan to run or the denial to
/// record and return. Pure: the caller supplies the time and today's use of the quota.
/// </summary>
/// <remarks>
/// Checks, in order, each a <see cref="DenialReason"/>: the grant (exists for this client and resource, status,
/// validity), the resource (published), purpose, mode, quota; then the query: fields granted (核心 fields only under a
/// grant the data authority approved), filter fields granted
/// and not masked (eq/in on a key field excepted: looking a record up by its key reveals only what the consumer
/// already has), sort fields granted and not masked, page size. Masking per field is
/// <see cref="MaskingPolicy.Effective"/> with the grant's overrides.
/// </remarks>
public static class ExchangeGateway
{
    public sealed record Limits(int DefaultPageSize = 100, int MaxPageSize = 1000)
    {
        public static Limits Default { get; } = new();
    }

    /// <summary>Decides a query (<c>POST /exchange/{code}/query</c>; a lookup by key is a query whose filter is eq on the key fields).</summary>
    public static AccessDecision<QueryPlan> Decide(Grant? grant, DataResource resource, GatewayCaller caller, ExchangeQuery query, Limits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        limits ??= Limits.Default;
        if (CheckGrant(grant, resource, caller) is { } refused)
        {
            return refused;
        }

        if (grant!.Mode == GrantMode.VerifyOnly)
        {
            return Denial.Of(DenialReason.VerifyOnlyGrant);
        }

        var granted = Granted(grant, resource);
        var fields = new List<PlannedField>();
        var wanted = query.Fields ?? resource.Fields.Where(f => granted.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        for (var i = 0; i < wanted.Count; i++)
        {
            if (!granted.TryGetValue(wanted[i], out var planned))
            {
                return Denial.Of(DenialReason.FieldNotGranted, $"fields[{i}]", $"'{wanted[i]}' is not granted");
            }

            fields.Add(planned);
        }

        if (query.Filter is { } filter && CheckFilter(filter, granted) is { } filterDenial)
        {
            return filterDenial;
        }

        for (var i = 0; i < query.Sort.Count; i++)
        {
            var name = query.Sort[i].Field;
            if (!granted.TryGetValue(name, out var planned))
            {
                return Denial.Of(DenialReason.SortOnUngrantedField, $"sort[{i}].field", $"'{name}' is not granted");
            }

            if (planned.Masked)
            {
                return Denial.Of(DenialReason.SortOnMaskedField, $"sort[{i}].field", $"'{name}' is masked ({planned.Masking})");
            }
        }

        var pageSize = query.PageSize ?? limits.DefaultPageSize;
        if (pageSize > limits.MaxPageSize)
        {
            return Denial.Of(DenialReason.PageSizeTooLarge, "pageSize", $"must be at most {limits.MaxPageSize}");
        }

        return new AccessDecision<QueryPlan>(new QueryPlan(
            grant.Id, resource.Id, fields, RowPredicate.And(grant.RowFilter, query.Filter), query.Sort, pageSize, query.Cursor, QueryShape.Of(query)), null);
    }

    /// <summary>Decides a query given as its JSON body: an unreadable body is denied as InvalidQuery, with its issues.</summary>
    public static AccessDecision<QueryPlan> Decide(Grant? grant, DataResource resource, GatewayCaller caller, JsonElement body, ValueParsingOptions options, Limits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (CheckGrant(grant, resource, caller) is { } refused)
        {
            return refused;
        }

        var query = ExchangeQuery.Read(body, resource.Fields, options);
        return query.Succeeded ? Decide(grant, resource, caller, query.Value!, limits) : new Denial(DenialReason.InvalidQuery, null, query.Failure!.Issues);
    }

    /// <summary>
    /// Decides a verification (<c>POST /exchange/{code}/verify</c>): <paramref name="values"/> is a JSON object of
    /// field → value that must give every key field and at least one other field, all granted (masked fields may be
    /// verified: only match / no match is revealed). Read grants may verify too. Values are read and normalized as
    /// ingestion stores them (<paramref name="schema"/>), so 11010119900307123x matches the stored …123X.
    /// </summary>
    public static AccessDecision<VerifyPlan> DecideVerify(Grant? grant, DataResource resource, CompiledSchema schema, GatewayCaller caller, JsonElement values)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(schema);
        if (CheckGrant(grant, resource, caller) is { } refused)
        {
            return refused;
        }

        if (values.ValueKind != JsonValueKind.Object)
        {
            return new Denial(DenialReason.InvalidQuery, "values", [ExchangeIssues.VerifyNotObject(FieldValueParser.JsonKind(values.ValueKind))]);
        }

        var granted = Granted(grant!, resource);
        var known = resource.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var submitted = new Dictionary<string, TypedValue>(StringComparer.Ordinal);
        var issues = new List<Common.Issue>();
        foreach (var property in values.EnumerateObject())
        {
            var path = "values." + property.Name;
            if (!known.ContainsKey(property.Name))
            {
                issues.Add(ExchangeIssues.UnknownField(path, property.Name));
                continue;
            }

            if (!granted.ContainsKey(property.Name))
            {
                return Denial.Of(DenialReason.FieldNotGranted, path, $"'{property.Name}' is not granted");
            }

            var check = schema.CheckJson(property.Name, property.Value);
            if (check.Value is null)
            {
                issues.AddRange(check.Findings.Select(f => f.Issue with { Field = path }).DefaultIfEmpty(ExchangeIssues.ValueRequired(path)));
                continue;
            }

            if (!submitted.TryAdd(property.Name, check.Value))
            {
                issues.Add(ExchangeIssues.RepeatedProperty("values", property.Name));
            }
        }

        var keys = resource.KeyFields.ToList();
        foreach (var key in keys.Where(k => !submitted.ContainsKey(k.Name) && !issues.Any(i => i.Field == "values." + k.Name)))
        {
            issues.Add(ExchangeIssues.VerifyKeyMissing(key.Name));
        }

        if (issues.Count == 0 && submitted.Keys.All(name => keys.Any(k => k.Name == name)))
        {
            issues.Add(ExchangeIssues.VerifyNothingToCheck());
        }

        if (issues.Count > 0)
        {
            return new Denial(DenialReason.InvalidQuery, "values", issues);
        }

        RowPredicate lookup = keys.Count == 1
            ? new RowPredicate.Eq(keys[0].Name, submitted[keys[0].Name])
            : new RowPredicate.AllOf(keys.Select(k => (RowPredicate)new RowPredicate.Eq(k.Name, submitted[k.Name])).ToList());
        return new AccessDecision<VerifyPlan>(new VerifyPlan(
            grant!.Id, resource.Id, RowPredicate.And(grant.RowFilter, lookup)!, submitted, QueryShape.OfVerification(submitted.Keys)), null);
    }

    /// <summary>
    /// Whether a stated purpose is the grant's: equal after NFKC folding (full-width forms), trimming and collapsing
    /// white space. The purpose travels in a header, so the endpoint percent-decodes it (UTF-8) first.
    /// </summary>
    public static bool PurposeMatches(string grantPurpose, string? stated) =>
        stated is not null && NormalizePurpose(grantPurpose) == NormalizePurpose(stated);

    private static string NormalizePurpose(string text) =>
        string.Join(' ', text.Normalize(NormalizationForm.FormKC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Denial? CheckGrant(Grant? grant, DataResource resource, GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (grant is null || grant.ResourceId != resource.Id || grant.ConsumerOrganizationId != caller.OrganizationId ||
            (grant.ConsumerClientId is { } client && client != caller.ClientId))
        {
            return Denial.Of(DenialReason.NoGrant);
        }

        switch (grant.StatusAt(caller.Now))
        {
            case GrantStatus.Revoked:
                return Denial.Of(DenialReason.GrantRevoked);
            case GrantStatus.Suspended:
                return Denial.Of(DenialReason.GrantSuspended);
            case GrantStatus.Expired:
                return Denial.Of(DenialReason.GrantExpired);
        }

        if (caller.Now < grant.ValidFrom)
        {
            return Denial.Of(DenialReason.GrantNotYetValid);
        }

        if (resource.Status != ResourceStatus.Published)
        {
            return Denial.Of(DenialReason.ResourceUnavailable);
        }

        if (string.IsNullOrWhiteSpace(caller.Purpose))
        {
            return Denial.Of(DenialReason.PurposeRequired, "purpose");
        }

        if (!PurposeMatches(grant.Purpose, caller.Purpose))
        {
            return Denial.Of(DenialReason.PurposeMismatch, "purpose");
        }

        return grant.DailyQuota is { } quota && caller.UsedToday >= quota ? Denial.Of(DenialReason.QuotaExceeded) : null;
    }

    // The granted fields still in the schema, with their effective masking. A 核心 field counts only when the data
    // authority approved the grant: the catalog may have reclassified it after the approval.
    private static Dictionary<string, PlannedField> Granted(Grant grant, DataResource resource)
    {
        var granted = new Dictionary<string, PlannedField>(StringComparer.Ordinal);
        foreach (var field in resource.Fields.Where(f => grant.Fields.Contains(f.Name, StringComparer.Ordinal)))
        {
            if (field.Classification == DataClassification.Core && !grant.AuthorityApproved)
            {
                continue;
            }

            granted[field.Name] = new PlannedField(field, MaskingPolicy.Effective(field, grant.MaskingOverrides));
        }

        return granted;
    }

    private static Denial? CheckFilter(RowPredicate filter, Dictionary<string, PlannedField> granted)
    {
        switch (filter)
        {
            case RowPredicate.AllOf all:
                return all.Terms.Select(t => CheckFilter(t, granted)).FirstOrDefault(d => d is not null);
            case RowPredicate.AnyOf any:
                return any.Terms.Select(t => CheckFilter(t, granted)).FirstOrDefault(d => d is not null);
            case RowPredicate.FieldPredicate condition:
                if (!granted.TryGetValue(condition.Field, out var planned))
                {
                    return Denial.Of(DenialReason.FilterOnUngrantedField, "filter", $"'{condition.Field}' is not granted");
                }

                var keyLookup = planned.Field.Key && condition is RowPredicate.Eq or RowPredicate.OneOf;
                return planned.Masked && !keyLookup
                    ? Denial.Of(DenialReason.FilterOnMaskedField, "filter", $"'{condition.Field}' is masked ({planned.Masking})")
                    : null;
            default:
                return null;
        }
    }
}
