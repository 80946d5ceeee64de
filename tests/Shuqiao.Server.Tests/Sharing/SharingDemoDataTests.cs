using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Server.Tests.Demo;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>The demo sharing workflow: requests in every state a newcomer should see, through the real service.</summary>
public sealed class SharingDemoDataTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    [Fact]
    public async Task The_demo_has_requests_in_every_reachable_state_and_grants_active_suspended_and_revoked()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var requests = (await connection.QueryAsync<(string Status, long Count)>("select status, count(*) from sharing_requests group by status"))
            .ToDictionary(r => r.Status, r => r.Count);
        var grants = (await connection.QueryAsync<(string Status, long Count)>("select status, count(*) from grants group by status"))
            .ToDictionary(r => r.Status, r => r.Count);

        // Escalated and PendingAuthority are passing states here: escalation needs an overdue reply; co-approval happened.
        Assert.Equal(
            new Dictionary<string, long> { ["Approved"] = 5, ["Disputed"] = 1, ["Rejected"] = 1, ["Submitted"] = 1, ["UnderReview"] = 1, ["Withdrawn"] = 1 }.OrderBy(p => p.Key),
            requests.OrderBy(p => p.Key));
        Assert.Equal(new Dictionary<string, long> { ["Active"] = 3, ["Suspended"] = 1, ["Revoked"] = 1 }.OrderBy(p => p.Key), grants.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task The_co_approved_grant_of_core_fields_is_marked_authority_approved_and_narrowed_by_the_provider()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var grant = await connection.QuerySingleAsync<(bool AuthorityApproved, string Fields)>(
            "select g.authority_approved, array_to_string(g.fields, ',') from grants g join data_resources r on r.id = g.resource_id where r.name = '人口基本信息'");

        Assert.True(grant.AuthorityApproved);
        Assert.Contains("idNumber", grant.Fields, StringComparison.Ordinal);
        Assert.DoesNotContain("address", grant.Fields, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_demo_provider_approver_sees_its_incoming_requests_in_the_api()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var police = await connection.QuerySingleAsync<Guid>("select organization_id from users where login = 'gaj.approver'");
        using var approver = await server.ApiAsUserAsync(police, Core.Identity.Roles.Approver);

        var page = await approver.GetFromJsonAsync<JsonElement>("/api/v1/sharing-requests?box=incoming");

        var statuses = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()).ToList();
        Assert.Contains("Approved", statuses);
        Assert.Contains("Disputed", statuses);
    }
}
