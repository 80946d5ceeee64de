using System.Text.Json;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;
using static Shuqiao.Core.Tests.Sharing.SharingData;

namespace Shuqiao.Core.Tests.Exchange;

public class AccessEventTests
{
    private static readonly GatewayCaller Caller = new(CivilClient, Civil, "最低生活保障资格审核", Now, 0);

    [Fact]
    public void A_query_shape_keeps_fields_and_operators_but_no_values()
    {
        using var body = JsonDocument.Parse("""{"fields":["name"],"filter":{"all":[{"field":"idNumber","eq":"11010519491231002X"},{"field":"district","in":["350102","350103"]}]},"sort":[{"field":"gender","direction":"desc"}],"pageSize":20,"cursor":"abc"}""");
        var query = ExchangeQuery.Read(body.RootElement, PopulationFields, Options).Value!;
        var shape = QueryShape.Of(query);
        Assert.Equal("fields=name filter=all(eq(idNumber),in(district)[2]) sort=-gender pageSize=20 cursor", shape.ToString());
        Assert.DoesNotContain("1101", shape.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("350102", shape.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("abc", shape.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_allowed_query_records_rows_masked_fields_and_the_grant()
    {
        var grant = Grant.FromApproved(Guid.NewGuid(), Ok(Submitted().Approve(Provider, ApprovalDecision.AsRequested, Resource(), Deadlines, Now)), Now);
        var plan = ExchangeGateway.Decide(grant, Resource(), Caller, ExchangeQuery.All).Plan!;
        var recorded = AccessEvent.Allowed(Guid.NewGuid(), Now, Caller, "  caseworker-0042\n", AccessOperation.Query, plan, 17, TimeSpan.FromMilliseconds(12));

        Assert.Equal((AccessOutcome.Allowed, (DenialReason?)null, 17), (recorded.Outcome, recorded.Reason, recorded.RowsReturned));
        Assert.Equal(["idNumber", "name"], recorded.MaskedFields);
        Assert.Equal((grant.Id, grant.ResourceId), (recorded.GrantId!.Value, recorded.ResourceId!.Value));
        Assert.Equal("caseworker-0042", recorded.EndUser);
        Assert.Equal("fields=*", recorded.Shape.ToString());
    }

    [Fact]
    public void A_denial_is_recorded_with_its_reason_and_an_overlong_end_user_is_cut()
    {
        var denial = ExchangeGateway.Decide(null, Resource(), Caller, ExchangeQuery.All).Denial!;
        var recorded = AccessEvent.Denied(Guid.NewGuid(), Now, Caller, new string('用', 300), Resource().Id, null, AccessOperation.Query, null, denial, TimeSpan.FromMilliseconds(1));
        Assert.Equal((AccessOutcome.Denied, DenialReason.NoGrant, 0), (recorded.Outcome, recorded.Reason!.Value, recorded.RowsReturned));
        Assert.Equal(AccessEvent.MaxEndUserLength, recorded.EndUser!.Length);
        Assert.Empty(recorded.MaskedFields);
    }

    [Fact]
    public void A_failed_call_is_recorded_without_rows_reason_or_subjects_and_empty_subjects_are_none()
    {
        var grant = Grant.FromApproved(Guid.NewGuid(), Ok(Submitted().Approve(Provider, ApprovalDecision.AsRequested, Resource(), Deadlines, Now)), Now);
        var plan = ExchangeGateway.Decide(grant, Resource(), Caller, ExchangeQuery.All).Plan!;

        var failed = AccessEvent.Failed(Guid.NewGuid(), Now, Caller, "u-1", grant.ResourceId, grant.Id, AccessOperation.Query, plan.Shape, TimeSpan.FromMilliseconds(3));
        var noSubjects = AccessEvent.Allowed(Guid.NewGuid(), Now, Caller, "u-1", AccessOperation.Query, plan, 0, TimeSpan.Zero, []);
        var subjects = AccessEvent.Allowed(Guid.NewGuid(), Now, Caller, "u-1", AccessOperation.Query, plan, 1, TimeSpan.Zero, ["digest"]);

        Assert.Equal((AccessOutcome.Failed, (DenialReason?)null, 0), (failed.Outcome, failed.Reason, failed.RowsReturned));
        Assert.Equal((grant.Id, "fields=*"), (failed.GrantId!.Value, failed.Shape.ToString()));
        Assert.Null(failed.Subjects);
        Assert.Null(noSubjects.Subjects);
        Assert.Equal(["digest"], subjects.Subjects);
    }
}
