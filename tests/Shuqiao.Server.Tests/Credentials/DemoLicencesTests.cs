using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Credentials;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Tests.Demo;
using Shuqiao.Server.Tests.Organizations;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Tests.Credentials;

public sealed class DemoLicencesTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    [Fact]
    public async Task The_demo_has_the_four_licence_types_of_their_departments_and_one_revoked_licence()
    {
        var (types, licences) = await server.WithScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<LicenceService>();
            return (await service.ListTypesAsync(LicenceScope.All, null, CancellationToken.None),
                    await service.ListAsync(new LicenceQuery(null, Limit: 100), CancellationToken.None));
        });

        var byName = types.ToDictionary(t => t.Type.Name, t => t.OrganizationName);
        Assert.Equal(DemoCity.Organizations().Single(o => o.Key == "market").Name, byName["营业执照"]);
        Assert.Equal(DemoCity.Organizations().Single(o => o.Key == "civil").Name, byName["结婚证"]);
        Assert.Equal(DemoCity.Organizations().Single(o => o.Key == "health").Name, byName["出生医学证明"]);
        Assert.Equal(DemoCity.Organizations().Single(o => o.Key == "housing").Name, byName["不动产权证书"]);
        Assert.Equal(6, licences.Count);
        var revoked = Assert.Single(licences, l => l.Status == LicenceStatus.Revoked);
        // Fictional regions only: an ID number's address code is one of the demo districts' (3599xx, DemoRegion), a
        // credit code's region (positions 3–8) is in 示范市 (9901xx).
        Assert.All(licences, l => Assert.Equal(l.HolderKind == HolderKind.Citizen ? "3599" : "9901", l.HolderKind == HolderKind.Citizen ? l.HolderCode[..4] : l.HolderCode[2..6]));

        var anonymous = server.CreateClient();
        var valid = licences.First(l => l.Status == LicenceStatus.Active);
        var ok = await anonymous.PostAsync("/credentials/verify", new StringContent(valid.CredentialJson, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var refused = await anonymous.PostAsync("/credentials/verify", new StringContent(revoked.CredentialJson, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal("status.revoked", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["failureCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_demo_licence_types_are_published_in_the_catalog_by_their_departments()
    {
        var entries = await server.WithScopeAsync(async sp =>
        {
            var catalog = sp.GetRequiredService<Shuqiao.Server.Catalog.CatalogService>();
            var types = await sp.GetRequiredService<LicenceService>().ListTypesAsync(LicenceScope.All, null, CancellationToken.None);
            var found = new List<(LicenceTypeListing Type, Shuqiao.Core.Catalog.DataResource? Resource)>();
            foreach (var t in types)
            {
                found.Add((t, t.Type.CatalogCode is { } code ? await catalog.GetAsync(code, Shuqiao.Server.Catalog.CatalogAccess.System, CancellationToken.None) : null));
            }

            return found;
        });

        Assert.Equal(["不动产权证书", "出生医学证明", "结婚证", "营业执照"], entries.Select(e => e.Type.Type.Name).Order(StringComparer.Ordinal));
        Assert.All(entries, e =>
        {
            Assert.NotNull(e.Resource);
            Assert.Equal((e.Type.Type.Name, e.Type.Type.OrganizationId, Shuqiao.Core.Catalog.ResourceStatus.Published), (e.Resource.Name, e.Resource.ProviderId, e.Resource.Status));
        });
    }

    [Fact]
    public async Task The_demo_citizen_sees_their_licences_in_the_portal()
    {
        var browser = await ConsoleBrowser.SignInAsync(server, "citizen", DemoCity.DemoPassword);

        var portal = await browser.GetStringAsync("/portal");

        Assert.Contains("结婚证", portal, StringComparison.Ordinal);
        Assert.Contains("不动产权证书", portal, StringComparison.Ordinal);
        Assert.DoesNotContain("营业执照", portal, StringComparison.Ordinal);
    }
}
