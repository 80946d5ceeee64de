using Shuqiao.Core.Common;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Ledger;

public sealed class LedgerApiTests(LedgerServerFactory server) : IClassFixture<LedgerServerFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task An_admin_change_becomes_a_ledger_entry_with_ids_and_snapshot_hashes_but_no_names()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "账本测试局");
        var login = "ledger-" + Guid.NewGuid().ToString("N")[..8];
        var user = await server.CreateUserAsync(org, login, ServerFactory.TestPassword, Roles.DataSteward);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var audit = await connection.QuerySingleAsync<(Guid Id, string After)>(
            "select id, after::text from admin_audit_events where action = 'user.create' and target_id = @Id", new { Id = user.Id.ToString() });
        var api = await server.ApiAsUserAsync(org, Roles.Auditor);
        await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));

        var response = await api.GetAsync($"/api/v1/ledger/receipts/by-event/{audit.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var receipt = TlogProof.Parse(await response.Content.ReadAsStringAsync());
        var entry = receipt.Extra!.Value.ToArray();
        var text = Encoding.UTF8.GetString(entry);
        Assert.DoesNotContain(login, text, StringComparison.Ordinal);
        Assert.DoesNotContain("账本测试局", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tests", text, StringComparison.Ordinal); // the actor's name (Actor.System("tests"))
        using var json = JsonDocument.Parse(entry);
        var root = json.RootElement;
        Assert.Equal("admin-change", root.GetProperty("type").GetString());
        Assert.Equal(audit.Id.ToString(), root.GetProperty("event").GetString());
        Assert.Equal("user.create", root.GetProperty("action").GetString());
        Assert.Equal(user.Id.ToString(), root.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("before").ValueKind);
        // The hash is of the RFC 8785 form, so it is recomputable from the audit row as PostgreSQL returns it.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Jcs.CanonicalizeJson(audit.After))), root.GetProperty("after").GetString());
        Assert.Equal(entry, Jcs.CanonicalizeJson(text)); // the entry is canonical JSON itself

        var vkey = NoteKeys.Verifier((await LedgerTesting.Anonymous(server).GetStringAsync("/ledger/vkey")).TrimEnd('\n'));
        var check = receipt.Verify(MerkleHash.Leaf(entry), vkey.KeyName, vkey);
        Assert.True(check.IsValid, check.Reason);
    }

    [Fact]
    public async Task Proofs_from_the_api_verify_against_the_signed_checkpoint()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "证明测试局");
        var api = await server.ApiAsUserAsync(org); // a Citizen: the ledger is public, so any API caller may read it
        var anonymous = LedgerTesting.Anonymous(server);
        var appended = await LedgerTesting.AppendAsync(server, 300);
        var (old, _) = await LedgerTesting.WaitForCheckpointAsync(anonymous, appended[0].Index);
        await LedgerTesting.AppendAsync(server, 20);
        var (checkpoint, _) = await LedgerTesting.WaitForCheckpointAsync(anonymous, await LedgerTesting.TreeSizeAsync(server));
        var (index, entry) = appended[123];

        var inclusion = await api.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/proofs/inclusion?index={index}", Json);
        var consistency = await api.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/proofs/consistency?from={old.Size}", Json);
        var stored = await api.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/entries/{index}", Json);

        Assert.Equal(checkpoint.Size, inclusion.GetProperty("treeSize").GetInt64());
        var proof = inclusion.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        Assert.True(MerkleProof.VerifyInclusion(index, checkpoint.Size, MerkleHash.Leaf(entry), proof, checkpoint.RootHash).IsValid);
        var consistencyProof = consistency.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        Assert.True(MerkleProof.VerifyConsistency(old.Size, checkpoint.Size, consistencyProof, old.RootHash, checkpoint.RootHash).IsValid);
        Assert.Equal(Convert.ToBase64String(entry), stored.GetProperty("entryBase64").GetString());
        Assert.Equal("bench", stored.GetProperty("entry").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Missing_entries_and_bad_proof_requests_are_refused_with_reasons()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "错误测试局");
        var api = await server.ApiAsUserAsync(org, Roles.Auditor);
        var size = await LedgerTesting.TreeSizeAsync(server);

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/ledger/entries/{size + 1000}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/ledger/receipts/by-event/{Guid.NewGuid()}")).StatusCode);
        var noIndex = await api.GetAsync("/api/v1/ledger/proofs/inclusion");
        Assert.Equal(HttpStatusCode.BadRequest, noIndex.StatusCode);
        Assert.Contains("index", await noIndex.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync($"/api/v1/ledger/proofs/consistency?from=5&to={size + 1000}")).StatusCode);
    }

    [Fact]
    public async Task The_overview_shows_size_checkpoint_keys_and_only_auditors_and_admins_may_run_the_check()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "概览测试局");
        var auditor = await server.ApiAsUserAsync(org, Roles.Auditor);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        await LedgerTesting.AppendAsync(server, 2);
        await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));

        var overview = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/ledger", Json);
        var verify = await auditor.PostAsync("/api/v1/ledger/verify", null);
        var refused = await steward.PostAsync("/api/v1/ledger/verify", null);

        Assert.True(overview.GetProperty("treeSize").GetInt64() > 0);
        Assert.StartsWith(overview.GetProperty("origin").GetString() + "+", overview.GetProperty("verifierKeys")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(overview.GetProperty("treeSize").GetInt64(), overview.GetProperty("checkpoint").GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var result = await verify.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(result.GetProperty("intact").GetBoolean());
        Assert.Equal("manual", result.GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
