using Dapper;
using Npgsql;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Ingestion;
using Shuqiao.Server.Tests.Demo;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>The demo records of 示范市 (at scale 0.01), loaded through the ingestion path after the demo catalog.</summary>
public sealed class IngestionDemoDataTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    private static readonly DateOnly AsOf = DemoPopulation.LatestAsOf;

    private const string RecordCounts = """
        select r.code as Code, count(x.key) as Records
        from data_resources r left join records x on x.resource_id = r.id
        where r.code = any(@Codes)
        group by r.code
        """;

    private const string DemoBatches = """
        select r.code as Code, b.status as Status, b.actor_kind as ActorKind, b.organization_id = r.provider_id as ByProvider
        from ingest_batches b join data_resources r on r.id = b.resource_id
        where b.idempotency_key = 'demo-records-v1'
        """;

    // What refused a demo batch, so that a failure says why rather than only that records are missing.
    private const string RefusedDemoBatches = """
        select r.code || ': ' || b.status || ' (' || coalesce((select string_agg(distinct j.field || ' ' || j.code, ', ') from ingest_rejections j where j.batch_id = b.id), '') || ')'
        from ingest_batches b join data_resources r on r.id = b.resource_id
        where b.idempotency_key = 'demo-records-v1' and b.status <> 'Committed'
        """;

    private static string[] Codes => [.. CatalogDemoData.Resources().Select(r => r.Draft.Code!)];

    [Fact]
    public async Task Every_demo_resource_has_records_loaded_by_its_department_in_one_committed_batch()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var counts = (await connection.QueryAsync<(string Code, long Records)>(RecordCounts, new { Codes })).ToDictionary(r => r.Code, r => r.Records);
        var batches = (await connection.QueryAsync<(string Code, string Status, string ActorKind, bool ByProvider)>(DemoBatches)).ToList();
        var refused = (await connection.QueryAsync<string>(RefusedDemoBatches)).ToList();

        Assert.True(refused.Count == 0, "refused: " + string.Join("; ", refused));
        Assert.All(Codes, code => Assert.True(counts.GetValueOrDefault(code) > 0, $"{code} has no records"));
        Assert.Equal(Codes.Order(), batches.Select(b => b.Code).Order());
        Assert.All(batches, b => Assert.Equal(("Committed", "ApiClient", true), (b.Status, b.ActorKind, b.ByProvider)));
        // 人口基本信息 is the largest: the others are drawn from it.
        Assert.Equal(counts.Max(c => c.Value), counts[DemoRecordSets.PopulationCode]);
        Assert.Equal(DemoRecordSets.Size(DemoRecordSets.FullPopulation, 0.01), counts[DemoRecordSets.PopulationCode]);
    }

    [Fact]
    public async Task Loading_again_after_an_interrupted_load_adds_no_batch_and_no_record()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var before = await connection.ExecuteScalarAsync<long>("select count(*) from ingest_batches where idempotency_key = 'demo-records-v1'");
        var records = await connection.ExecuteScalarAsync<long>("select count(*) from records");
        // As if the server had died after the batches but before marking the part loaded.
        await connection.ExecuteAsync("delete from node_settings where key = @Key", new { Key = IngestionDemoData.LoadedKey });

        await using var restarted = new RestartedDemoServer(server);
        await restarted.InitializeAsync();

        Assert.Equal(before, await connection.ExecuteScalarAsync<long>("select count(*) from ingest_batches where idempotency_key = 'demo-records-v1'"));
        Assert.Equal(records, await connection.ExecuteScalarAsync<long>("select count(*) from records"));
        Assert.True(await connection.ExecuteScalarAsync<bool>("select exists (select 1 from node_settings where key = @Key)", new { Key = IngestionDemoData.LoadedKey }));
    }

    [Fact]
    public void Generated_id_numbers_and_credit_codes_pass_their_checks_and_never_repeat()
    {
        var population = DemoPopulation.Generate(5_000, AsOf);

        Assert.All(population.People, p =>
        {
            Assert.True(ResidentId.Check(p.IdNumber, AsOf).IsValid, p.IdNumber);
            Assert.Equal(p.BirthDate, ResidentId.BirthDate(p.IdNumber));
            Assert.Equal(p.Male, (p.IdNumber[16] - '0') % 2 == 1);
            Assert.StartsWith(p.District.IdAddressCode, p.IdNumber, StringComparison.Ordinal);
        });
        Assert.Equal(population.People.Count, population.People.Select(p => p.IdNumber).Distinct().Count());
        var random = DemoRandom.For("test");
        var elsewhere = Enumerable.Range(0, 200).Select(_ => population.Elsewhere(random, new DateOnly(1990, 1, 1), male: true)).ToList();
        Assert.All(elsewhere, id => Assert.True(ResidentId.Check(id, AsOf).IsValid, id));
        Assert.Empty(elsewhere.Intersect(population.People.Select(p => p.IdNumber)));

        var enterprises = Enumerable.Range(0, 3_000).ToList();
        Assert.All(enterprises.Where(i => !DemoRecordSets.HasLegacyCode(i)), i => Assert.True(CreditCode.IsValid(DemoRecordSets.EnterpriseCreditCode(i))));
        Assert.All(enterprises.Where(DemoRecordSets.HasLegacyCode), i => Assert.Equal(CreditCodeError.Checksum, CreditCode.Check(DemoRecordSets.EnterpriseCreditCode(i)).Error));
        Assert.Equal(3_000, enterprises.Select(DemoRecordSets.EnterpriseCreditCode).Distinct().Count());
        Assert.All(Enumerable.Range(0, 500), i => Assert.True(CreditCode.IsValid(DemoRecordSets.MedicalCreditCode(i))));
    }

    [Fact]
    public void Children_have_parents_of_age_and_the_same_surname_as_one_of_them()
    {
        var people = DemoPopulation.Generate(5_000, AsOf).People;
        var children = people.Where(p => p.Mother >= 0).ToList();

        Assert.NotEmpty(children);
        Assert.All(children, c =>
        {
            var mother = people[c.Mother];
            Assert.False(mother.Male);
            Assert.InRange(DemoPopulation.Age(mother.BirthDate, c.BirthDate), 20, 42);
            var surnames = new[] { mother }.Concat(c.Father >= 0 ? [people[c.Father]] : []).Select(p => p.Name[..1]);
            Assert.Contains(c.Name[..1], surnames);
        });
        Assert.All(children.Where(c => c.Father >= 0), c => Assert.True(DemoPopulation.Age(people[c.Father].BirthDate, c.BirthDate) >= 22));
    }

    [Fact]
    public void The_records_are_the_same_on_every_run()
    {
        static string Digest() => string.Join('\n', new DemoRecordSets(DemoPopulation.Generate(800, AsOf), 0.008).All()
            .SelectMany(set => set.Rows.Take(30).Select(row => set.Code + ":" + string.Join(',', row))));

        Assert.Equal(Digest(), Digest());
    }

    [Fact]
    public async Task References_to_people_and_enterprises_mostly_resolve_and_a_few_do_not()
    {
        const string Resolution = """
            select count(*) filter (where exists (select 1 from records t where t.resource_id = target.id and t.key = s.payload ->> @Field)) as Resolved,
                   count(s.payload ->> @Field) as Total
            from records s, data_resources source, data_resources target
            where source.code = @Source and target.code = @Target and s.resource_id = source.id
            """;
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        long resolved = 0, total = 0;
        foreach (var (_, draft) in CatalogDemoData.Resources())
        {
            foreach (var field in draft.Fields!.Where(f => f.References is { Count: > 0 }))
            {
                var reference = field.References![0];
                var (r, t) = await connection.QuerySingleAsync<(long, long)>(Resolution, new { Field = field.Name, Source = draft.Code, Target = reference.Resource });
                Assert.True(t > 0, $"{draft.Name}.{field.Name} has no values");
                Assert.True(r >= t * 0.85, $"{draft.Name}.{field.Name}: only {r} of {t} resolve");
                (resolved, total) = (resolved + r, total + t);
            }
        }

        Assert.InRange(total - resolved, 1, total * 0.06);
    }

    [Fact]
    public async Task Poor_values_of_warn_fields_are_findings_of_the_resources_that_have_them()
    {
        const string Findings = """
            select r.code || '.' || f.field
            from ingest_findings f join ingest_batches b on b.id = f.batch_id join data_resources r on r.id = b.resource_id
            where b.idempotency_key = 'demo-records-v1'
            group by 1
            """;
        await using var connection = new NpgsqlConnection(server.ConnectionString);

        var fields = (await connection.QueryAsync<string>(Findings)).ToHashSet();

        Assert.Contains($"{DemoRecordSets.EnterpriseCode}.creditCode", fields);
        Assert.Contains($"{DemoRecordSets.PopulationCode}.mobile", fields);
    }
}
