using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Credentials;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

/// <summary>A licence type is also a catalog resource of its department, published for verify-only sharing (核验).</summary>
public sealed class LicenceCatalogTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Creating_a_licence_type_publishes_a_verify_only_catalog_resource_of_the_issuing_department()
    {
        var fixture = await LicenceFixture.CreateAsync(server);

        var type = await TypeAsync(fixture.TypeId);
        Assert.NotNull(type.CatalogCode);
        var resource = await ResourceAsync(type.CatalogCode);

        Assert.Equal("营业执照", resource.Name);
        Assert.Equal(ResourceStatus.Published, resource.Status);
        Assert.Equal(fixture.OrganizationId, resource.ProviderId);
        Assert.Equal("105000000", resource.Code.Category.Digits);
        Assert.Equal(SharingType.Conditional, resource.SharingType);
        Assert.Contains("核验", resource.SharingConditions, StringComparison.Ordinal);
        Assert.Contains("一致/不一致", resource.SharingConditions, StringComparison.Ordinal);
        Assert.Contains("电子证照", resource.Summary, StringComparison.Ordinal);
        Assert.Equal(UpdateFrequency.Realtime, resource.UpdateFrequency);
        Assert.Equal(
            ["licenceNumber", "holderName", "holderCode", "issuingAuthority", "issueDate", "validityStart", "validityEnd", "companyName", "legalRepresentative", "registeredCapital", "establishedOn"],
            resource.Fields.Select(f => f.Name));
        var key = Assert.Single(resource.Fields, f => f.Key);
        Assert.Equal("证照编号", key.Label);
        var holderCode = resource.Fields.Single(f => f.Name == "holderCode");
        Assert.Equal(("持证主体代码", DataClassification.Important, PersonalInfoKind.None), (holderCode.Label, holderCode.Classification, holderCode.PersonalInfo));
        Assert.Single(holderCode.Validators.OfType<CreditCodeValidator>());
        Assert.Equal(FieldType.Decimal, resource.Fields.Single(f => f.Name == "registeredCapital").Type);
        Assert.Equal(FieldType.Date, resource.Fields.Single(f => f.Name == "establishedOn").Type);
        Assert.Equal("注册资本（万元）", resource.Fields.Single(f => f.Name == "registeredCapital").Label);
    }

    [Fact]
    public async Task A_citizen_licence_type_marks_the_holder_identity_number_sensitive_and_masked()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局", OrganizationLevel.City);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        var response = await steward.PostAsJsonAsync("/api/v1/licence-types", new
        {
            name = "结婚证",
            holderKind = "Citizen",
            fields = new object[] { new { name = "spouseName", label = "配偶姓名", type = "Text", required = true }, new { name = "spouseId", label = "配偶公民身份号码", type = "ResidentId", required = true } },
            layout = new { orientation = "Portrait", theme = "Red" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var resource = await ResourceAsync(body["catalogCode"]!.GetValue<string>());
        var holderCode = resource.Fields.Single(f => f.Name == "holderCode");
        Assert.Equal((DataClassification.Important, PersonalInfoKind.Sensitive), (holderCode.Classification, holderCode.PersonalInfo));
        Assert.Single(holderCode.Validators.OfType<ResidentIdValidator>());
        Assert.Equal((MaskingKind.KeepFirstLast, 6, 4), (holderCode.Masking.Kind, holderCode.Masking.KeepFirst, holderCode.Masking.KeepLast));
        Assert.Equal(PersonalInfoKind.Sensitive, resource.Fields.Single(f => f.Name == "spouseId").PersonalInfo);
        Assert.Equal(PersonalInfoKind.Personal, resource.Fields.Single(f => f.Name == "spouseName").PersonalInfo);
    }

    [Fact]
    public async Task A_catalog_search_for_the_licence_name_finds_the_licence_type()
    {
        var fixture = await LicenceFixture.CreateAsync(server, "示范市某区市场监督管理局");
        var type = await TypeAsync(fixture.TypeId);

        var found = await server.WithScopeAsync(sp => sp.GetRequiredService<CatalogService>()
            .SearchAsync(new CatalogSearch("营业执照", ProviderId: fixture.OrganizationId), CatalogAccess.System, null, 50, CancellationToken.None));

        Assert.Contains(found.Value!.Items, r => r.Code.Value == type.CatalogCode);
    }

    [Fact]
    public async Task A_licence_type_the_catalog_refuses_is_not_created()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市卫生健康委员会", OrganizationLevel.City);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);

        // The licence rules accept this label; the catalog does not, since the metadata field 颁发机构 already has it.
        var response = await steward.PostAsJsonAsync("/api/v1/licence-types", new
        {
            name = "医师执业证书",
            holderKind = "Citizen",
            fields = new object[] { new { name = "authority", label = "颁发机构", type = "Text", required = true } },
            layout = new { orientation = "Portrait", theme = "Blue" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (types, resources) = await server.WithScopeAsync(async sp => (
            await sp.GetRequiredService<LicenceService>().ListTypesAsync(new LicenceScope(org), null, CancellationToken.None),
            (await sp.GetRequiredService<CatalogService>().SearchAsync(new CatalogSearch(ProviderId: org), CatalogAccess.System, null, 50, CancellationToken.None)).Value!.Items));
        Assert.Empty(types);
        Assert.Empty(resources);
    }

    [Fact]
    public async Task Retiring_a_licence_type_retires_its_catalog_resource()
    {
        var fixture = await LicenceFixture.CreateAsync(server, "示范市另一区市场监督管理局");

        var response = await fixture.Steward.PostAsync($"/api/v1/licence-types/{fixture.TypeId}/retire", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var type = await TypeAsync(fixture.TypeId);
        Assert.Equal(ResourceStatus.Retired, (await ResourceAsync(type.CatalogCode)).Status);
    }

    [Fact]
    public async Task Editing_the_claim_schema_publishes_a_new_catalog_version()
    {
        var fixture = await LicenceFixture.CreateAsync(server, "示范市第三区市场监督管理局");
        var before = await TypeAsync(fixture.TypeId);

        var response = await fixture.Steward.PutAsJsonAsync($"/api/v1/licence-types/{fixture.TypeId}", new
        {
            name = "营业执照",
            holderKind = "Organization",
            fields = before.Fields.Select(f => new { name = f.Name, label = f.Label, type = f.Type.ToString(), required = f.Required })
                .Append(new { name = "businessScope", label = "经营范围", type = "Text", required = false }).ToArray(),
            layout = new { orientation = "Landscape", theme = "Red" },
            version = before.Version,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await TypeAsync(fixture.TypeId);
        Assert.Equal(before.CatalogCode, after.CatalogCode);
        var versions = await server.WithScopeAsync(sp => sp.GetRequiredService<CatalogService>().VersionsAsync(after.CatalogCode!, CatalogAccess.System, CancellationToken.None));
        Assert.Equal("1.1", versions!.Value.Resource.Version.ToString());
        Assert.Contains(versions.Value.Resource.Fields, f => f.Name == "businessScope" && f.Label == "经营范围");
        Assert.Equal(2, versions.Value.Versions.Count);
    }

    [Fact]
    public async Task The_catalog_page_links_to_the_licence_type_and_back()
    {
        var fixture = await LicenceFixture.CreateAsync(server, "示范市第四区市场监督管理局");
        var type = await TypeAsync(fixture.TypeId);
        var slug = type.CatalogCode!.Replace('/', '-');
        await server.CreateUserAsync(fixture.OrganizationId, "lic.cat.steward", "Catalog-Licence-2026!", Roles.DataSteward);
        var browser = await Shuqiao.Server.Tests.Organizations.ConsoleBrowser.SignInAsync(server, "lic.cat.steward", "Catalog-Licence-2026!");

        var catalogPage = await browser.GetStringAsync($"/console/catalog/{slug}");
        var typesPage = await browser.GetStringAsync("/console/licences/types");

        Assert.Contains("电子证照类型", catalogPage, StringComparison.Ordinal);
        Assert.Contains($"/console/licences/types#type-{type.Id}", catalogPage, StringComparison.Ordinal);
        Assert.Contains($"/console/catalog/{slug}", typesPage, StringComparison.Ordinal);
    }

    private Task<LicenceType> TypeAsync(Guid id) =>
        server.WithScopeAsync(async sp => (await sp.GetRequiredService<LicenceService>().FindTypeAsync(id, LicenceScope.All, CancellationToken.None))!);

    private Task<DataResource> ResourceAsync(string? code) =>
        server.WithScopeAsync(async sp => (await sp.GetRequiredService<CatalogService>().GetAsync(code!, CatalogAccess.System, CancellationToken.None))!);
}
