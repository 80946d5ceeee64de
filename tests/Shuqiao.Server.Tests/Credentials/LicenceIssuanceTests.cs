using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

public sealed class LicenceIssuanceTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_type_gets_the_departments_credit_code_plus_a_three_digit_sequence_as_its_code()
    {
        var fixture = await LicenceFixture.CreateAsync(server);

        Assert.True(LicenceTypeCode.IsValid(fixture.TypeCode), fixture.TypeCode);
        Assert.EndsWith("001", fixture.TypeCode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_issued_licence_is_a_vc_2_credential_with_gb_metadata_a_national_identifier_status_entries_and_two_proofs()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var holderCode = LicenceFixture.NewCompanyCode();

        var licence = await fixture.IssueAsync("示范市数桥科技有限公司", holderCode);
        var credential = JsonNode.Parse(await fixture.CredentialAsync(licence))!.AsObject();

        Assert.Equal(CredentialContexts.V2, credential["@context"]![0]!.GetValue<string>());
        Assert.Equal($"urn:uuid:{licence["id"]}", credential["id"]!.GetValue<string>());
        var subject = credential["credentialSubject"]!;
        Assert.Equal("营业执照", subject["licenceName"]!.GetValue<string>());
        Assert.Equal(fixture.TypeCode, subject["licenceTypeCode"]!.GetValue<string>());
        Assert.Equal(holderCode, subject["holderCode"]!.GetValue<string>());
        Assert.Equal("统一社会信用代码", subject["holderCodeType"]!.GetValue<string>());
        Assert.Equal("长期", subject["validityEnd"]!.GetValue<string>());
        Assert.Null(credential["validUntil"]);
        Assert.Equal(LicenceIdentifierError.None, LicenceIdentifier.Validate(subject["licenceIdentifier"]!.GetValue<string>(), out var id));
        Assert.Equal(fixture.TypeCode, id!.TypeCode);
        Assert.Equal(1000, subject["claims"]![2]!["value"]!.GetValue<decimal>());

        var status = credential["credentialStatus"]!.AsArray();
        Assert.Equal(["revocation", "suspension"], status.Select(s => s!["statusPurpose"]!.GetValue<string>()));
        var proofs = credential["proof"]!.AsArray();
        Assert.Equal(["ecdsa-jcs-2019", "shuqiao-sm2-jcs-2025"], proofs.Select(p => p!["cryptosuite"]!.GetValue<string>()));
        Assert.StartsWith(credential["issuer"]!["id"]!.GetValue<string>() + "#", proofs[0]!["verificationMethod"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("did:key:zDn", credential["issuer"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issued_credential_and_its_vc_jwt_both_verify_with_every_check_passed()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();

        var (status, result) = await fixture.VerifyAsync(await fixture.CredentialAsync(licence));
        Assert.True(status == HttpStatusCode.OK, result.ToJsonString());
        Assert.True(result["verified"]!.GetValue<bool>());
        Assert.Equal(["input", "context", "proof", "signature", "nationalSignature", "issuer", "validity", "status"], result["checks"]!.AsArray().Select(c => c!.GetValue<string>()));

        var jwt = await fixture.Steward.GetStringAsync($"/api/v1/licences/{licence["id"]}/jwt");
        var (jwtStatus, jwtResult) = await fixture.VerifyRawAsync(jwt, "application/vc+jwt");
        Assert.True(jwtStatus == HttpStatusCode.OK, jwtResult.ToJsonString());
        Assert.Equal("vc+jwt", jwtResult["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issuing_checks_the_holder_code_and_each_claim_and_names_the_fields()
    {
        var fixture = await LicenceFixture.CreateAsync(server);

        var response = await fixture.Steward.PostAsJsonAsync("/api/v1/licences", new
        {
            typeCode = fixture.TypeCode,
            holderName = "某公司",
            holderCode = "91350100MA2YXK5D01",
            claims = new Dictionary<string, string> { ["establishedOn"] = "2020-13-01", ["unknownField"] = "x", ["registeredCapital"] = "很多" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var errors = problem!["errors"]!.AsObject();
        Assert.Contains("holderCode", errors.Select(e => e.Key));
        Assert.Contains("claims.establishedOn", errors.Select(e => e.Key));
        Assert.Contains("claims.companyName", errors.Select(e => e.Key));
        Assert.Contains("claims.unknownField", errors.Select(e => e.Key));
        Assert.Contains("claims.registeredCapital", errors.Select(e => e.Key));
    }

    [Fact]
    public async Task Another_departments_steward_can_neither_see_nor_issue_nor_revoke_its_licences()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var otherOrg = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局");
        var other = await server.ApiAsUserAsync(otherOrg, Roles.DataSteward);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/licences/{licence["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "试图越权" })).StatusCode);
        var issue = await other.PostAsJsonAsync("/api/v1/licences", new { typeCode = fixture.TypeCode, holderName = "x", holderCode = LicenceFixture.NewCompanyCode(), claims = new Dictionary<string, string>() });
        Assert.Equal(HttpStatusCode.BadRequest, issue.StatusCode);
        Assert.Contains("typeCode", (await issue.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_citizen_or_an_approver_cannot_use_the_licence_api()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var citizen = await server.ApiAsUserAsync(fixture.OrganizationId, Roles.Citizen);
        var approver = await server.ApiAsUserAsync(fixture.OrganizationId, Roles.Approver);

        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.GetAsync("/api/v1/licences")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await approver.GetAsync("/api/v1/licence-types")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsJsonAsync("/credentials/issue", new { credential = new { } })).StatusCode);
    }

    [Fact]
    public async Task The_department_api_client_issues_through_the_vc_api_and_gets_the_credential_or_its_vc_jwt_envelope()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var (client, _, _) = await server.ApiAsClientAsync(fixture.OrganizationId);
        var request = new
        {
            credential = new Dictionary<string, object>
            {
                ["@context"] = new[] { CredentialContexts.V2 },
                ["type"] = new[] { "VerifiableCredential", "ElectronicLicenceCredential" },
                ["credentialSubject"] = new
                {
                    licenceTypeCode = fixture.TypeCode,
                    holderName = "示范市青山茶叶合作社",
                    holderCode = LicenceFixture.NewCompanyCode(),
                    claims = new { companyName = "示范市青山茶叶合作社", legalRepresentative = "李娜", establishedOn = "2019-03-15" },
                },
            },
            options = new { },
        };

        var response = await client.PostAsJsonAsync("/credentials/issue", request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
        var credential = body!["verifiableCredential"]!;
        Assert.Equal("示范市青山茶叶合作社", credential["credentialSubject"]!["holderName"]!.GetValue<string>());
        var (status, _) = await fixture.VerifyAsync(credential.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);

        var jwtResponse = await client.PostAsJsonAsync("/credentials/issue", new { request.credential, options = new { format = "vc+jwt" } });
        var envelope = (await jwtResponse.Content.ReadFromJsonAsync<JsonObject>())!["verifiableCredential"]!;
        Assert.Equal("EnvelopedVerifiableCredential", envelope["type"]!.GetValue<string>());
        Assert.StartsWith("data:application/vc+jwt,ey", envelope["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.VerifyAsync(envelope.ToJsonString())).Status);
    }

    [Fact]
    public async Task Bulk_csv_issuance_is_all_or_nothing_and_reports_every_bad_row()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var good = $"持证主体,持证主体代码,名称,法定代表人,成立日期\n甲公司,{LicenceFixture.NewCompanyCode()},甲公司,张三,2021-01-01\n乙公司,{LicenceFixture.NewCompanyCode()},乙公司,李四,2021-02-02\n";
        var bad = good + "丙公司,91350100MA2YXK5D01,丙公司,王五,2021-02-30\n";

        var refused = await fixture.Steward.PostAsync($"/api/v1/licences/bulk?typeId={fixture.TypeId}", new StringContent(bad, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var rowErrors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["rowErrors"]!.AsArray();
        Assert.All(rowErrors, e => Assert.Equal(4, e!["row"]!.GetValue<int>()));
        Assert.Equal(["holderCode", "claims.establishedOn"], rowErrors.Select(e => e!["field"]!.GetValue<string>()));
        var none = await fixture.Steward.GetFromJsonAsync<JsonObject>($"/api/v1/licences?typeId={fixture.TypeId}");
        Assert.Empty(none!["items"]!.AsArray());

        var accepted = await fixture.Steward.PostAsync($"/api/v1/licences/bulk?typeId={fixture.TypeId}", new StringContent(good, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(2, (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["issued"]!.GetValue<int>());
    }
}
