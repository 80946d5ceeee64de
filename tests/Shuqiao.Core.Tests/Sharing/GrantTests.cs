using Shuqiao.Core.Common;
using Shuqiao.Core.Sharing;
using static Shuqiao.Core.Tests.Sharing.SharingData;

namespace Shuqiao.Core.Tests.Sharing;

public class GrantTests
{
    private static Grant Active() =>
        Grant.FromApproved(Guid.Parse("0191c2a0-0000-7000-8000-0000000000d1"), Ok(Submitted().Approve(Provider, new ApprovalDecision(DailyQuota: 500), Resource(), Deadlines, Now)), Now);

    [Fact]
    public void A_grant_carries_the_approved_terms()
    {
        var grant = Active();
        Assert.Equal((Civil, CivilClient, 500, GrantMode.Read), (grant.ConsumerOrganizationId, grant.ConsumerClientId, grant.DailyQuota!.Value, grant.Mode));
        Assert.Equal((Now, Now.AddYears(1)), (grant.ValidFrom, grant.ValidTo));
        Assert.True(grant.IsUsableAt(Now));
        Assert.False(grant.IsUsableAt(Now.AddSeconds(-1)));
    }

    [Fact]
    public void Only_an_approved_request_gives_a_grant() =>
        Assert.Throws<InvalidOperationException>(() => Grant.FromApproved(Guid.NewGuid(), Submitted(), Now));

    [Fact]
    public void A_suspended_grant_resumes_and_a_revoked_one_is_final()
    {
        var grant = Active();
        Assert.Equal("reason.required", Assert.Single(Fails(grant.Suspend(null, Now)).Issues).Code);
        var suspended = Ok(grant.Suspend("数据使用情况核查", Now.AddDays(1)));
        Assert.Equal((GrantStatus.Suspended, "数据使用情况核查"), (suspended.Status, suspended.StatusReason));
        Assert.Equal(GrantStatus.Active, Ok(suspended.Resume(Now.AddDays(2))).Status);

        var revoked = Ok(suspended.Revoke("违规使用", Now.AddDays(2)));
        Assert.Equal(GrantStatus.Revoked, revoked.Status);
        Assert.Equal(FailureKind.Conflict, Fails(revoked.Resume(Now.AddDays(3))).Kind);
        Assert.Equal(FailureKind.Conflict, Fails(revoked.Renew(Now.AddYears(2), Now.AddDays(3))).Kind);
        Assert.Equal(FailureKind.Conflict, Fails(revoked.Revoke("again", Now.AddDays(3))).Kind);
    }

    [Fact]
    public void A_grant_expires_by_time_and_renewal_brings_it_back()
    {
        var grant = Active();
        Assert.Equal(GrantStatus.Active, grant.StatusAt(grant.ValidTo.AddTicks(-1)));
        Assert.Equal(GrantStatus.Expired, grant.StatusAt(grant.ValidTo));
        Assert.Equal(FailureKind.Conflict, Fails(grant.Expire(grant.ValidTo.AddTicks(-1))).Kind);

        var expired = Ok(grant.Expire(grant.ValidTo));
        Assert.Equal(GrantStatus.Expired, expired.Status);
        Assert.Equal(FailureKind.Conflict, Fails(expired.Suspend("x", grant.ValidTo)).Kind);

        Assert.Equal("grant.renewNotLater", Assert.Single(Fails(expired.Renew(grant.ValidTo, grant.ValidTo.AddDays(1))).Issues).Code);
        var renewed = Ok(expired.Renew(grant.ValidTo.AddYears(1), grant.ValidTo.AddDays(1)));
        Assert.Equal((GrantStatus.Active, grant.ValidTo.AddYears(1)), (renewed.Status, renewed.ValidTo));
        Assert.Equal(grant.Revision + 2, renewed.Revision);
    }

    [Fact]
    public void Renewing_a_suspended_grant_keeps_it_suspended()
    {
        var suspended = Ok(Active().Suspend("核查", Now));
        var renewed = Ok(suspended.Renew(Now.AddYears(2), Now.AddDays(1)));
        Assert.Equal((GrantStatus.Suspended, "核查"), (renewed.Status, renewed.StatusReason));
    }
}
