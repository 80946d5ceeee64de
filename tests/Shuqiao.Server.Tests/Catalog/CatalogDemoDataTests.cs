using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Catalog;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Tests.Demo;
using Shuqiao.Storage.Catalog;

namespace Shuqiao.Server.Tests.Catalog;

/// <summary>The demo catalog of 示范市, loaded in demo mode after the demo city.</summary>
public sealed class CatalogDemoDataTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    private Task<IReadOnlyList<DataResource>> PublishedAsync() =>
        server.WithScopeAsync(sp => sp.GetRequiredService<CatalogService>().PublishedAsync(CancellationToken.None));

    [Fact]
    public async Task Every_demo_resource_is_published_by_its_department()
    {
        var published = await PublishedAsync();
        var departments = DemoCity.Organizations().ToDictionary(o => o.Key, o => o.Name);

        foreach (var (provider, draft) in CatalogDemoData.Resources())
        {
            var resource = Assert.Single(published, r => r.Code.Value == draft.Code);
            Assert.Equal((draft.Name, departments[provider]), (resource.Name, resource.ProviderName));
        }

        Assert.Equal(11, CatalogDemoData.Resources().Count);
    }

    [Fact]
    public async Task The_demo_catalog_has_every_sharing_type_and_the_not_shared_one_names_its_basis()
    {
        var demo = (await PublishedAsync()).Where(r => CatalogDemoData.Resources().Any(d => d.Draft.Code == r.Code.Value)).ToList();

        Assert.Equal(Enum.GetValues<SharingType>().ToHashSet(), demo.Select(r => r.SharingType).ToHashSet());
        Assert.All(demo.Where(r => r.SharingType == SharingType.NotShared), r => Assert.Contains("民法典", r.LegalBasis, StringComparison.Ordinal));
        Assert.Contains(demo, r => r.Fields.Any(f => f.Classification == DataClassification.Core));
        Assert.True(demo.Select(r => r.UpdateFrequency).Distinct().Count() >= 5);
    }

    [Fact]
    public async Task The_enterprise_registry_shows_both_of_its_versions()
    {
        var resource = Assert.Single(await PublishedAsync(), r => r.Code.Value == "102001000/000001");

        var versions = await server.WithScopeAsync(sp => sp.GetRequiredService<CatalogStore>().ListVersionsAsync(resource.Id, CancellationToken.None));

        Assert.Equal("1.1", resource.Version.ToString());
        Assert.Equal(["1.1", "1.0"], versions.Select(v => v.Version.ToString()));
        Assert.Equal(SchemaChangeKind.Additive, versions[0].ChangeKind);
        Assert.Contains(resource.Fields, f => f.Name == "businessScope");
        Assert.DoesNotContain(versions[1].Fields, f => f.Name == "businessScope");
    }

    [Fact]
    public async Task Loading_again_after_a_restart_adds_nothing()
    {
        var before = (await PublishedAsync()).Count;
        await using var restarted = new RestartedDemoServer(server);
        await restarted.InitializeAsync();

        var after = await restarted.WithScopeAsync(sp => sp.GetRequiredService<CatalogService>().PublishedAsync(CancellationToken.None));

        Assert.Equal(before, after.Count);
    }
}
