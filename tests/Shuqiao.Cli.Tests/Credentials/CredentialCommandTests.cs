using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Credentials;

public sealed class CredentialCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("shuqiao-cred-").FullName;

    [Fact]
    public async Task A_credential_signed_locally_verifies_with_its_issuer_trusted_and_fails_once_a_claim_changes()
    {
        var cli = new CliRunner();
        var keys = await cli.RunAsync("credential", "keygen", "--sm2");
        Assert.Equal(0, keys.ExitCode);
        var keyFile = Write("key.json", keys.Out);
        var did = "did:key:" + JsonNode.Parse(keys.Out)!["publicKeyMultibase"]!.GetValue<string>();
        var unsigned = Write("unsigned.json", """
            {"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"validFrom":"2024-01-01T00:00:00Z",
             "credentialSubject":{"holderName":"王伟","holderCode":"990101199003070015"}}
            """);

        var signed = await cli.RunAsync("credential", "sign", unsigned, "--key", keyFile);
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var signedFile = Write("signed.json", signed.Out);
        var verified = await cli.RunAsync("credential", "verify", signedFile, "--trust", did);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("VERIFIED", verified.Out, StringComparison.Ordinal);

        var tampered = JsonNode.Parse(signed.Out)!;
        tampered["credentialSubject"]!["holderName"] = "李四";
        var rejected = await cli.RunAsync("credential", "verify", Write("tampered.json", tampered.ToJsonString()), "--trust", did);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("signature.invalid", rejected.Out, StringComparison.Ordinal);

        var jwt = await cli.RunAsync("credential", "sign", unsigned, "--key", keyFile, "--format", "jwt");
        var jwtVerified = await cli.RunAsync("credential", "verify", Write("c.jwt", jwt.Out.Trim()), "--trust", did, "--json");
        Assert.True(jwtVerified.ExitCode == 0, jwtVerified.ToString());
        Assert.Equal("vc+jwt", JsonNode.Parse(jwtVerified.Out)!["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_trust_source_the_issuer_is_reported_as_not_checked_and_the_credential_is_not_verified()
    {
        var cli = new CliRunner();
        var keyFile = Write("key2.json", (await cli.RunAsync("credential", "keygen")).Out);
        var unsigned = Write("u2.json", """{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"a":1}}""");
        var signedFile = Write("s2.json", (await cli.RunAsync("credential", "sign", unsigned, "--key", keyFile)).Out);

        var result = await cli.RunAsync("credential", "verify", signedFile);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("skip issuer", result.Out, StringComparison.Ordinal);
        Assert.Contains("no --trust-list", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_issued_licence_verifies_offline_with_the_nodes_trust_list_and_fails_with_revoked_after_revocation()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局", OrganizationLevel.City);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var type = await (await steward.PostAsJsonAsync("/api/v1/licence-types", new
        {
            name = "结婚证",
            holderKind = "Citizen",
            fields = new object[] { new { name = "spouseName", label = "配偶姓名", type = "Text", required = true }, new { name = "registeredOn", label = "登记日期", type = "Date", required = true } },
            layout = new { theme = "Red" },
        })).Content.ReadFromJsonAsync<JsonObject>();
        var licence = await (await steward.PostAsJsonAsync("/api/v1/licences", new
        {
            typeCode = type!["code"]!.GetValue<string>(),
            holderName = "张三",
            holderCode = "990101199003070015",
            claims = new Dictionary<string, string> { ["spouseName"] = "李四", ["registeredOn"] = "2024-05-20" },
        })).Content.ReadFromJsonAsync<JsonObject>();
        var credentialFile = Write("licence.json", await steward.GetStringAsync($"/api/v1/licences/{licence!["id"]}/credential"));
        var trustListFile = Write("trust.json", await server.CreateClient().GetStringAsync("/credentials/trust-list"));
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };

        var verified = await cli.RunAsync("credential", "verify", credentialFile, "--trust-list", trustListFile);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("ok   nationalSignature", verified.Out, StringComparison.Ordinal);

        await steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "婚姻登记撤销" });
        var revoked = await cli.RunAsync("credential", "verify", credentialFile, "--trust-list", trustListFile);
        Assert.Equal(1, revoked.ExitCode);
        Assert.Contains("NOT VERIFIED (status.revoked)", revoked.Out, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
