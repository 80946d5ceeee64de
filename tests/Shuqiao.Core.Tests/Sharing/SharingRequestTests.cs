using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Sharing;
using static Shuqiao.Core.Tests.Sharing.SharingData;

namespace Shuqiao.Core.Tests.Sharing;

public class SharingRequestTests
{
    private static readonly DataResource Population = Resource();

    [Fact]
    public void A_conditional_request_awaits_review_with_a_reply_deadline_ten_working_days_later()
    {
        var request = Submitted();
        Assert.Equal(SharingRequestStatus.Submitted, request.Status);
        Assert.Equal(new DateTimeOffset(2026, 9, 29, 0, 0, 0, TimeSpan.FromHours(8)), request.ReplyDueAt);
        Assert.Null(request.Approved);
        Assert.Equal("101001000/000001", request.ResourceCode);
        Assert.Equal(1, request.Revision);
    }

    [Fact]
    public void An_unconditional_resource_is_granted_on_registration_still_with_its_purpose()
    {
        var request = Submitted(resource: Resource(SharingType.Unconditional));
        Assert.Equal(SharingRequestStatus.Approved, request.Status);
        Assert.Null(request.ReplyDueAt);

        var grant = Grant.FromApproved(Guid.NewGuid(), request, Now);
        Assert.Equal("最低生活保障资格审核", grant.Purpose);
        Assert.Equal(["idNumber", "name", "gender", "district"], grant.Fields);
        Assert.Equal(GrantStatus.Active, grant.Status);
    }

    [Fact]
    public void An_unconditional_resource_still_goes_to_review_for_core_fields()
    {
        var request = Submitted(Application(Terms("idNumber", "criminalRecord")), Resource(SharingType.Unconditional));
        Assert.Equal(SharingRequestStatus.Submitted, request.Status);
    }

    [Fact]
    public void A_not_shared_resource_is_refused_with_its_legal_basis()
    {
        var failure = Fails(SharingRequest.Submit(Guid.NewGuid(), Application(), Resource(SharingType.NotShared), Deadlines, Now));
        Assert.Equal(FailureKind.Forbidden, failure.Kind);
        var issue = Assert.Single(failure.Issues);
        Assert.Equal("resource.notShared", issue.Code);
        Assert.Equal("《中华人民共和国个人信息保护法》第三十四条", issue.Arguments[0]);
    }

    [Fact]
    public void Only_published_resources_can_be_requested()
    {
        var failure = Fails(SharingRequest.Submit(Guid.NewGuid(), Application(), Resource(status: ResourceStatus.Retired), Deadlines, Now));
        Assert.Equal("resource.notPublished", Assert.Single(failure.Issues).Code);
    }

    [Fact]
    public void An_application_reports_every_problem_with_its_field()
    {
        var terms = new SharingTerms(["name", "nickname", "name"], null, Now, Now.AddDays(-1), 0, GrantMode.Read);
        var failure = Fails(SharingRequest.Submit(Guid.NewGuid(), Application(terms, purpose: "  "), Population, Deadlines, Now));
        Assert.Equal(
            ["purpose:purpose.required", "fields[1]:fields.unknown", "fields[2]:fields.repeated", "validTo:period.order", "dailyQuota:quota.positive"],
            failure.Issues.Select(i => $"{i.Field}:{i.Code}"));
    }

    [Fact]
    public void Approving_a_conditional_request_narrows_fields_to_the_approved_set()
    {
        var request = Ok(Submitted().StartReview(Provider, Now.AddHours(1)));
        var approved = Ok(request.Approve(Provider, new ApprovalDecision(Fields: ["idNumber", "name"], Comment: "只需核对姓名"), Population, Deadlines, Now.AddDays(1)));

        Assert.Equal(SharingRequestStatus.Approved, approved.Status);
        Assert.Equal(["idNumber", "name"], approved.Approved!.Fields);
        Assert.Equal("只需核对姓名", approved.Approval!.Reason);
        Assert.Null(approved.ReplyDueAt);
        Assert.Equal(3, approved.Revision);
    }

    [Fact]
    public void An_approval_cannot_widen_fields_period_quota_or_mode()
    {
        var request = Submitted(Application(new SharingTerms(["idNumber", "name"], null, Now, Now.AddYears(1), 100, GrantMode.VerifyOnly)));
        var decision = new ApprovalDecision(Fields: ["idNumber", "gender"], ValidFrom: Now.AddDays(-1), ValidTo: Now.AddYears(2), DailyQuota: 101, Mode: GrantMode.Read);
        var failure = Fails(request.Approve(Provider, decision, Population, Deadlines, Now));
        Assert.Equal(
            ["fields[1]:decision.fieldNotRequested", "validFrom:decision.periodWidened", "validTo:decision.periodWidened", "dailyQuota:decision.quotaWidened", "mode:decision.modeWidened"],
            failure.Issues.Select(i => $"{i.Field}:{i.Code}"));
    }

    [Fact]
    public void An_approvers_row_scope_is_anded_with_the_requested_one()
    {
        var terms = Terms("idNumber", "name", "gender", "district") with { RowScope = Filter("""{"field":"district","eq":"350102"}""") };
        var request = Submitted(Application(terms));
        var approved = Ok(request.Approve(Provider, new ApprovalDecision(AdditionalScope: Filter("""{"field":"gender","eq":"1"}""")), Population, Deadlines, Now));

        var scope = approved.Approved!.RowScope!;
        Assert.Equal("all(eq(district),eq(gender))", scope.Shape());
        Assert.True(scope.Matches(Row(("district", "350102"), ("gender", "1"))));
        Assert.False(scope.Matches(Row(("district", "350103"), ("gender", "1"))));
        Assert.False(scope.Matches(Row(("district", "350102"), ("gender", "2"))));
    }

    [Fact]
    public void Core_fields_need_the_data_authoritys_co_approval()
    {
        var request = Submitted(Application(Terms("idNumber", "criminalRecord")));
        var pending = Ok(request.Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now));
        Assert.Equal(SharingRequestStatus.PendingAuthority, pending.Status);
        Assert.NotNull(pending.ReplyDueAt);

        Assert.Equal(FailureKind.Forbidden, Fails(pending.CoApprove(Provider, null, Now)).Kind);
        var approved = Ok(pending.CoApprove(Authority, "同意", Now.AddDays(2)));
        Assert.Equal(SharingRequestStatus.Approved, approved.Status);
        Assert.Equal(AuthorityApprover, approved.CoApproval!.UserId);
        Assert.Equal(ProviderApprover, approved.Approval!.UserId);
    }

    [Fact]
    public void The_data_authority_may_decline_to_co_approve()
    {
        var pending = Ok(Submitted(Application(Terms("idNumber", "criminalRecord"))).Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now));
        var rejected = Ok(pending.Reject(Authority, "核心数据不予共享", Now.AddDays(1)));
        Assert.Equal(SharingRequestStatus.Rejected, rejected.Status);
        Assert.Equal(ReviewerCapacity.DataAuthority, rejected.Rejection!.Capacity);
    }

    [Fact]
    public void A_rejection_needs_a_reason()
    {
        var failure = Fails(Submitted().Reject(Provider, " ", Now));
        Assert.Equal("reason.required", Assert.Single(failure.Issues).Code);
    }

    [Fact]
    public void A_disputed_rejection_can_be_upheld_once_and_then_not_disputed_again()
    {
        var rejected = Ok(Submitted().Reject(Provider, "申请目的与数据用途不符", Now));
        var disputed = Ok(rejected.Dispute("低保审核依法需要户籍信息", Deadlines, Now.AddDays(1)));
        Assert.Equal(SharingRequestStatus.Disputed, disputed.Status);
        Assert.NotNull(disputed.ReplyDueAt);

        Assert.Equal(FailureKind.Forbidden, Fails(disputed.Arbitrate(Provider, ArbitrationResult.Upheld, "维持", null, Population, Now)).Kind);
        Assert.Equal("reason.required", Assert.Single(Fails(disputed.Arbitrate(Authority, ArbitrationResult.Upheld, null, null, Population, Now)).Issues).Code);
        var upheld = Ok(disputed.Arbitrate(Authority, ArbitrationResult.Upheld, "维持原驳回决定", null, Population, Now.AddDays(3)));
        Assert.Equal(SharingRequestStatus.Rejected, upheld.Status);
        Assert.Equal(ArbitrationResult.Upheld, upheld.Arbitration);

        var again = Fails(upheld.Dispute("再次申诉", Deadlines, Now.AddDays(4)));
        Assert.Equal(FailureKind.Conflict, again.Kind);
        Assert.Equal("dispute.again", Assert.Single(again.Issues).Code);
    }

    [Fact]
    public void Overturning_a_rejection_approves_the_request_by_the_data_authority()
    {
        var disputed = Ok(Ok(Submitted(Application(Terms("idNumber", "criminalRecord"))).Reject(Provider, "不予提供", Now)).Dispute("依法需要", Deadlines, Now));
        var approved = Ok(disputed.Arbitrate(Authority, ArbitrationResult.Overturned, "撤销驳回", new ApprovalDecision(Fields: ["idNumber"]), Population, Now.AddDays(2)));
        Assert.Equal(SharingRequestStatus.Approved, approved.Status);
        Assert.Equal(["idNumber"], approved.Approved!.Fields);
        Assert.Equal(ReviewerCapacity.DataAuthority, approved.Approval!.Capacity);
    }

    [Fact]
    public void An_overdue_request_is_escalated_to_the_data_authority_which_then_decides()
    {
        var request = Ok(Submitted().StartReview(Provider, Now));
        var early = Fails(request.Escalate(Deadlines, request.ReplyDueAt!.Value.AddSeconds(-1)));
        Assert.Equal("notOverdue", Assert.Single(early.Issues).Code);
        Assert.False(request.IsOverdue(request.ReplyDueAt.Value.AddSeconds(-1)));
        Assert.True(request.IsOverdue(request.ReplyDueAt.Value));

        var escalated = Ok(request.Escalate(Deadlines, request.ReplyDueAt.Value));
        Assert.Equal(SharingRequestStatus.Escalated, escalated.Status);
        Assert.True(escalated.ReplyDueAt > request.ReplyDueAt);

        Assert.Equal(FailureKind.Forbidden, Fails(escalated.Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now.AddDays(20))).Kind);
        var approved = Ok(escalated.Approve(Authority, ApprovalDecision.AsRequested, Population, Deadlines, Now.AddDays(20)));
        Assert.Equal(SharingRequestStatus.Approved, approved.Status);
    }

    [Fact]
    public void An_open_request_can_be_withdrawn_but_a_decided_one_cannot()
    {
        Assert.Equal(SharingRequestStatus.Withdrawn, Ok(Ok(Submitted().StartReview(Provider, Now)).Withdraw(Now)).Status);
        var approved = Ok(Submitted().Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now));
        var failure = Fails(approved.Withdraw(Now));
        Assert.Equal(FailureKind.Conflict, failure.Kind);
        Assert.Equal("state", Assert.Single(failure.Issues).Code);
    }

    [Fact]
    public void Lifting_masking_needs_the_approvers_explicit_confirmation_per_field()
    {
        var overrides = new Dictionary<string, MaskingRule> { ["name"] = MaskingRule.None, ["idNumber"] = new MaskingRule(MaskingKind.Redact) };
        var unconfirmed = Fails(Submitted().Approve(Provider, new ApprovalDecision(MaskingOverrides: overrides), Population, Deadlines, Now));
        var issue = Assert.Single(unconfirmed.Issues); // the stricter idNumber override needs no confirmation
        Assert.Equal(("maskingOverrides.name", "decision.liftNotConfirmed"), (issue.Field, issue.Code));

        var approved = Ok(Submitted().Approve(Provider, new ApprovalDecision(MaskingOverrides: overrides, ConfirmedLifts: new HashSet<string> { "name" }), Population, Deadlines, Now));
        Assert.Equal(MaskingRule.None, approved.MaskingOverrides["name"]);
        Assert.Equal(MaskingKind.Redact, approved.MaskingOverrides["idNumber"].Kind);
    }

    [Fact]
    public void Masking_overrides_must_fit_the_field_and_be_on_an_approved_field()
    {
        var overrides = new Dictionary<string, MaskingRule> { ["name"] = MaskingRule.NumberRangeOf(10), ["address"] = new MaskingRule(MaskingKind.Redact) };
        var failure = Fails(Submitted().Approve(Provider, new ApprovalDecision(MaskingOverrides: overrides), Population, Deadlines, Now));
        Assert.Equal(["maskingOverrides.name:decision.maskingType", "maskingOverrides.address:decision.maskingField"], failure.Issues.Select(i => $"{i.Field}:{i.Code}"));
    }

    [Fact]
    public void Steps_out_of_order_are_conflicts()
    {
        var approved = Ok(Submitted().Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now));
        Assert.Equal(FailureKind.Conflict, Fails(approved.Approve(Provider, ApprovalDecision.AsRequested, Population, Deadlines, Now)).Kind);
        Assert.Equal(FailureKind.Conflict, Fails(approved.StartReview(Provider, Now)).Kind);
        Assert.Equal(FailureKind.Conflict, Fails(approved.Dispute("异议", Deadlines, Now)).Kind);
        Assert.Equal(FailureKind.Conflict, Fails(Submitted().CoApprove(Authority, null, Now)).Kind);
    }

    private static Dictionary<string, TypedValue> Row(params (string Field, string Value)[] values) =>
        values.ToDictionary(v => v.Field, v => TypedValue.Of(v.Value));
}
