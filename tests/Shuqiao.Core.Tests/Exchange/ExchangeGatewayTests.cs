using System.Text;
using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Privacy;
using Shuqiao.Core.Sharing;
using static Shuqiao.Core.Tests.Sharing.SharingData;

namespace Shuqiao.Core.Tests.Exchange;

/// <summary>
/// The enforcement matrix: grant variants × caller and query variants → allowed (the exact fields returned, masked
/// ones starred, and the filter run) or denied (the reason).
/// </summary>
public class ExchangeGatewayTests
{
    private const string Purpose = "最低生活保障资格审核";

    private static readonly DataResource Population = Resource();

    private static readonly DateTimeOffset At = Now.AddDays(10);

    // Granted: idNumber, name, gender, birthDate, district within district 350102; 100 requests a day.
    private static Grant Base { get; } = Grant.FromApproved(
        Guid.Parse("0191c2a0-0000-7000-8000-0000000000d1"),
        Ok(Submitted(Application(Terms("idNumber", "name", "gender", "birthDate", "district") with { RowScope = Filter("""{"field":"district","eq":"350102"}"""), DailyQuota = 100 }))
            .Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now)),
        Now);

    private static readonly Dictionary<string, Grant?> Grants = new()
    {
        ["read"] = Base,
        ["none"] = null,
        ["verifyOnly"] = Base with { Mode = GrantMode.VerifyOnly },
        ["suspended"] = Base with { Status = GrantStatus.Suspended },
        ["revoked"] = Base with { Status = GrantStatus.Revoked },
        ["expired"] = Base with { ValidTo = At },
        ["notYet"] = Base with { ValidFrom = At.AddDays(1) },
        ["otherClient"] = Base with { ConsumerClientId = Guid.NewGuid() },
        ["otherOrganization"] = Base with { ConsumerOrganizationId = Police },
        ["anyClient"] = Base with { ConsumerClientId = null },
        ["nameLifted"] = Base with { MaskingOverrides = new Dictionary<string, MaskingRule> { ["name"] = MaskingRule.None } },
        ["unlimited"] = Base with { DailyQuota = null },
    };

    private static readonly Dictionary<string, GatewayCaller> Callers = new()
    {
        ["ok"] = new(CivilClient, Civil, Purpose, At, 99),
        ["fullWidthPurpose"] = new(CivilClient, Civil, " 最低生活保障资格审核　", At, 0),
        ["noPurpose"] = new(CivilClient, Civil, null, At, 0),
        ["otherPurpose"] = new(CivilClient, Civil, "招商引资", At, 0),
        ["quotaUsed"] = new(CivilClient, Civil, Purpose, At, 100),
    };

    private static readonly Dictionary<string, string> Queries = new()
    {
        ["all"] = "{}",
        ["some"] = """{"fields":["name","gender"]}""",
        ["ungranted"] = """{"fields":["name","address"]}""",
        ["byGender"] = """{"filter":{"field":"gender","eq":"1"}}""",
        ["byNamePrefix"] = """{"filter":{"field":"name","prefix":"张"}}""",
        ["byNameInAny"] = """{"filter":{"any":[{"field":"gender","eq":"1"},{"field":"name","eq":"张三"}]}}""",
        ["byAddress"] = """{"filter":{"field":"address","prefix":"示范市"}}""",
        ["byKey"] = """{"fields":["name"],"filter":{"field":"idNumber","eq":"11010519491231002X"}}""",
        ["byKeyPrefix"] = """{"filter":{"field":"idNumber","prefix":"110105"}}""",
        ["sortGender"] = """{"sort":[{"field":"gender","direction":"desc"}],"pageSize":50}""",
        ["sortBirth"] = """{"sort":[{"field":"birthDate"}]}""",
        ["sortAddress"] = """{"sort":[{"field":"address"}]}""",
        ["hugePage"] = """{"pageSize":5000}""",
        ["badBody"] = """{"fields":["name"],"limit":10}""",
    };

    private const string AllFields = "idNumber*,name*,gender,birthDate*,district";

    public static TheoryData<string, string, string, string> Matrix => new()
    {
        // grant states and the grant holder
        { "read", "ok", "all", $"{AllFields} | eq(district) | 100" },
        { "none", "ok", "all", "NoGrant" },
        { "otherClient", "ok", "all", "NoGrant" },
        { "otherOrganization", "ok", "all", "NoGrant" },
        { "anyClient", "ok", "all", $"{AllFields} | eq(district) | 100" },
        { "suspended", "ok", "all", "GrantSuspended" },
        { "revoked", "ok", "all", "GrantRevoked" },
        { "expired", "ok", "all", "GrantExpired" },
        { "notYet", "ok", "all", "GrantNotYetValid" },
        { "verifyOnly", "ok", "all", "VerifyOnlyGrant" },

        // purpose and quota
        { "read", "noPurpose", "all", "PurposeRequired" },
        { "read", "otherPurpose", "all", "PurposeMismatch" },
        { "read", "fullWidthPurpose", "some", "name*,gender | eq(district) | 100" },
        { "read", "quotaUsed", "all", "QuotaExceeded" },
        { "unlimited", "quotaUsed", "all", $"{AllFields} | eq(district) | 100" },

        // grant checks come before the body is read
        { "revoked", "ok", "badBody", "GrantRevoked" },
        { "read", "ok", "badBody", "InvalidQuery" },

        // fields, filters, sorts, pages
        { "read", "ok", "some", "name*,gender | eq(district) | 100" },
        { "read", "ok", "ungranted", "FieldNotGranted" },
        { "read", "ok", "byGender", $"{AllFields} | all(eq(district),eq(gender)) | 100" },
        { "read", "ok", "byNamePrefix", "FilterOnMaskedField" },
        { "read", "ok", "byNameInAny", "FilterOnMaskedField" },
        { "nameLifted", "ok", "byNamePrefix", "idNumber*,name,gender,birthDate*,district | all(eq(district),prefix(name)) | 100" },
        { "read", "ok", "byAddress", "FilterOnUngrantedField" },
        { "read", "ok", "byKey", "name* | all(eq(district),eq(idNumber)) | 100" },
        { "read", "ok", "byKeyPrefix", "FilterOnMaskedField" },
        { "read", "ok", "sortGender", $"{AllFields} | eq(district) | 50" },
        { "read", "ok", "sortBirth", "SortOnMaskedField" },
        { "read", "ok", "sortAddress", "SortOnUngrantedField" },
        { "read", "ok", "hugePage", "PageSizeTooLarge" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Enforcement_matrix(string grant, string caller, string query, string expected)
    {
        using var body = JsonDocument.Parse(Queries[query]);
        var decision = ExchangeGateway.Decide(Grants[grant], Population, Callers[caller], body.RootElement, Options);
        var actual = decision.Plan is { } plan
            ? $"{string.Join(',', plan.Fields.Select(f => f.Name + (f.Masked ? "*" : "")))} | {plan.Filter?.Shape() ?? "none"} | {plan.PageSize}"
            : decision.Denial!.Reason.ToString();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_denial_names_the_field_and_answers_with_the_right_kind()
    {
        using var body = JsonDocument.Parse(Queries["ungranted"]);
        var denial = ExchangeGateway.Decide(Base, Population, Callers["ok"], body.RootElement, Options).Denial!;
        Assert.Equal(("fields[1]", "denied.fieldNotGranted"), (denial.Field, denial.Code));
        var failure = denial.ToFailure();
        Assert.Equal(Shuqiao.Core.Common.FailureKind.Forbidden, failure.Kind);
        Assert.Equal("'address' is not granted", failure.Errors!["fields[1]"].Single());

        Assert.Equal(Shuqiao.Core.Common.FailureKind.NotFound, ExchangeGateway.Decide(null, Population, Callers["ok"], ExchangeQuery.All).Denial!.Kind);
        using var bad = JsonDocument.Parse(Queries["badBody"]);
        var invalid = ExchangeGateway.Decide(Base, Population, Callers["ok"], bad.RootElement, Options).Denial!;
        Assert.Equal(("limit", "query.unknownProperty"), (invalid.Issues.Single().Field, invalid.Issues.Single().Code));
    }

    [Fact]
    public void Core_fields_are_served_only_under_a_grant_the_data_authority_approved()
    {
        var pending = Ok(Submitted(Application(Terms("idNumber", "criminalRecord"))).Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now));
        var grant = Grant.FromApproved(Guid.NewGuid(), Ok(pending.CoApprove(Authority, null, Now)), Now);
        Assert.True(grant.AuthorityApproved);
        Assert.Equal("idNumber*,criminalRecord*", Fields(ExchangeGateway.Decide(grant, Population, Callers["ok"], ExchangeQuery.All).Plan!));

        // The catalog reclassifies gender as 核心 after a provider-only approval: it is no longer served.
        Assert.False(Base.AuthorityApproved);
        var reclassified = Resource(fields: [.. PopulationFields.Select(f => f.Name == "gender" ? f with { Classification = DataClassification.Core } : f)]);
        Assert.Equal("idNumber*,name*,birthDate*,district", Fields(ExchangeGateway.Decide(Base, reclassified, Callers["ok"], ExchangeQuery.All).Plan!));
        Assert.Equal(DenialReason.FieldNotGranted, ExchangeGateway.Decide(Base, reclassified, Callers["ok"], ExchangeQuery.All with { Fields = ["gender"] }).Denial!.Reason);
    }

    [Fact]
    public void A_retired_resource_is_no_longer_served() =>
        Assert.Equal(DenialReason.ResourceUnavailable, ExchangeGateway.Decide(Base, Resource(status: ResourceStatus.Retired), Callers["ok"], ExchangeQuery.All).Denial!.Reason);

    [Fact]
    public void The_plan_projects_and_masks_each_stored_record()
    {
        const string stored = """{"idNumber":"11010519491231002X","name":"张三","gender":"1","birthDate":"1949-12-31","district":"350102","address":"示范市鼓楼区东街街道幸福路88号","income":8500,"criminalRecord":"无"}""";
        Assert.Equal(
            """{"idNumber":"110105********002X","name":"张*","gender":"1","birthDate":1949,"district":"350102"}""",
            Project(Base, ExchangeQuery.All, stored));
        Assert.Equal(
            """{"idNumber":"110105********002X","name":"张三","gender":"1","birthDate":1949,"district":"350102"}""",
            Project(Grants["nameLifted"]!, ExchangeQuery.All, stored));

        // A granted field the record lacks comes back as null; fields keep the order asked for.
        Assert.Equal("""{"gender":"1","name":null}""", Project(Base, ExchangeQuery.All with { Fields = ["gender", "name"] }, """{"gender":"1"}"""));
    }

    [Fact]
    public void Masked_fields_are_listed_for_the_access_record()
    {
        var plan = ExchangeGateway.Decide(Base, Population, Callers["ok"], ExchangeQuery.All).Plan!;
        Assert.Equal(["idNumber", "name", "birthDate"], plan.MaskedFields);
    }

    private static string Fields(QueryPlan plan) => string.Join(',', plan.Fields.Select(f => f.Name + (f.Masked ? "*" : "")));

    private static string Project(Grant grant, ExchangeQuery query, string stored)
    {
        var plan = ExchangeGateway.Decide(grant, Population, Callers["ok"], query).Plan!;
        using var record = JsonDocument.Parse(stored);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            plan.Project(record.RootElement, MaskingContext.ForChina(null), writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
