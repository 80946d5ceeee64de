using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Privacy;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>增量同步: the change feed serves what changed since the cursor, within the grant, masked like reads.</summary>
public sealed class ExchangeChangesTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    [Fact]
    public async Task The_feed_serves_records_in_scope_then_only_later_changes_and_deletions_with_masked_keys()
    {
        var world = await CreateAsync(server);

        var first = await world.SendAsync(world.Changes(null));
        var cursor = first.Body.GetProperty("nextCursor").GetString();
        var quiet = await world.SendAsync(world.Changes(cursor));
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.ExecuteAsync(
                "update records set payload = jsonb_set(payload, '{age}', '21'), version = 2, updated_at = clock_timestamp() where resource_id = @R and key = @K",
                new { R = world.ResourceId, K = Li.IdNumber });
            await connection.ExecuteAsync(
                """
                insert into record_history (resource_id, key, version, payload, batch_id, updated_at, superseded_at, superseded_by, deleted)
                select resource_id, key, version, payload, batch_id, updated_at, clock_timestamp(), gen_random_uuid(), true from records where resource_id = @R and key = @K;
                delete from records where resource_id = @R and key = @K;
                """,
                new { R = world.ResourceId, K = Zhang.IdNumber });
        }

        await Task.Delay(20);
        var later = await world.SendAsync(world.Changes(cursor));
        var refused = await world.SendAsync(world.Changes(cursor, purpose: "别的目的"));
        var invalid = await world.SendAsync(world.Changes("not-a-cursor"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        var initial = first.Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, initial.Count); // 王五 of 仓山区 is outside the grant's scope
        Assert.All(initial, i => Assert.Equal("upsert", i.GetProperty("op").GetString()));
        Assert.Contains(initial, i => i.GetProperty("record").GetProperty("name").GetString() == Masker.KeepFirstLast(Zhang.Name, 1, 1));
        Assert.Empty(quiet.Body.GetProperty("items").EnumerateArray());
        Assert.Equal(cursor, quiet.Body.GetProperty("nextCursor").GetString());
        var changes = later.Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["upsert", "delete"], changes.Select(c => c.GetProperty("op").GetString()));
        Assert.Equal(21, changes[0].GetProperty("record").GetProperty("age").GetInt32());
        var deleted = changes[1].GetProperty("record");
        Assert.Equal(Masker.KeepFirstLast(Zhang.IdNumber, 6, 4), deleted.GetProperty("idNumber").GetString());
        Assert.False(deleted.TryGetProperty("name", out _)); // a deletion carries the key only
        Assert.Equal((HttpStatusCode.Forbidden, "denied.purposeMismatch"), (refused.Status, Reason(refused.Body)));
        Assert.Equal((HttpStatusCode.BadRequest, "denied.invalidQuery"), (invalid.Status, Reason(invalid.Body)));
    }
}
