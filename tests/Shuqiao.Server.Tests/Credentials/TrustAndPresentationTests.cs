using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

public sealed class TrustAndPresentationTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_issuer_of_another_node_is_trusted_once_the_data_authority_puts_it_on_the_trust_list()
    {
        using var otherNode = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = Multikey.FromP256(otherNode);
        var credential = new JsonObject
        {
            ["@context"] = new JsonArray(CredentialContexts.V2),
            ["type"] = new JsonArray("VerifiableCredential", "ElectronicLicenceCredential"),
            ["issuer"] = new JsonObject { ["id"] = key.DidKey, ["name"] = "某省某市市场监督管理局" },
            ["validFrom"] = "2024-01-01T00:00:00Z",
            ["credentialSubject"] = new JsonObject { ["licenceName"] = "营业执照", ["holderName"] = "外省某公司" },
        };
        var signed = DataIntegrity.AddProof(credential, new ProofOptions(key.VerificationMethod, DateTimeOffset.UtcNow), EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(otherNode, h));
        var anonymous = server.CreateClient();
        async Task<string?> VerifyAsync() =>
            (await (await anonymous.PostAsync("/credentials/verify", new StringContent(signed.ToJsonString(), System.Text.Encoding.UTF8, "application/json")))
                .Content.ReadFromJsonAsync<JsonObject>())!["failureCode"]?.GetValue<string>();
        Assert.Equal("issuer.untrusted", await VerifyAsync());

        var department = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市商务局");
        var notAuthority = await server.ApiAsUserAsync(department, Roles.PlatformAdmin);
        var refused = await notAuthority.PostAsJsonAsync("/api/v1/trust-list", new { did = key.DidKey, name = "某省某市市场监督管理局" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var bureau = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市数据局", OrganizationLevel.City, dataAuthority: true);
        var authority = await server.ApiAsUserAsync(bureau, Roles.PlatformAdmin);
        var added = await authority.PostAsJsonAsync("/api/v1/trust-list", new { did = key.DidKey, name = "某省某市市场监督管理局", node = "某省数据局节点", statusOrigin = "https://data.example.gov.cn/x" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var entry = (await added.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("https://data.example.gov.cn", entry["statusOrigin"]!.GetValue<string>());
        Assert.Null(await VerifyAsync());

        var published = await anonymous.GetFromJsonAsync<JsonObject>("/credentials/trust-list");
        Assert.Contains(published!["issuers"]!.AsArray(), i => i!["did"]!.GetValue<string>() == key.DidKey && i["source"]!.GetValue<string>() == "trustList");

        var id = entry["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await authority.DeleteAsync($"/api/v1/trust-list/{id}")).StatusCode);
        Assert.Equal("issuer.untrusted", await VerifyAsync());
    }

    [Fact]
    public async Task A_presentation_signed_by_the_holder_with_the_asked_challenge_verifies_with_each_credential()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var credential = JsonNode.Parse(await fixture.CredentialAsync(await fixture.IssueAsync()))!;
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var holderKey = Multikey.FromP256(holder);
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray(CredentialContexts.V2),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = holderKey.DidKey,
            ["verifiableCredential"] = new JsonArray(credential),
        };
        var signed = DataIntegrity.AddProof(presentation, new ProofOptions(holderKey.VerificationMethod, DateTimeOffset.UtcNow, "authentication", Challenge: "c-123", Domain: "bank.example"),
            EcdsaJcs2019.Instance, h => EcdsaJcs2019.Sign(holder, h));

        var ok = await fixture.Anonymous.PostAsJsonAsync("/presentations/verify", new { verifiablePresentation = signed, options = new { challenge = "c-123", domain = "bank.example" } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var replayed = await fixture.Anonymous.PostAsJsonAsync("/presentations/verify", new { verifiablePresentation = signed, options = new { challenge = "c-999" } });
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal("presentation.challenge", (await replayed.Content.ReadFromJsonAsync<JsonObject>())!["presentation"]!["code"]!.GetValue<string>());

        signed["verifiableCredential"]![0]!["credentialSubject"]!["holderName"] = "冒名";
        var tampered = await fixture.Anonymous.PostAsJsonAsync("/presentations/verify", new { verifiablePresentation = signed, options = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
    }
}
