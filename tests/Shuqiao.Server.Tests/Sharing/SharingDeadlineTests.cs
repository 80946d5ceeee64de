using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shuqiao.Server.Sharing;
using static Shuqiao.Server.Tests.Sharing.SharingWorld;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>
/// Working-day deadlines, escalation and expiry on a clock the tests move (one class, one clock: its tests run in
/// order of the clock only moving forward), and webhooks delivered to a real local listener.
/// </summary>
public sealed class SharingDeadlineTests(ClockedSharingServer server) : IClassFixture<ClockedSharingServer>
{
    [Fact]
    public async Task An_overdue_request_escalates_to_the_data_authority_which_approves_it()
    {
        var world = await CreateAsync(server);
        var submitted = await world.SubmitAsync(world.Request(server.Clock.GetUtcNow()));
        var id = submitted.GetProperty("id").GetGuid();
        var due = submitted.GetProperty("replyDueAt").GetDateTimeOffset();
        server.Clock.Advance(due - server.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await server.EscalateAsync();
        Assert.Equal("Submitted", (await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/sharing-requests/{id}"))).GetProperty("status").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.EscalateAsync();
        var escalated = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/sharing-requests/{id}"));
        Assert.Equal("Escalated", escalated.GetProperty("status").GetString());
        Assert.True(escalated.GetProperty("replyDueAt").GetDateTimeOffset() > due);
        Assert.Equal("escalate", escalated.GetProperty("history").EnumerateArray().Last().GetProperty("action").GetString());

        // Once escalated the provider can no longer decide; the data authority does.
        await (await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var approved = await OkAsync(await world.AuthorityAdmin.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/approve", new { fields = new[] { "district" } }));
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var grant = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{approved.GetProperty("grantId").GetGuid()}"));
        Assert.True(grant.GetProperty("authorityApproved").GetBoolean());
        var inbox = await OkAsync(await world.AuthorityAdmin.GetAsync("/api/v1/notifications"));
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "sharing.request.escalate" && n.GetProperty("requestId").GetGuid() == id);
    }

    [Fact]
    public async Task A_grant_expires_by_itself_and_renewal_brings_it_back()
    {
        var world = await CreateAsync(server, "Unconditional");
        var now = server.Clock.GetUtcNow();
        var body = world.Request(now);
        body["validTo"] = now.AddDays(3).ToString("O");
        var grantId = (await world.SubmitAsync(body)).GetProperty("grantId").GetGuid();

        server.Clock.Advance(TimeSpan.FromDays(3));
        // The API shows it expired at once, before the job records it.
        Assert.Equal("Expired", (await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/grants/{grantId}"))).GetProperty("status").GetString());
        await server.ExpireAsync();
        Assert.Equal("Expired", await server.ScalarAsync<string>("select status from grants where id = @Id", new { Id = grantId }));

        var renewed = await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/grants/{grantId}/renew", new { validTo = server.Clock.GetUtcNow().AddDays(30) }));
        Assert.Equal("Active", renewed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Every_state_change_notifies_the_console_and_a_signed_webhook_reaches_the_organizations_listener()
    {
        var world = await CreateAsync(server);
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hooks/");
        listener.Start();
        var set = await world.ConsumerSteward.PutAsJsonAsync($"/api/v1/organizations/{world.Consumer}/webhook", new { url = $"http://127.0.0.1:{port}/hooks/sharing" });
        var webhook = await OkAsync(set);
        var secret = webhook.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/organizations/{world.Consumer}/webhook"))).GetProperty("secret").ValueKind);
        Assert.DoesNotContain(secret, await server.ScalarAsync<string>("select secret_protected from organization_webhooks where organization_id = @Org", new { Org = world.Consumer }), StringComparison.Ordinal);

        var id = (await world.SubmitAsync(world.Request(server.Clock.GetUtcNow()))).GetProperty("id").GetGuid();
        await OkAsync(await world.Approver.PostAsJsonAsync($"/api/v1/sharing-requests/{id}/reject", new { reason = "不符合共享条件" }));

        var received = new List<(string Body, string Signature, string Event)>();
        var receiving = Task.Run(async () =>
        {
            while (received.Count < 2)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                received.Add((await reader.ReadToEndAsync(), context.Request.Headers[WebhookSender.SignatureHeader] ?? "", context.Request.Headers[WebhookSender.EventHeader] ?? ""));
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });
        Assert.Equal(2, await server.DeliverWebhooksAsync());
        await receiving.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["sharing.request.submit", "sharing.request.reject"], received.Select(r => r.Event).Order(StringComparer.Ordinal).Reverse().ToArray());
        foreach (var (bodyText, signature, _) in received)
        {
            var parts = signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(parts["t"] + "." + bodyText)));
            Assert.Equal(expected, parts["v1"]);
            var payload = JsonDocument.Parse(bodyText).RootElement;
            Assert.Equal(id, payload.GetProperty("requestId").GetGuid());
            Assert.DoesNotContain("最低生活保障", bodyText, StringComparison.Ordinal); // ids and statuses only, not the request's words
        }

        Assert.Equal(2L, await server.ScalarAsync<long>("select count(*) from webhook_deliveries where organization_id = @Org and status = 'Delivered'", new { Org = world.Consumer }));
        var inbox = await OkAsync(await world.ConsumerSteward.GetAsync("/api/v1/notifications?unread=true"));
        Assert.Equal(["Rejected", "Submitted"], inbox.GetProperty("items").EnumerateArray().Where(n => n.GetProperty("requestId").GetGuid() == id).Select(n => n.GetProperty("status").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await world.ConsumerSteward.PostAsJsonAsync("/api/v1/notifications/read", new { })).StatusCode);
        Assert.Empty((await OkAsync(await world.ConsumerSteward.GetAsync("/api/v1/notifications?unread=true"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_failed_webhook_delivery_is_retried_later_with_backoff()
    {
        var world = await CreateAsync(server);
        var port = FreePort(); // nobody listens there
        await OkAsync(await world.ConsumerSteward.PutAsJsonAsync($"/api/v1/organizations/{world.Consumer}/webhook", new { url = $"http://127.0.0.1:{port}/nobody" }));
        await world.SubmitAsync(world.Request(server.Clock.GetUtcNow()));

        await server.DeliverWebhooksAsync();

        var (status, attempts, next) = await server.QuerySingleAsync<(string, int, DateTime)>(
            "select status, attempts, next_attempt_at from webhook_deliveries where organization_id = @Org", new { Org = world.Consumer });
        Assert.Equal(("Pending", 1), (status, attempts));
        Assert.True(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) >= server.Clock.GetUtcNow().AddSeconds(29));
        Assert.Equal(0, await server.DeliverWebhooksAsync()); // not due yet
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>The documented deadline example, on a clock of its own that nothing else moves.</summary>
public sealed class SharingReplyDeadlineTests(ClockedSharingServer server) : IClassFixture<ClockedSharingServer>
{
    [Fact]
    public async Task A_request_submitted_on_14_September_2026_is_due_at_the_end_of_28_September_counting_the_worked_Sunday_and_skipping_mid_autumn()
    {
        var world = await CreateAsync(server);

        var submitted = await world.SubmitAsync(world.Request(server.Clock.GetUtcNow()));

        // docs/sharing.md: 15–18, Sunday 20 (worked), 21–24, then 中秋 25–27 off, Monday 28 is the tenth working day.
        Assert.Equal(new DateTimeOffset(2026, 9, 29, 0, 0, 0, TimeSpan.FromHours(8)), submitted.GetProperty("replyDueAt").GetDateTimeOffset());
    }
}
