using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Sharing.SharingWorld;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>The sharing workflow through the API: review, narrowing, 核心 co-approval, masking lifts, disputes, grants, tenancy.</summary>
public sealed class SharingWorkflowTests(SharingServer server) : IClassFixture<SharingServer>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_conditional_request_is_approved_with_narrowing_and_gives_a_grant_with_the_narrowed_terms()
    {
        var world = await CreateAsync(server);
        var submitted = await world.SubmitAsync(world.Request(Now));
        Assert.Equal("Submitted", submitted.GetProperty("status").GetString());
        Assert.True(submitted.GetProperty("replyDueAt").GetDateTimeOffset() > Now.AddDays(10));
        var id = submitted.GetProperty("id").GetGuid();

        await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/review", new { }));
        var approved = await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new
        {
            fields = new[] { "district" },
            additionalScope = new { field = "district", eq = "鼓楼区" },
            dailyQuota = 100,
            comment = "仅限鼓楼区",
        }));

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var grantId = approved.GetProperty("grantId").GetGuid();
        var grant = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{grantId}"));
        Assert.Equal(["district"], grant.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(100, grant.GetProperty("dailyQuota").GetInt32());
        Assert.Equal("Active", grant.GetProperty("status").GetString());
        Assert.Equal("最低生活保障资格审核", grant.GetProperty("purpose").GetString());
        Assert.False(grant.GetProperty("authorityApproved").GetBoolean());
        var filter = grant.GetProperty("rowFilter").GetRawText();
        Assert.Contains("台江区", filter, StringComparison.Ordinal);   // the requested scope …
        Assert.Contains("\"eq\":\"鼓楼区\"", filter, StringComparison.Ordinal); // … ANDed with the approver's

        var detail = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/sharing-requests/{id}"));
        Assert.Equal(["submit", "review", "approve"], detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("仅限鼓楼区", detail.GetProperty("history")[2].GetProperty("reason").GetString());
        Assert.Equal(1L, await server.ScalarAsync<long>("select count(*) from admin_audit_events where action = 'sharing.request.approve' and target_id = @Id", new { Id = id.ToString() }));
        Assert.Equal(1L, await server.ScalarAsync<long>("select count(*) from admin_audit_events where action = 'grant.issue' and target_id = @Id", new { Id = grantId.ToString() }));
    }

    [Fact]
    public async Task An_approval_cannot_widen_fields_period_or_quota_and_changes_nothing()
    {
        var world = await CreateAsync(server);
        var id = (await world.SubmitAsync(world.Request(Now))).GetProperty("id").GetGuid();

        var response = await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new
        {
            fields = new[] { "name", "idNumber" },
            validTo = Now.AddDays(400),
            dailyQuota = 5000,
        });

        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "fields[1]");
        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "validTo");
        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "dailyQuota");
        var detail = await OkAsync(await world.Approver.GetAsync($"/api/v1/sharing-requests/{id}"));
        Assert.Equal(("Submitted", 1), (detail.GetProperty("status").GetString(), detail.GetProperty("revision").GetInt32()));
        Assert.Equal(0L, await server.ScalarAsync<long>("select count(*) from grants where request_id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task An_unconditional_resource_is_granted_at_once_still_bound_to_its_purpose_and_audited()
    {
        var world = await CreateAsync(server, "Unconditional");

        var submitted = await world.SubmitAsync(world.Request(Now));

        Assert.Equal("Approved", submitted.GetProperty("status").GetString());
        var grant = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{submitted.GetProperty("grantId").GetGuid()}"));
        Assert.Equal("最低生活保障资格审核", grant.GetProperty("purpose").GetString());
        Assert.Equal("Active", grant.GetProperty("status").GetString());
        Assert.Equal(1L, await server.ScalarAsync<long>("select count(*) from admin_audit_events where action = 'sharing.request.submit' and target_id = @Id", new { Id = submitted.GetProperty("id").GetString() }));
    }

    [Fact]
    public async Task A_not_shared_resource_is_refused_with_its_recorded_legal_basis_and_nothing_is_stored()
    {
        var world = await CreateAsync(server, "NotShared");

        var response = await world.ConsumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", world.Request(Now));

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.Forbidden, "resourceId");
        Assert.Contains("居民身份证法", reasons[0], StringComparison.Ordinal);
        Assert.Equal(0L, await server.ScalarAsync<long>("select count(*) from sharing_requests where requester_organization_id = @Org", new { Org = world.Consumer }));
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_a_disputed_rejection_is_overturned_by_the_data_authority()
    {
        var world = await CreateAsync(server);
        var id = (await world.SubmitAsync(world.Request(Now))).GetProperty("id").GetGuid();

        await (await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/reject", new { reason = "  " })).AssertFieldErrorAsync(HttpStatusCode.BadRequest, "reason");
        var rejected = await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/reject", new { reason = "用途与共享条件不符" }));
        Assert.Equal("用途与共享条件不符", rejected.GetProperty("rejection").GetProperty("reason").GetString());

        var disputed = await OkAsync(await world.ConsumerSteward.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/dispute", new { reason = "低保审核属法定职责" }));
        Assert.Equal("Disputed", disputed.GetProperty("status").GetString());
        // The provider cannot arbitrate its own rejection.
        await (await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/arbitrate", new { result = "Overturned" })).AssertProblemAsync(HttpStatusCode.Forbidden);

        var overturned = await OkAsync(await world.AuthorityAdmin.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/arbitrate", new { result = "Overturned", reason = "属法定职责" }));

        Assert.Equal(("Approved", "Overturned"), (overturned.GetProperty("status").GetString(), overturned.GetProperty("arbitration").GetString()));
        Assert.NotEqual(JsonValueKind.Null, overturned.GetProperty("grantId").ValueKind);
    }

    [Fact]
    public async Task Core_fields_need_the_data_authoritys_co_approval_before_a_grant_is_issued()
    {
        var world = await CreateAsync(server);
        var id = (await world.SubmitAsync(world.Request(Now, "idNumber", "name"))).GetProperty("id").GetGuid();

        var pending = await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new { }));
        Assert.Equal("PendingAuthority", pending.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("grantId").ValueKind);
        await (await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/co-approve", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);

        var approved = await OkAsync(await world.AuthorityAdmin.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/co-approve", new { comment = "同意" }));

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var grant = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{approved.GetProperty("grantId").GetGuid()}"));
        Assert.True(grant.GetProperty("authorityApproved").GetBoolean());
        var authorityInbox = await OkAsync(await world.AuthorityAdmin.GetAsync("/api/v1/notifications"));
        Assert.Contains(authorityInbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("requestId").GetString() == id.ToString() && n.GetProperty("status").GetString() == "PendingAuthority");
    }

    [Fact]
    public async Task A_masking_lift_needs_the_approvers_explicit_tick_and_is_audited_as_its_own_fact()
    {
        var world = await CreateAsync(server);
        var id = (await world.SubmitAsync(world.Request(Now))).GetProperty("id").GetGuid();
        var lift = new JsonObject { ["name"] = new JsonObject { ["rule"] = "None" } };

        var unticked = await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new JsonObject { ["maskingOverrides"] = lift.DeepClone() });
        await unticked.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "maskingOverrides.name");

        var approved = await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new JsonObject
        {
            ["maskingOverrides"] = lift.DeepClone(),
            ["confirmedLifts"] = new JsonArray("name"),
        }));

        Assert.Equal(["name"], approved.GetProperty("liftedFields").EnumerateArray().Select(f => f.GetString()));
        var grant = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{approved.GetProperty("grantId").GetGuid()}"));
        Assert.Equal("None", grant.GetProperty("maskingOverrides").GetProperty("name").GetProperty("rule").GetString());
        Assert.Equal(["name"], grant.GetProperty("liftedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1L, await server.ScalarAsync<long>(
            "select count(*) from admin_audit_events where action = 'sharing.masking.lift' and target_id = @Id and after->>'field' = 'name'", new { Id = id.ToString() }));
    }

    [Fact]
    public async Task A_grant_is_suspended_with_a_reason_resumed_renewed_and_revoked_for_good()
    {
        var world = await CreateAsync(server, "Unconditional");
        var grantId = (await world.SubmitAsync(world.Request(Now))).GetProperty("grantId").GetGuid();
        var path = $"/api/v1/grants/{grantId}";

        await (await world.Approver.PostAsJsonAsync(path + "/suspend", new { })).AssertFieldErrorAsync(HttpStatusCode.BadRequest, "reason");
        await (await world.ConsumerSteward.PostAsJsonAsync(path + "/suspend", new { reason = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Suspended", (await OkAsync(await world.Approver.PostAsJsonAsync(path + "/suspend", new { reason = "核查使用情况" }))).GetProperty("status").GetString());
        Assert.Equal("Active", (await OkAsync(await world.Approver.PostAsJsonAsync(path + "/resume", new { }))).GetProperty("status").GetString());
        var renewed = await OkAsync(await world.Approver.PostAsJsonAsync(path + "/renew", new { validTo = Now.AddDays(800) }));
        Assert.True(renewed.GetProperty("validTo").GetDateTimeOffset() > Now.AddDays(799));
        Assert.Equal("Revoked", (await OkAsync(await world.AuthorityAdmin.PostAsJsonAsync(path + "/revoke", new { reason = "超范围使用" }))).GetProperty("status").GetString());

        await (await world.Approver.PostAsJsonAsync(path + "/resume", new { })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(
            ["grant.issue", "grant.suspend", "grant.resume", "grant.renew", "grant.revoke"],
            (await ActionsAsync(grantId)).ToArray());
    }

    [Fact]
    public async Task Other_organizations_are_told_requests_and_grants_do_not_exist()
    {
        var world = await CreateAsync(server, "Unconditional", authority: null);
        var submitted = await world.SubmitAsync(world.Request(Now));
        var id = submitted.GetProperty("id").GetGuid();
        var grantId = submitted.GetProperty("grantId").GetGuid();
        var stranger = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市文旅局");
        var strangerSteward = await server.ApiAsUserAsync(stranger, Roles.DataSteward);
        var strangerApprover = await server.ApiAsUserAsync(stranger, Roles.Approver);

        await (await strangerSteward.GetAsync($"/api/v1/sharing-requests/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await strangerApprover.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/reject", new { reason = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await strangerSteward.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/withdraw", new { })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await strangerSteward.GetAsync($"/api/v1/grants/{grantId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await strangerApprover.PostAsJsonAsync($"/api/v1/grants/{grantId}/revoke", new { reason = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        var list = await OkAsync(await strangerSteward.GetAsync("/api/v1/sharing-requests"));
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        var grants = await OkAsync(await strangerSteward.GetAsync("/api/v1/grants"));
        Assert.DoesNotContain(grants.GetProperty("items").EnumerateArray(), g => g.GetProperty("id").GetGuid() == grantId);
    }

    [Fact]
    public async Task Bad_input_answers_problem_json_with_a_reason_per_field_and_writes_nothing()
    {
        var world = await CreateAsync(server);
        var body = world.Request(Now);
        body["purpose"] = " ";
        body["fields"] = new JsonArray("name", "salary");
        body["rowScope"] = new JsonObject { ["field"] = "district", ["between"] = 1 };
        body["mode"] = "Everything";

        var response = await world.ConsumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("mode", out _), errors.ToString());
        Assert.Contains(errors.EnumerateObject(), e => e.Name.StartsWith("rowScope", StringComparison.Ordinal));
        var missingPeriod = world.Request(Now);
        missingPeriod.Remove("validTo");
        await (await world.ConsumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", missingPeriod)).AssertFieldErrorAsync(HttpStatusCode.BadRequest, "validTo");
        var semantic = world.Request(Now, "name", "salary");
        semantic["purpose"] = "";
        var second = await world.ConsumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", semantic);
        await second.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "purpose");
        await second.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "fields[1]");
        Assert.Equal(0L, await server.ScalarAsync<long>("select count(*) from sharing_requests where requester_organization_id = @Org", new { Org = world.Consumer }));
        Assert.Equal(0L, await server.ScalarAsync<long>("select count(*) from notifications where organization_id = @Org", new { Org = world.Consumer }));
    }

    [Fact]
    public async Task An_approver_cannot_request_and_a_requester_cannot_approve()
    {
        var world = await CreateAsync(server);
        await (await world.Approver.PostAsJsonAsync("/api/v1/sharing-requests", world.Request(Now))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var id = (await world.SubmitAsync(world.Request(Now))).GetProperty("id").GetGuid();
        var consumerApprover = await server.ApiAsUserAsync(world.Consumer, Roles.Approver);

        await (await consumerApprover.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var withdrawn = await OkAsync(await world.ConsumerSteward.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/withdraw", new { reason = "不再需要" }));
        Assert.Equal("Withdrawn", withdrawn.GetProperty("status").GetString());
        await (await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new { })).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    private async Task<IEnumerable<string>> ActionsAsync(Guid grantId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        return await Dapper.SqlMapper.QueryAsync<string>(connection, "select action from admin_audit_events where target_type = 'Grant' and target_id = @Id order by time, id", new { Id = grantId.ToString() });
    }
}
