using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

/// <summary>Revocation and suspension end to end: the status list a verifier fetches changes at once.</summary>
public sealed class RevocationTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_revoked_licence_fails_verification_with_revoked_and_its_bit_is_set_in_the_served_list()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var credentialJson = await fixture.CredentialAsync(licence);
        Assert.Equal(HttpStatusCode.OK, (await fixture.VerifyAsync(credentialJson)).Status);

        var revoke = await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "以欺骗手段取得登记" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("Revoked", (await revoke.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var (status, result) = await fixture.VerifyAsync(credentialJson);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(VerificationCodes.StatusRevoked, LicenceFixture.FailureCode(result));

        var entry = JsonNode.Parse(credentialJson)!["credentialStatus"]![0]!;
        var listResponse = await fixture.Anonymous.GetAsync(new Uri(entry["statusListCredential"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, listResponse.StatusCode);
        Assert.Equal("no-cache", listResponse.Headers.CacheControl?.ToString());
        Assert.Equal("application/vc+ld+json", listResponse.Content.Headers.ContentType?.MediaType);
        var list = JsonNode.Parse(await listResponse.Content.ReadAsStringAsync())!;
        Assert.Equal(JsonNode.Parse(credentialJson)!["issuer"]!["id"]!.GetValue<string>(), list["issuer"]!.GetValue<string>());
        Assert.Equal("revocation", list["credentialSubject"]!["statusPurpose"]!.GetValue<string>());
        Assert.True(BitstringStatusList.TryDecode(list["credentialSubject"]!["encodedList"]!.GetValue<string>(), out var bits));
        Assert.True(bits[int.Parse(entry["statusListIndex"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task A_suspended_licence_fails_with_suspended_and_verifies_again_once_reinstated()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var credentialJson = await fixture.CredentialAsync(licence);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/suspend", new { reason = "经营异常名录核查中" })).StatusCode);
        Assert.Equal(VerificationCodes.StatusSuspended, LicenceFixture.FailureCode((await fixture.VerifyAsync(credentialJson)).Result));

        Assert.Equal(HttpStatusCode.OK, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/reinstate", new { reason = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.VerifyAsync(credentialJson)).Status);
    }

    [Fact]
    public async Task A_revocation_needs_a_reason_and_is_final()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "吊销" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/reinstate", new { reason = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/suspend", new { reason = "暂扣" })).StatusCode);
    }

    [Fact]
    public async Task Status_lists_hold_at_least_131072_entries_and_an_unknown_list_is_404()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var entry = JsonNode.Parse(await fixture.CredentialAsync(licence))!["credentialStatus"]![1]!;
        var list = JsonNode.Parse(await fixture.Anonymous.GetStringAsync(new Uri(entry["statusListCredential"]!.GetValue<string>()).PathAndQuery))!;

        Assert.True(BitstringStatusList.TryDecode(list["credentialSubject"]!["encodedList"]!.GetValue<string>(), out var bits));
        Assert.True(bits.Length >= BitstringStatusList.MinimumBits);
        Assert.Equal("suspension", list["credentialSubject"]!["statusPurpose"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.GetAsync($"/credentials/status/{Guid.CreateVersion7()}")).StatusCode);
    }

    [Fact]
    public async Task Every_verification_of_a_licence_is_recorded_with_its_result()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var credentialJson = await fixture.CredentialAsync(licence);
        await fixture.VerifyAsync(credentialJson);
        await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "吊销" });
        await fixture.VerifyAsync(credentialJson);

        var records = (await fixture.Steward.GetFromJsonAsync<JsonArray>($"/api/v1/licences/{licence["id"]}/verifications"))!;

        Assert.Equal(2, records.Count);
        Assert.Equal("status.revoked", records[0]!["failureCode"]!.GetValue<string>());
        Assert.True(records[1]!["verified"]!.GetValue<bool>());
        Assert.All(records, r => Assert.Equal("Anonymous", r!["verifierKind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Every_verification_is_also_a_ledger_entry_without_the_verifiers_name()
    {
        var fixture = await LicenceFixture.CreateAsync(server);
        var licence = await fixture.IssueAsync();
        var credentialJson = await fixture.CredentialAsync(licence);
        await fixture.VerifyAsync(credentialJson);
        await fixture.Steward.PostAsJsonAsync($"/api/v1/licences/{licence["id"]}/revoke", new { reason = "吊销" });
        await fixture.VerifyAsync(credentialJson);

        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        var verificationIds = (await Dapper.SqlMapper.QueryAsync<Guid>(connection,
            "select id from licence_verifications where licence_id = @Id order by time", new { Id = Guid.Parse(licence["id"]!.GetValue<string>()) })).ToList();
        Assert.Equal(2, verificationIds.Count);
        foreach (var id in verificationIds)
        {
            var bytes = await Dapper.SqlMapper.QuerySingleAsync<byte[]>(connection, "select entry from ledger_entries where event_id = @id", new { id });
            var entry = JsonNode.Parse(bytes)!;
            Assert.Equal(Shuqiao.Core.Ledger.LedgerEntryFormat.LicenceVerificationType, entry["type"]!.GetValue<string>());
            Assert.Equal(licence["id"]!.GetValue<string>(), entry["licence"]!.GetValue<string>());
            Assert.Equal(bytes, Shuqiao.Core.Common.Jcs.CanonicalizeJson(System.Text.Encoding.UTF8.GetString(bytes))); // canonical JSON
            Assert.Null(entry["verifier"]);
        }

        var last = JsonNode.Parse(await Dapper.SqlMapper.QuerySingleAsync<byte[]>(connection, "select entry from ledger_entries where event_id = @id", new { id = verificationIds[1] }))!;
        Assert.False(last["verified"]!.GetValue<bool>());
        Assert.Equal("status.revoked", last["failure"]!.GetValue<string>());
    }
}
