using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using Shuqiao.Storage.Exchange;
using Shuqiao.Testing;

namespace Shuqiao.Storage.Tests.Exchange;

/// <summary>
/// Record keys are ordered ordinally (collation "C", as TypedValue.CompareTo) and the key columns are declared so
/// (0010_record_key_collation.sql): a query page walks the primary key index instead of sorting a resource's records.
/// The test cluster's default collation is C.UTF-8, which PostgreSQL 15 treats as a collation other than "C", so
/// without the column collation these plans would sort.
/// </summary>
public sealed class RecordKeyOrderTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const int RecordsPerResource = 3000;

    private static readonly DateTimeOffset Written = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_query_page_without_sort_walks_the_primary_key_index_and_sorts_nothing()
    {
        var resource = await LoadedResourceAsync();

        var first = await PlanAsync(RecordQuerySql.Page(resource, null, null, [], null, 100));
        var next = await PlanAsync(RecordQuerySql.Page(resource, null, null, [], new RecordCursor([], "k1500"), 100));

        foreach (var plan in new[] { first, next })
        {
            var nodes = Nodes(plan).ToList();
            Assert.Contains(nodes, n => n.GetProperty("Node Type").GetString() == "Index Scan" && n.GetProperty("Index Name").GetString() == "records_pkey");
            Assert.DoesNotContain(nodes, n => n.GetProperty("Node Type").GetString() is "Sort" or "Incremental Sort");
        }

        // The keyset condition is an index condition, not a filter over every record of the resource.
        var scan = Nodes(next).First(n => n.GetProperty("Node Type").GetString() == "Index Scan");
        Assert.Contains("key >", scan.GetProperty("Index Cond").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_and_the_change_feed_order_keys_ordinally_whatever_the_database_locale()
    {
        var resource = Resource();
        string[] keys = ["a", "B", "张", "10", "9", "Z", "é"];
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            foreach (var key in keys)
            {
                await connection.ExecuteAsync(
                    "insert into records (resource_id, key, payload, version, batch_id, updated_at) values (@R, @K, @P::jsonb, 1, @B, @T)",
                    new { R = resource.Id, K = key, P = JsonSerializer.Serialize(new { id = key }), B = Guid.NewGuid(), T = Written });
            }
        }

        var pages = new List<string>();
        RecordCursor? cursor = null;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            for (var i = 0; i < keys.Length; i++)
            {
                var rows = await RecordQuerySql.Page(resource, null, null, [], cursor, 2).ReadAsync(connection, CancellationToken.None);
                if (rows.Count == 0)
                {
                    break;
                }

                pages.AddRange(rows.Select(r => r.Key));
                cursor = new RecordCursor([], rows[^1].Key);
            }

            var changes = await RecordQuerySql.Changes(resource, null, null, "", Written.AddMinutes(1), 100).ReadChangesAsync(connection, CancellationToken.None);
            var afterNine = await RecordQuerySql.Changes(resource, null, Written, "9", Written.AddMinutes(1), 100).ReadChangesAsync(connection, CancellationToken.None);

            // UTF-8 byte order: digits, upper case, lower case, then é (U+00E9) and 张 (U+5F20).
            string[] ordinal = ["10", "9", "B", "Z", "a", "é", "张"];
            Assert.Equal(ordinal, pages);
            Assert.Equal(keys.Order(StringComparer.Ordinal), pages);
            Assert.Equal(ordinal, changes.Select(c => c.Key));
            Assert.Equal(ordinal[2..], afterNine.Select(c => c.Key));
        }
    }

    // A resource of RecordsPerResource records beside two others as large, analyzed as autovacuum would.
    private async Task<DataResource> LoadedResourceAsync()
    {
        var resource = Resource();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        foreach (var id in new[] { Guid.NewGuid(), resource.Id, Guid.NewGuid() })
        {
            await connection.ExecuteAsync(
                """
                insert into records (resource_id, key, payload, version, batch_id, updated_at)
                select @R, 'k' || i, jsonb_build_object('id', 'k' || i, 'name', '居民' || i), 1, @B, @T - make_interval(secs => i)
                from generate_series(1, @N) as i
                """,
                new { R = id, B = Guid.NewGuid(), T = Written, N = RecordsPerResource });
        }

        await connection.ExecuteAsync("analyze records");
        return resource;
    }

    private async Task<JsonElement> PlanAsync(RecordQuerySql query)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("explain (format json) " + query.Sql, connection);
        foreach (var parameter in query.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        var json = (string)(await command.ExecuteScalarAsync())!;
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].GetProperty("Plan").Clone();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement plan)
    {
        yield return plan;
        if (plan.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(Nodes))
            {
                yield return child;
            }
        }
    }

    private static DataResource Resource()
    {
        ResourceField Field(string name, bool key) =>
            new(name, name, null, FieldType.String, null, null, key, key, key, DataClassification.General, PersonalInfoKind.None, [],
                InvalidValueAction.Reject, MaskingRule.None, []);

        return new DataResource(
            Guid.NewGuid(), ResourceCode.Parse("101001000/000001"), "键序", "", Guid.NewGuid(), "示范市公安局", "11350100MB0000000A", "数据库表",
            SharingType.Unconditional, null, null, OpenType.NotOpen, null, UpdateFrequency.Daily, [], null, null, ResourceStatus.Published,
            SchemaVersion.First, [Field("id", key: true), Field("name", key: false)], 1, Written, Written, Written, null);
    }
}
