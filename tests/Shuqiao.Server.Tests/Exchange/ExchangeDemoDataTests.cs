using Dapper;
using Npgsql;
using Shuqiao.Server.Tests.Demo;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>The demo's traffic history: real gateway calls by the demo departments' systems, allowed and refused.</summary>
public sealed class ExchangeDemoDataTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    [Fact]
    public async Task The_demo_has_allowed_reads_queries_and_verifications_and_refusals_with_their_reasons()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var allowed = (await connection.QueryAsync<string>("select distinct operation from access_events where outcome = 'Allowed'")).ToHashSet();
        var reasons = (await connection.QueryAsync<string>("select distinct reason from access_events where outcome = 'Denied'")).ToHashSet();
        var purposes = (await connection.QueryAsync<string>("select distinct purpose from access_events where outcome = 'Allowed'")).ToList();

        Assert.Equal(3, allowed.Count); // read by key, query, verify
        // A revoked grant is no grant to the gateway (its lookup sees Active and Suspended only): NoGrant, like 教育局's.
        Assert.Equal(new HashSet<string> { "PurposeMismatch", "GrantSuspended", "NoGrant" }, reasons);
        Assert.Contains("最低生活保障待遇资格认定中的户籍状况核查", purposes);
    }
}
