using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>
/// The tampering drill: someone with superuser rights edits a stored entry or a stored hash straight in PostgreSQL.
/// The verify endpoint names the first bad index, the console shows the ledger as broken to admins and auditors, and
/// the integrity metric drops to 0 (the alert). Each test wrecks its own server's database.
/// </summary>
public sealed class LedgerTamperingDrillTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task An_entry_edited_in_postgresql_is_named_by_verify_shown_in_the_console_and_drops_the_metric()
    {
        await using var server = new LedgerServerFactory();
        await server.InitializeAsync();
        var appended = await LedgerTesting.AppendAsync(server, 600);
        await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "演练局");
        var auditor = await server.ApiAsUserAsync(org, Roles.Auditor);
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Auditor);
        var before = await (await auditor.PostAsync("/api/v1/ledger/verify", null)).Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(before.GetProperty("intact").GetBoolean());
        Assert.DoesNotContain("ledger-broken-banner", await browser.GetStringAsync("/console"), StringComparison.Ordinal);

        var bad = appended[321].Index;
        await LedgerTesting.TamperAsync(server.ConnectionString, $"update ledger_entries set entry = convert_to('{{\"type\":\"bench\",\"rows\":0}}', 'UTF8') where index = {bad}");
        var verify = await auditor.PostAsync("/api/v1/ledger/verify", null);

        var result = await verify.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal("LeafHashMismatch", result.GetProperty("problem").GetString());
        Assert.Equal(bad, result.GetProperty("firstBadIndex").GetInt64());

        var dashboard = await browser.GetStringAsync("/console");
        Assert.Contains("id=\"ledger-broken-banner\"", dashboard, StringComparison.Ordinal);
        Assert.Contains($"第一个异常条目：{bad}", dashboard, StringComparison.Ordinal);
        var ledgerPage = await browser.GetStringAsync("/console/ledger");
        Assert.Contains("data-intact=\"false\"", ledgerPage, StringComparison.Ordinal);
        Assert.Contains($"data-first-bad-index=\"{bad}\"", ledgerPage, StringComparison.Ordinal);
        var entryPage = await browser.GetStringAsync($"/console/ledger/entries/{bad}");
        Assert.Contains("id=\"ledger-leaf-mismatch\"", entryPage, StringComparison.Ordinal);

        var metrics = await LedgerTesting.Anonymous(server).GetStringAsync("/metrics");
        Assert.Contains("shuqiao_ledger_integrity_ok 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_leaf_hash_edited_in_postgresql_is_named_by_verify()
    {
        await using var server = new LedgerServerFactory();
        await server.InitializeAsync();
        var appended = await LedgerTesting.AppendAsync(server, 300);
        await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "演练局");
        var admin = await server.ApiAsUserAsync(org, Roles.PlatformAdmin);

        var bad = appended[77].Index;
        await LedgerTesting.TamperAsync(server.ConnectionString, $"update ledger_entries set leaf_hash = sha256('forged'::bytea) where index = {bad}");
        var verify = await admin.PostAsync("/api/v1/ledger/verify", null);

        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var result = await verify.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(bad, result.GetProperty("firstBadIndex").GetInt64());
        // A data steward signed in to the console is not shown the banner: it is for admins and auditors.
        var steward = await ConsolePages.BrowserAsAsync(server, Roles.DataSteward);
        Assert.DoesNotContain("ledger-broken-banner", await steward.GetStringAsync("/console"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheduled_checks_read_only_new_entries_after_an_intact_check_and_the_whole_tree_again_after_a_broken_one()
    {
        await using var server = new LedgerServerFactory();
        await server.InitializeAsync();
        var integrity = server.Services.GetRequiredService<Shuqiao.Server.Ledger.LedgerIntegrityService>();
        await LedgerTesting.AppendAsync(server, 300);

        var manual = (await integrity.CheckAsync(Shuqiao.Storage.Ledger.LedgerCheckTrigger.Manual, null, default)).Report;
        var added = await LedgerTesting.AppendAsync(server, 200);
        var scheduled = (await integrity.CheckAsync(Shuqiao.Storage.Ledger.LedgerCheckTrigger.Scheduled, null, default)).Report;
        var more = await LedgerTesting.AppendAsync(server, 50);
        await LedgerTesting.TamperAsync(server.ConnectionString, $"update ledger_entries set entry = convert_to('{{\"type\":\"bench\",\"rows\":0}}', 'UTF8') where index = {more[10].Index}");
        var found = (await integrity.CheckAsync(Shuqiao.Storage.Ledger.LedgerCheckTrigger.Scheduled, null, default)).Report;
        var afterBroken = (await integrity.CheckAsync(Shuqiao.Storage.Ledger.LedgerCheckTrigger.Scheduled, null, default)).Report;

        Assert.True(manual.IsIntact, manual.Detail);
        Assert.Equal(0, manual.FromSize); // an operator's check is a whole one
        Assert.True(scheduled.IsIntact, scheduled.Detail);
        Assert.Equal(manual.TreeSize, scheduled.FromSize);
        Assert.True(scheduled.TreeSize > added[^1].Index);
        Assert.True(scheduled.CheckedEntries < scheduled.TreeSize);
        Assert.Equal(Shuqiao.Storage.Ledger.LedgerProblem.LeafHashMismatch, found.Problem);
        Assert.Equal(scheduled.TreeSize, found.FromSize);
        Assert.Equal(more[10].Index, found.FirstBadIndex);
        Assert.Equal(0, afterBroken.FromSize); // after a problem, the whole tree again
        Assert.Equal(more[10].Index, afterBroken.FirstBadIndex);
    }
}
