using System.Text.Json;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;
using static Shuqiao.Core.Tests.Sharing.SharingData;

namespace Shuqiao.Core.Tests.Exchange;

public class VerifyTests
{
    private static readonly DataResource Population = Resource();

    private static readonly CompiledSchema Schema = CompiledSchema.Compile(PopulationFields, Options);

    private static readonly GatewayCaller Caller = new(CivilClient, Civil, "最低生活保障资格审核", Now.AddDays(1), 0);

    private static Grant VerifyGrant { get; } = Grant.FromApproved(
        Guid.Parse("0191c2a0-0000-7000-8000-0000000000d2"),
        Ok(Submitted(Application(Terms("idNumber", "name", "district") with { Mode = GrantMode.VerifyOnly, RowScope = Filter("""{"field":"district","eq":"350102"}""") }))
            .Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now)),
        Now);

    private static readonly Dictionary<string, TypedValue> Stored = new()
    {
        ["idNumber"] = TypedValue.Of("11010519491231002X"),
        ["name"] = TypedValue.Of("张三"),
        ["district"] = TypedValue.Of("350102"),
    };

    private static AccessDecision<VerifyPlan> Decide(string values, Grant? grant = null)
    {
        using var document = JsonDocument.Parse(values);
        return ExchangeGateway.DecideVerify(grant ?? VerifyGrant, Population, Schema, Caller, document.RootElement);
    }

    [Fact]
    public void Verification_tells_match_or_no_match_per_field_and_normalizes_like_ingestion()
    {
        var plan = Decide("""{"idNumber":"11010519491231002x","name":"张三"}""").Plan!;
        Assert.Equal("all(eq(district),eq(idNumber))", plan.Lookup.Shape());
        Assert.True(plan.Lookup.Matches(Stored));
        var result = plan.Compare(Stored);
        Assert.True(result.AllMatch);
        Assert.Equal(VerifyOutcome.Match, result.Fields["idNumber"]);

        var wrongName = Decide("""{"idNumber":"11010519491231002X","name":"李四"}""").Plan!.Compare(Stored);
        Assert.Equal((VerifyOutcome.Match, VerifyOutcome.NoMatch), (wrongName.Fields["idNumber"], wrongName.Fields["name"]));
    }

    [Fact]
    public void A_missing_record_gives_no_match_for_every_field()
    {
        var result = Decide("""{"idNumber":"11010519491231002X","name":"张三"}""").Plan!.Compare(null);
        Assert.All(result.Fields.Values, v => Assert.Equal(VerifyOutcome.NoMatch, v));
    }

    [Fact]
    public void The_shape_of_a_verification_lists_fields_never_values()
    {
        var plan = Decide("""{"idNumber":"11010519491231002X","name":"张三"}""").Plan!;
        Assert.Equal("fields=idNumber,name", plan.Shape.ToString());
    }

    [Fact]
    public void The_key_and_something_to_check_are_required_and_fields_must_be_granted()
    {
        Assert.Equal(["values.idNumber:verify.keyMissing"], Decide("""{"name":"张三"}""").Denial!.Issues.Select(i => $"{i.Field}:{i.Code}"));
        Assert.Equal(["values:verify.nothing"], Decide("""{"idNumber":"11010519491231002X"}""").Denial!.Issues.Select(i => $"{i.Field}:{i.Code}"));
        Assert.Equal(DenialReason.FieldNotGranted, Decide("""{"idNumber":"11010519491231002X","gender":"1"}""").Denial!.Reason);
        Assert.Equal(DenialReason.InvalidQuery, Decide("""["11010519491231002X"]""").Denial!.Reason);
    }

    [Fact]
    public void A_read_grant_may_verify_and_grant_checks_come_first()
    {
        Assert.True(Decide("""{"idNumber":"11010519491231002X","name":"张三"}""", VerifyGrant with { Mode = GrantMode.Read }).Allowed);
        Assert.Equal(DenialReason.GrantSuspended, Decide("""{"name":"张三"}""", VerifyGrant with { Status = GrantStatus.Suspended }).Denial!.Reason);
    }
}
