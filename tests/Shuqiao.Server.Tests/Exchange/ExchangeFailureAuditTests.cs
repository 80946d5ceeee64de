using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>An allowed call that fails on the server is audited as Failed; the caller gets the error (its own server: the test breaks the records table).</summary>
public sealed class ExchangeFailureAuditTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task A_call_that_fails_after_it_was_allowed_is_audited_as_failed_and_answered_with_an_error()
    {
        var world = await CreateAsync(server);
        var user = "fail-" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.ExecuteAsync("alter table records rename to records_unavailable");
        HttpStatusCode record, query, refused;
        try
        {
            (record, _) = await world.SendAsync(world.Get(Zhang.IdNumber, user: user));
            (query, _) = await world.SendAsync(world.Query(new { fields = new[] { "age" } }, user: user));
            (refused, _) = await world.SendAsync(world.Get(Zhang.IdNumber, purpose: "别的目的", user: user)); // refused before any read
        }
        finally
        {
            await connection.ExecuteAsync("alter table records_unavailable rename to records");
        }

        var (after, _) = await world.SendAsync(world.Get(Zhang.IdNumber, user: user));
        var authority = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市数据局", dataAuthority: true);
        var auditor = await server.ApiAsUserAsync(authority, Roles.Auditor);
        var failed = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/events?user={user}&outcome=Failed");
        var ledger = (await connection.QueryAsync<string>(
            "select convert_from(l.entry, 'UTF8') from ledger_entries l join access_events e on e.id = l.event_id where e.end_user = @U and e.outcome = 'Failed'",
            new { U = user })).ToList();

        Assert.Equal(HttpStatusCode.InternalServerError, record);
        Assert.Equal(HttpStatusCode.InternalServerError, query);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(HttpStatusCode.OK, after);
        var events = failed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Query", "Record"], events.Select(e => e.GetProperty("operation").GetString()).Order());
        Assert.All(events, e => Assert.Equal(0, e.GetProperty("rowsReturned").GetInt32()));
        Assert.Equal(world.GrantId, events[0].GetProperty("grantId").GetGuid());
        Assert.Equal(2, ledger.Count);
        Assert.All(ledger, entry => Assert.Contains("\"outcome\":\"Failed\"", entry, StringComparison.Ordinal));
        Assert.Equal(1, await world.EventsAsync(user, "Allowed"));
        Assert.Equal(1, await world.EventsAsync(user, "Denied"));
    }
}
