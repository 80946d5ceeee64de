using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Quality.QualityRequests;

namespace Shuqiao.Server.Tests.Quality;

/// <summary>
/// Quality reports of crafted data sets loaded through the ingestion API; every expected score is worked out by hand
/// in the test from the formulas of docs/quality.md.
/// </summary>
public sealed class QualityApiTests(QualityServer server) : IClassFixture<QualityServer>
{
    /// <summary>持证人员: 编号 (key), 姓名 (required, warns when missing), 手机号码 (mobile validator, warns).</summary>
    private static JsonObject[] HolderFields() =>
    [
        Field("code", "编号", key: true),
        Field("name", "姓名", required: true, personalInfo: "Personal", onInvalid: "Warn"),
        Field("mobile", "手机号码", personalInfo: "Personal", onInvalid: "Warn", validators: Validator("mobile")),
    ];

    /// <summary>10 records: R03 and R07 have no name; R04 and R09 have mobiles that fail the validator.</summary>
    private static string HolderRecords()
    {
        var rows = Enumerable.Range(1, 10).Select(i =>
        {
            var code = $"R{i:D2}";
            var mobile = i switch { 4 => "1380013800", 9 => "23800138009", _ => $"138001380{i:D2}" };
            var name = i is 3 or 7 ? "" : $"\"name\":\"姓名值{i}\",";
            return $$"""{"code":"{{code}}",{{name}}"mobile":"{{mobile}}"}""";
        });
        return "[" + string.Join(',', rows) + "]";
    }

    [Fact]
    public async Task Warn_invalid_values_missing_required_values_and_a_short_load_give_the_hand_computed_scores()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("持证人员信息", "Daily", expected: 16, fields: HolderFields()));
        await LoadAsync(steward, slug, HolderRecords());

        var report = await RunAsync(steward, slug);

        // 规范性: 10 mobiles checked, 2 fail → 100 × 8/10 = 80.0
        Assert.Equal((10, 2), Counts(report, "Conformity"));
        Assert.Equal(80.0, Score(report, "Conformity"));
        // 完整性: 10 records × 1 required non-key field = 10 cells, 2 empty → F = 0.8; 10 of 16 expected → R = 0.625; 100 × 0.5 = 50.0
        Assert.Equal((10, 2), Counts(report, "Completeness"));
        Assert.Equal(50.0, Score(report, "Completeness"));
        // 时效性: loaded just now, daily → 100; nothing unique, no references, no gateway: not measured
        Assert.Equal(100.0, Score(report, "Timeliness"));
        Assert.Null(Score(report, "Accuracy"));
        Assert.Null(Score(report, "Consistency"));
        Assert.Null(Score(report, "Accessibility"));
        // overall = (80 + 50 + 100) / 3 = 76.67 → 76.7, 中
        Assert.Equal(76.7, report.GetProperty("overall").GetDouble());
        Assert.Equal(("Fair", "中"), (report.GetProperty("rating").GetString(), report.GetProperty("ratingName").GetString()));
        Assert.Equal(10, report.GetProperty("records").GetInt64());
        Assert.Equal("Manual", report.GetProperty("trigger").GetString());

        var samples = Samples(report);
        Assert.Equal([("Completeness", "name", "value.required", "R03"), ("Completeness", "name", "value.required", "R07")],
            samples.Where(s => s.Dimension == "Completeness").OrderBy(s => s.Key));
        Assert.Equal([("Conformity", "mobile", "value.mobile", "R04"), ("Conformity", "mobile", "value.mobile", "R09")],
            samples.Where(s => s.Dimension == "Conformity").OrderBy(s => s.Key));
        var text = report.GetRawText();
        Assert.DoesNotContain("1380013800\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("23800138009", text, StringComparison.Ordinal);
        Assert.DoesNotContain("姓名值", text, StringComparison.Ordinal);

        var latest = await GetJsonAsync(steward, $"/api/v1/resources/{slug}/quality");
        Assert.Equal(report.GetProperty("id").GetGuid(), latest.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Duplicates_on_a_unique_field_and_references_that_do_not_resolve_lower_accuracy_and_consistency()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var people = await PublishAsync(steward, Resource("人口基本信息", "Daily", null, Catalog.CatalogRequests.IdNumberField(), Field("name", "姓名", personalInfo: "Personal")));
        var peopleCode = people.Replace('-', '/');
        await LoadAsync(steward, people, "[" + string.Join(',', Enumerable.Range(1, 3).Select(i => $$"""{"idNumber":"{{ResidentId(i)}}","name":"居民{{i}}"}""")) + "]");
        var companies = await PublishAsync(steward, Resource("企业登记信息", "Daily", null,
            Field("regNo", "注册号", key: true),
            Field("licenceNo", "许可证号", unique: true),
            Field("legalRep", "法定代表人身份证号", personalInfo: "Sensitive", masking: new JsonObject { ["rule"] = "KeepFirstLast", ["first"] = 6, ["last"] = 4 }, references: new JsonArray(new JsonObject { ["resource"] = peopleCode, ["field"] = "idNumber" }))));

        // 8 companies: licence L2 twice (2 records share it); legal representatives 1, 2, 3 resolve, 7 and 8 (valid numbers, unknown people) do not; one has none
        string[] licences = ["L1", "L2", "L2", "L3", "L4", "L5", "L6", "L7"];
        int?[] representatives = [1, 2, 3, 1, 2, 7, 8, null];
        var rows = Enumerable.Range(0, 8).Select(i =>
            $$"""{"regNo":"C{{i + 1}}","licenceNo":"{{licences[i]}}"{{(representatives[i] is { } p ? $",\"legalRep\":\"{ResidentId(p)}\"" : "")}}}""");
        await LoadAsync(steward, companies, "[" + string.Join(',', rows) + "]");

        var report = await RunAsync(steward, companies);

        // 准确性: 8 licence numbers, 2 records share one → 100 × 6/8 = 75.0
        Assert.Equal((8, 2), Counts(report, "Accuracy"));
        Assert.Equal(75.0, Score(report, "Accuracy"));
        // 一致性: 7 references, 2 unresolved → 100 × 5/7 = 71.43 → 71.4
        Assert.Equal((7, 2), Counts(report, "Consistency"));
        Assert.Equal(71.4, Score(report, "Consistency"));
        // overall = (75 + 71.4 + 100 timeliness) / 3 = 82.13 → 82.1, 良
        Assert.Equal(82.1, report.GetProperty("overall").GetDouble());
        Assert.Equal("Good", report.GetProperty("rating").GetString());
        var samples = Samples(report);
        Assert.Equal(["C2", "C3"], samples.Where(s => s.Code == "unique.duplicate").Select(s => s.Key).Order());
        Assert.Equal(["C6", "C7"], samples.Where(s => s.Code == "reference.unresolved").Select(s => s.Key).Order());
        Assert.DoesNotContain(ResidentId(7), report.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_personal_key_is_masked_in_samples_and_no_personal_value_leaves()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("居民联系方式", "Daily", null,
            Catalog.CatalogRequests.IdNumberField(),
            Field("mobile", "手机号码", personalInfo: "Personal", onInvalid: "Warn", validators: Validator("mobile"))));
        var id = ResidentId(5);
        await LoadAsync(steward, slug, $$"""[{"idNumber":"{{id}}","mobile":"99999"},{"idNumber":"{{ResidentId(6)}}","mobile":"13800138000"}]""");

        var report = await RunAsync(steward, slug);

        // 2 mobiles, 1 bad → 50.0; the ID number field itself (cnResidentId) is checked too: 4 values, 1 failing → 75.0
        Assert.Equal((4, 1), Counts(report, "Conformity"));
        Assert.Equal(75.0, Score(report, "Conformity"));
        var sample = Assert.Single(Samples(report));
        Assert.Equal(id[..6] + "********" + id[^4..], sample.Key);
        var text = report.GetRawText();
        Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        Assert.DoesNotContain("99999", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeliness_falls_after_one_and_a_half_periods_and_reaches_zero_at_three()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("每日更新资源", "Daily", null, Field("code", "编号", key: true)));
        await LoadAsync(steward, slug, """[{"code":"A"}]""");

        var fresh = await RunAsync(steward, slug);
        server.Clock.Advance(TimeSpan.FromHours(54)); // 2.25 days: (3 − 2.25) / 1.5 → 50.0
        var late = await RunAsync(steward, slug);
        server.Clock.Advance(TimeSpan.FromHours(18)); // 3 days → 0
        var stale = await RunAsync(steward, slug);

        Assert.Equal([100.0, 50.0, 0.0], new[] { fresh, late, stale }.Select(r => Score(r, "Timeliness")!.Value));
        Assert.Equal(0.0, stale.GetProperty("overall").GetDouble()); // the only measured dimension
        Assert.Equal("VeryPoor", stale.GetProperty("rating").GetString());

        var history = await GetJsonAsync(steward, $"/api/v1/resources/{slug}/quality/history?limit=2");
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0.0, 50.0], items.Select(i => i.GetProperty("timeliness").GetDouble()));
        var rest = await GetJsonAsync(steward, $"/api/v1/resources/{slug}/quality/history?limit=2&cursor={history.GetProperty("nextCursor").GetString()}");
        Assert.Equal(100.0, Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("timeliness").GetDouble());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        var metrics = await server.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("shuqiao_quality_runs_total{trigger=\"Manual\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("shuqiao_quality_run_duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_committed_batch_is_measured_in_the_background_and_the_report_names_the_batch()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("归集后自动评估", "Weekly", 4, Field("code", "编号", key: true)));

        var batch = await LoadAsync(steward, slug, """[{"code":"A"},{"code":"B"},{"code":"C"}]""");

        var report = await WaitForReportAsync(steward, slug, 100);

        Assert.NotNull(report);
        Assert.Equal("Batch", report.Value.GetProperty("trigger").GetString());
        Assert.Equal(batch.GetProperty("id").GetGuid(), report.Value.GetProperty("batchId").GetGuid());
        Assert.Equal(75.0, Score(report.Value, "Completeness")); // 3 of 4 expected records
    }

    [Fact]
    public async Task Other_organizations_see_scores_without_samples_and_cannot_run_while_auditors_see_samples()
    {
        var (org, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("持证人员信息", "Daily", null, HolderFields()));
        await LoadAsync(steward, slug, HolderRecords());
        var (client, _, _) = await server.ApiAsClientAsync(org);
        await RunAsync(client, slug); // the provider's own system may ask for a measurement
        var other = await Catalog.CatalogRequests.StewardAsync(server, "示范市另一局");
        var otherOrg = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市审计局");
        var auditor = await server.ApiAsUserAsync(otherOrg, Roles.Auditor);

        var seen = await GetJsonAsync(other.Api, $"/api/v1/resources/{slug}/quality");
        var audited = await GetJsonAsync(auditor, $"/api/v1/resources/{slug}/quality");
        var run = await other.Api.PostAsync($"/api/v1/resources/{slug}/quality/runs", null);

        Assert.Equal(80.0, Score(seen, "Conformity"));
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("samples").ValueKind);
        Assert.Equal(4, Samples(audited).Count);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Equal("application/problem+json", run.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_resource_or_one_never_measured_answers_404_problem_json()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("尚未评估资源", "Daily", null, Field("code", "编号", key: true)));

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/v1/resources/999999999-000001/quality"),
            (HttpMethod.Get, "/api/v1/resources/999999999-000001/quality/history"),
            (HttpMethod.Post, "/api/v1/resources/999999999-000001/quality/runs"),
            (HttpMethod.Get, "/api/v1/resources/not-a-code/quality"),
            (HttpMethod.Get, $"/api/v1/resources/{slug}/quality"),
        })
        {
            var response = await steward.SendAsync(new HttpRequestMessage(method, path));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var badCursor = await steward.GetAsync($"/api/v1/resources/{slug}/quality/history?cursor=%%%");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task The_ranking_averages_the_latest_overall_scores_of_a_providers_published_resources()
    {
        var (org, steward) = await Catalog.CatalogRequests.StewardAsync(server, "示范市排名测试局");
        var first = await PublishAsync(steward, Resource("排名资源一", "Daily", null, HolderFields()));
        var second = await PublishAsync(steward, Resource("排名资源二", "Daily", 4, Field("code", "编号", key: true)));
        await PublishAsync(steward, Resource("排名资源三", "Irregular", null, Field("code", "编号", key: true))); // published, never loaded: not measured
        await LoadAsync(steward, first, HolderRecords());
        await LoadAsync(steward, second, """[{"code":"A"}]""");
        await RunAsync(steward, first);  // conformity 80, completeness 80 (2 of 10 names missing), timeliness 100 → 86.7
        await RunAsync(steward, second); // completeness 25 (1 of 4), timeliness 100 → 62.5
        var admin = await server.ApiAsUserAsync(org, Roles.PlatformAdmin);

        var ranking = await GetJsonAsync(admin, "/api/v1/quality/ranking");
        var forbidden = await steward.GetAsync("/api/v1/quality/ranking");

        var line = ranking.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("providerId").GetGuid() == org);
        Assert.Equal((3, 2), (line.GetProperty("published").GetInt32(), line.GetProperty("measured").GetInt32()));
        Assert.Equal(74.6, line.GetProperty("meanOverall").GetDouble()); // (86.7 + 62.5) / 2 = 74.6
        Assert.Equal("Fair", line.GetProperty("rating").GetString());
        Assert.True(line.GetProperty("rank").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
