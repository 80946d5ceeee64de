using System.Text;
using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Privacy;
using static Shuqiao.Server.Tests.Exchange.ExchangeWorld;

namespace Shuqiao.Server.Tests.Exchange;

/// <summary>What a consumer gets through the gateway, by grant and query (design §3), over real HTTP and PostgreSQL.</summary>
public sealed class ExchangeEnforcementTests(ExchangeServer server) : IClassFixture<ExchangeServer>
{
    private static string MaskedId(Person p) => Masker.KeepFirstLast(p.IdNumber, 6, 4);

    private static string MaskedName(Person p) => Masker.KeepFirstLast(p.Name, 1, 1);

    private static Dictionary<string, object?> Fields(JsonElement record) =>
        record.EnumerateObject().ToDictionary(
            p => p.Name, p => p.Value.ValueKind switch { JsonValueKind.Number => p.Value.GetInt32(), JsonValueKind.Null => null, _ => (object?)p.Value.GetString() });

    [Fact]
    public async Task The_enforcement_matrix_gives_each_query_exactly_its_status_fields_and_masked_values()
    {
        var world = await CreateAsync(server);
        var all = new[] { "idNumber", "name", "district", "age" };
        var cases = new List<(string Name, string[]? Fields, string Overrides, Func<HttpRequestMessage> Request, HttpStatusCode Status, string? Reason, object? Expected)>
        {
            ("record by key, default masking", all, "{}", () => world.Get(Zhang.IdNumber), HttpStatusCode.OK, null,
                new Dictionary<string, object?> { ["idNumber"] = MaskedId(Zhang), ["name"] = MaskedName(Zhang), ["district"] = "鼓楼区", ["age"] = 34 }),
            ("record outside the row scope", all, "{}", () => world.Get(Wang.IdNumber), HttpStatusCode.NotFound, "record.notFound", null),
            ("record by key that is not an ID number", all, "{}", () => world.Get("nonsense"), HttpStatusCode.NotFound, "record.notFound", null),
            ("record with a narrower grant returns only granted fields", ["idNumber", "district"], "{}", () => world.Get(Li.IdNumber), HttpStatusCode.OK, null,
                new Dictionary<string, object?> { ["idNumber"] = MaskedId(Li), ["district"] = "台江区" }),
            ("record with the name's masking lifted", all, """{"name":{"rule":"None"}}""", () => world.Get(Zhang.IdNumber), HttpStatusCode.OK, null,
                new Dictionary<string, object?> { ["idNumber"] = MaskedId(Zhang), ["name"] = "张三丰", ["district"] = "鼓楼区", ["age"] = 34 }),
            ("record by key when the key field is not granted", ["name", "district"], "{}", () => world.Get(Zhang.IdNumber), HttpStatusCode.Forbidden, "denied.filterOnUngrantedField", null),
            ("query of chosen fields with eq", all, "{}", () => world.Query(new { fields = new[] { "name" }, filter = new { field = "district", eq = "台江区" } }), HttpStatusCode.OK, null,
                new[] { new Dictionary<string, object?> { ["name"] = MaskedName(Li) } }),
            ("query cannot widen the row scope", all, "{}", () => world.Query(new { filter = new { field = "district", @in = new[] { "仓山区" } } }), HttpStatusCode.OK, null,
                Array.Empty<Dictionary<string, object?>>()),
            ("query with any() still inside the scope", all, "{}",
                () => world.Query(new { fields = new[] { "district" }, filter = new { any = new object[] { new { field = "district", eq = "仓山区" }, new { field = "age", gte = 30 } } } }),
                HttpStatusCode.OK, null, new[] { new Dictionary<string, object?> { ["district"] = "鼓楼区" } }),
            ("query with a range on a number", all, "{}", () => world.Query(new { fields = new[] { "age" }, filter = new { field = "age", gte = 21, lt = 60 } }), HttpStatusCode.OK, null,
                new[] { new Dictionary<string, object?> { ["age"] = 34 } }),
            ("query with a prefix", all, "{}", () => world.Query(new { fields = new[] { "district" }, filter = new { field = "district", prefix = "台" } }), HttpStatusCode.OK, null,
                new[] { new Dictionary<string, object?> { ["district"] = "台江区" } }),
            ("query sorted descending", all, "{}", () => world.Query(new { fields = new[] { "age" }, sort = new[] { new { field = "age", direction = "desc" } } }), HttpStatusCode.OK, null,
                new[] { new Dictionary<string, object?> { ["age"] = 34 }, new Dictionary<string, object?> { ["age"] = 20 } }),
            ("query of a field not granted", ["district", "age"], "{}", () => world.Query(new { fields = new[] { "name" } }), HttpStatusCode.Forbidden, "denied.fieldNotGranted", null),
            ("filter on a field not granted", ["district", "age"], "{}", () => world.Query(new { filter = new { field = "name", eq = "李四" } }), HttpStatusCode.Forbidden, "denied.filterOnUngrantedField", null),
            ("filter on a masked field", all, "{}", () => world.Query(new { filter = new { field = "name", prefix = "张" } }), HttpStatusCode.Forbidden, "denied.filterOnMaskedField", null),
            ("sort on a masked field", all, "{}", () => world.Query(new { sort = new[] { new { field = "name" } } }), HttpStatusCode.Forbidden, "denied.sortOnMaskedField", null),
            ("page size beyond the limit", all, "{}", () => world.Query(new { pageSize = 5000 }), HttpStatusCode.BadRequest, "denied.pageSizeTooLarge", null),
            ("unknown query property", all, "{}", () => world.Query(new { where = "1=1" }), HttpStatusCode.BadRequest, "denied.invalidQuery", null),
            ("a cursor not from this API", all, "{}", () => world.Query(new { cursor = "bm9wZQ" }), HttpStatusCode.BadRequest, "denied.invalidQuery", null),
        };

        var failures = new List<string>();
        foreach (var c in cases)
        {
            await world.ShapeGrantAsync(c.Fields, c.Overrides);
            var (status, body) = await world.SendAsync(c.Request());
            if (status != c.Status)
            {
                failures.Add($"{c.Name}: expected {(int)c.Status}, got {(int)status} {body}");
                continue;
            }

            if (c.Reason is not null && Reason(body) != c.Reason)
            {
                failures.Add($"{c.Name}: expected reason {c.Reason}, got {Reason(body)}");
            }

            switch (c.Expected)
            {
                case Dictionary<string, object?> record when !record.SequenceEqual(Fields(body)):
                    failures.Add($"{c.Name}: expected {JsonSerializer.Serialize(record)}, got {body}");
                    break;
                case Dictionary<string, object?>[] items:
                    var got = body.GetProperty("items").EnumerateArray().Select(Fields).ToList();
                    if (got.Count != items.Length || got.Zip(items).Any(p => !p.First.SequenceEqual(p.Second)))
                    {
                        failures.Add($"{c.Name}: expected {JsonSerializer.Serialize(items)}, got {body}");
                    }

                    break;
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_through_every_record_in_scope_once()
    {
        var world = await CreateAsync(server);
        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var (status, body) = await world.SendAsync(world.Query(new { fields = new[] { "age" }, sort = new[] { new { field = "age" } }, pageSize = 1, cursor }));
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("age").GetInt32()));
            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && seen.Count < 10);

        Assert.Equal([20, 34], seen);
    }

    [Fact]
    public async Task Pages_without_sort_follow_the_ordinal_order_of_keys()
    {
        var world = await CreateAsync(server);
        // Keys as the domain compares them (TypedValue.CompareTo, ordinal): "10" < "3501…" < "9" < "B" < "a" < "张",
        // where a locale's order would put "9" before "10", "a" before "B" or "张" elsewhere. Age tells the records apart.
        var ages = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 1, ["B"] = 2, ["张"] = 3, ["10"] = 4, ["9"] = 5 };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            foreach (var (key, age) in ages)
            {
                await connection.ExecuteAsync(
                    "insert into records (resource_id, key, payload, version, batch_id, updated_at) values (@R, @K, @P::jsonb, 1, @B, now())",
                    new { R = world.ResourceId, K = key, P = JsonSerializer.Serialize(new { idNumber = key, name = "赵六", district = "鼓楼区", age }), B = Guid.NewGuid() });
            }
        }

        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var (status, body) = await world.SendAsync(world.Query(new { fields = new[] { "age" }, pageSize = 2, cursor }));
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("age").GetInt32()));
            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && seen.Count < 20);

        Assert.Equal([4, Zhang.Age, Li.Age, 5, 2, 1, 3], seen);
    }

    [Fact]
    public async Task A_cursor_does_not_reveal_the_key_it_continues_from_and_a_tampered_one_is_refused()
    {
        var world = await CreateAsync(server);

        var (status, body) = await world.SendAsync(world.Query(new { fields = new[] { "age" }, pageSize = 1 }));

        Assert.Equal(HttpStatusCode.OK, status);
        var cursor = body.GetProperty("nextCursor").GetString()!;
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(cursor.Replace('-', '+').Replace('_', '/'))));
        foreach (var person in new[] { Zhang, Li, Wang })
        {
            Assert.DoesNotContain(person.IdNumber, cursor, StringComparison.Ordinal);
            Assert.DoesNotContain(person.IdNumber, decoded, StringComparison.Ordinal);
        }

        var tampered = cursor[..^2] + (cursor[^2] == 'A' ? 'B' : 'A') + cursor[^1];
        var (refused, problem) = await world.SendAsync(world.Query(new { fields = new[] { "age" }, pageSize = 1, cursor = tampered }));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("denied.invalidQuery", Reason(problem));
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');

    [Fact]
    public async Task The_purpose_must_be_the_grants_and_a_percent_encoded_chinese_purpose_matches()
    {
        var world = await CreateAsync(server);

        var matching = await world.SendAsync(world.Get(Zhang.IdNumber, purpose: " 最低生活保障资格审核 "));
        var other = await world.SendAsync(world.Get(Zhang.IdNumber, purpose: "招商引资"));
        var none = await world.SendAsync(world.Get(Zhang.IdNumber, purpose: null));

        Assert.Equal(HttpStatusCode.OK, matching.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "denied.purposeMismatch"), (other.Status, Reason(other.Body)));
        Assert.Equal((HttpStatusCode.Forbidden, "denied.purposeRequired"), (none.Status, Reason(none.Body)));
        Assert.Equal("The stated purpose is not the purpose of the grant.", other.Body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Suspended_expired_and_revoked_grants_are_refused_and_each_refusal_says_why()
    {
        var world = await CreateAsync(server);
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(world.Get(Zhang.IdNumber))).Status);

        await world.ShapeGrantAsync(status: "Suspended");
        var suspended = await world.SendAsync(world.Get(Zhang.IdNumber));
        await world.ShapeGrantAsync(validTo: DateTimeOffset.UtcNow.AddSeconds(-1).AddMinutes(0));
        var expired = await world.SendAsync(world.Get(Zhang.IdNumber));
        await world.ShapeGrantAsync(status: "Revoked");
        var revoked = await world.SendAsync(world.Get(Zhang.IdNumber));

        Assert.Equal((HttpStatusCode.Forbidden, "denied.grantSuspended"), (suspended.Status, Reason(suspended.Body)));
        Assert.Equal((HttpStatusCode.Forbidden, "denied.grantExpired"), (expired.Status, Reason(expired.Body)));
        // A revoked grant is no grant: its existence is not disclosed.
        Assert.Equal((HttpStatusCode.NotFound, "denied.noGrant"), (revoked.Status, Reason(revoked.Body)));
        Assert.Equal(3, await world.EventsAsync("u-1", "Denied"));
    }

    [Fact]
    public async Task A_grant_revoked_while_cached_denies_the_next_requests()
    {
        var world = await CreateAsync(server);
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(world.Get(Zhang.IdNumber))).Status);
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(world.Get(Zhang.IdNumber))).Status); // served from the cache

        await using (var connection = new Npgsql.NpgsqlConnection(server.ConnectionString))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "update grants set status = 'Revoked', updated_at = now() where id = @Id", new { Id = world.GrantId });
        }

        // NOTIFY arrives asynchronously; within a moment every request is denied, and stays denied.
        var until = DateTime.UtcNow.AddSeconds(5);
        var status = HttpStatusCode.OK;
        while (status == HttpStatusCode.OK && DateTime.UtcNow < until)
        {
            status = (await world.SendAsync(world.Get(Zhang.IdNumber))).Status;
        }

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(HttpStatusCode.NotFound, (await world.SendAsync(world.Get(Zhang.IdNumber))).Status);
    }

    [Fact]
    public async Task The_daily_quota_counts_allowed_requests_and_then_answers_429()
    {
        var world = await CreateAsync(server);
        await world.ShapeGrantAsync(quota: 2);

        var refusedFirst = await world.SendAsync(world.Get(Zhang.IdNumber, purpose: "其他用途")); // not counted: refused
        var first = await world.SendAsync(world.Get(Zhang.IdNumber));
        var second = await world.SendAsync(world.Query(new { fields = new[] { "age" } }));
        var third = await world.SendAsync(world.Get(Zhang.IdNumber));

        Assert.Equal(HttpStatusCode.Forbidden, refusedFirst.Status);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal((HttpStatusCode.TooManyRequests, "denied.quotaExceeded"), (third.Status, Reason(third.Body)));
    }

    [Fact]
    public async Task A_verify_only_grant_verifies_match_or_no_match_per_field_and_never_returns_stored_values()
    {
        var world = await CreateAsync(server);
        await world.ShapeGrantAsync(mode: "VerifyOnly");

        var read = await world.SendAsync(world.Get(Zhang.IdNumber));
        var query = await world.SendAsync(world.Query(new { }));
        var match = await world.SendAsync(world.Verify(new { idNumber = Zhang.IdNumber.ToLowerInvariant(), name = "张三丰", district = "鼓楼区" }));
        var wrong = await world.SendAsync(world.Verify(new { idNumber = Zhang.IdNumber, name = "张三", district = "鼓楼区" }));
        var outside = await world.SendAsync(world.Verify(new { idNumber = Wang.IdNumber, name = "王五" }));
        var keyOnly = await world.SendAsync(world.Verify(new { idNumber = Zhang.IdNumber }));

        Assert.Equal((HttpStatusCode.Forbidden, "denied.verifyOnlyGrant"), (read.Status, Reason(read.Body)));
        Assert.Equal((HttpStatusCode.Forbidden, "denied.verifyOnlyGrant"), (query.Status, Reason(query.Body)));
        Assert.Equal(HttpStatusCode.OK, match.Status);
        Assert.True(match.Body.GetProperty("allMatch").GetBoolean());
        Assert.Equal("match", match.Body.GetProperty("fields").GetProperty("name").GetString());
        Assert.False(wrong.Body.GetProperty("allMatch").GetBoolean());
        Assert.Equal("noMatch", wrong.Body.GetProperty("fields").GetProperty("name").GetString());
        Assert.Equal("match", wrong.Body.GetProperty("fields").GetProperty("district").GetString());
        Assert.DoesNotContain("张三丰", Text(wrong.Body), StringComparison.Ordinal);
        Assert.All(outside.Body.GetProperty("fields").EnumerateObject(), f => Assert.Equal("noMatch", f.Value.GetString())); // outside the scope: as if absent
        Assert.Equal((HttpStatusCode.BadRequest, "denied.invalidQuery"), (keyOnly.Status, Reason(keyOnly.Body)));
    }

    [Fact]
    public async Task A_pseudonym_is_stable_for_one_consumer_and_different_for_another()
    {
        var world = await CreateAsync(server);
        const string pseudonym = """{"name":{"rule":"Pseudonym"}}""";
        await world.ShapeGrantAsync(overrides: pseudonym);
        var other = await Shuqiao.Testing.TestData.InsertOrganizationAsync(server.ConnectionString, "示范市人社局");
        var otherGrant = await GrantAsync(server, other, world.Code);
        await world.ShapeGrantAsync(overrides: pseudonym, grantId: otherGrant);
        var (otherClient, _, _) = await server.ApiAsClientAsync(other);

        var first = (await world.SendAsync(world.Get(Zhang.IdNumber))).Body.GetProperty("name").GetString();
        var again = (await world.SendAsync(world.Query(new { fields = new[] { "name" }, filter = new { field = "district", eq = "鼓楼区" } }))).Body
            .GetProperty("items")[0].GetProperty("name").GetString();
        var theirs = (await world.SendAsync(world.Get(Zhang.IdNumber), otherClient)).Body.GetProperty("name").GetString();

        Assert.StartsWith("h1_", first, StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.NotEqual(first, theirs);
        Assert.DoesNotContain("张三丰", first!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_allowed_or_denied_has_exactly_one_access_event_when_its_answer_arrives()
    {
        var world = await CreateAsync(server);
        var user = "audit-" + Guid.NewGuid().ToString("N")[..8];
        const int n = 40;

        var calls = Enumerable.Range(0, n).Select(i => world.SendAsync(i % 2 == 0
            ? world.Get(Zhang.IdNumber, user: user)
            : world.Query(new { fields = new[] { "age" } }, purpose: "别的目的", user: user))).ToList();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(n / 2, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(n / 2, answers.Count(a => a.Status == HttpStatusCode.Forbidden));
        // No answer leaves before its event is durable: the count is complete as soon as the answers are in.
        Assert.Equal(n, await world.EventsAsync(user));
        Assert.Equal(n / 2, await world.EventsAsync(user, "Denied"));
    }

    [Fact]
    public async Task The_request_id_is_echoed_or_generated_and_recorded_with_the_event()
    {
        var world = await CreateAsync(server);
        var request = world.Get(Zhang.IdNumber, user: "rid-user");
        request.Headers.Add("X-Request-Id", "req-42");
        using var echoed = await world.Client.SendAsync(request);
        using var generated = await world.Client.SendAsync(world.Get(Zhang.IdNumber));

        Assert.Equal("req-42", echoed.Headers.GetValues("X-Request-Id").Single());
        Assert.True(Guid.TryParse(generated.Headers.GetValues("X-Request-Id").Single(), out _));
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        var row = await Dapper.SqlMapper.QuerySingleAsync<(string, string, string, int)>(connection,
            "select request_id, purpose, shape, rows_returned from access_events where end_user = 'rid-user'");
        Assert.Equal(("req-42", Purpose, "fields=* filter=eq(idNumber) pageSize=1", 1), row);
    }
}
