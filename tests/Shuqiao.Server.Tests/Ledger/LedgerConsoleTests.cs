using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Ledger;

public sealed partial class LedgerConsoleTests(LedgerServerFactory server) : IClassFixture<LedgerServerFactory>
{
    [Fact]
    public async Task The_ledger_page_shows_size_checkpoint_keys_and_the_verify_button_returns_the_verdict_for_htmx()
    {
        await LedgerTesting.AppendAsync(server, 10);
        var (checkpoint, _) = await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.Auditor);

        var page = await browser.GetStringAsync("/console/ledger");

        Assert.Contains("可验证账本", page, StringComparison.Ordinal);
        Assert.Contains("id=\"ledger-checkpoint\"", page, StringComparison.Ordinal);
        Assert.Contains(checkpoint.Origin + "\n", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("href=\"/console/ledger\"", page, StringComparison.Ordinal); // the navigation entry

        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var verify = new HttpRequestMessage(HttpMethod.Post, "/console/ledger?handler=Verify")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        verify.Headers.Add("HX-Request", "true");
        var response = await browser.SendAsync(verify);
        var partial = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-intact=\"true\"", partial, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", partial, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_audit_event_links_to_its_ledger_entry_whose_inclusion_proof_verifies()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "链接测试局");
        var user = await server.CreateUserAsync(org, "linked-" + Guid.NewGuid().ToString("N")[..8], ServerFactory.TestPassword, Roles.Approver);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var eventId = await connection.QuerySingleAsync<Guid>("select id from admin_audit_events where action = 'user.create' and target_id = @Id", new { Id = user.Id.ToString() });
        await LedgerTesting.WaitForCheckpointAsync(LedgerTesting.Anonymous(server), await LedgerTesting.TreeSizeAsync(server));
        var browser = await ConsolePages.BrowserAsAsync(server, Roles.PlatformAdmin);

        var audit = await browser.GetStringAsync("/console/audit?action=user.create");
        Assert.Contains($"href=\"/console/ledger/events/{eventId}\"", audit, StringComparison.Ordinal);
        var link = await browser.GetAsync($"/console/ledger/events/{eventId}");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        var entry = await browser.GetStringAsync(link.Headers.Location!.OriginalString);

        Assert.Contains(eventId.ToString(), entry, StringComparison.Ordinal);
        Assert.Contains("text-bg-success\" id=\"ledger-proof-verdict\"", entry, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Login, entry, StringComparison.Ordinal);
        var receipt = await browser.GetAsync(link.Headers.Location!.OriginalString + "?handler=Receipt");
        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        Assert.StartsWith("c2sp.org/tlog-proof@v1\n", await receipt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_without_a_ledger_entry_says_so_and_other_roles_cannot_open_the_ledger_pages()
    {
        var admin = await ConsolePages.BrowserAsAsync(server, Roles.PlatformAdmin);
        var steward = await ConsolePages.BrowserAsAsync(server, Roles.DataSteward);

        var missing = await admin.GetAsync($"/console/ledger/events/{Guid.NewGuid()}");
        var refused = await steward.GetAsync("/console/ledger");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("id=\"ledger-event-missing\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain("href=\"/console/ledger\"", await steward.GetStringAsync("/console"), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
