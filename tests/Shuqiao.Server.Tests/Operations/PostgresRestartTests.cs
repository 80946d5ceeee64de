using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Operations;

/// <summary>
/// Restarts a DEDICATED PostgreSQL cluster under a running server (the shared cluster is left alone): the node must
/// report unready while the database is down and recover by itself, without an application restart.
/// </summary>
public sealed class PostgresRestartTests
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task The_node_is_unready_while_PostgreSQL_is_down_and_serves_again_after_it_restarts()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        var factory = new DedicatedServerFactory(connectionString);
        NpgsqlDataSource dataSource;
        try
        {
            await factory.InitializeAsync();
            dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();
            var probe = factory.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);

            // A signed-in auditor whose page reads need the database; several reads leave idle connections in the pool.
            var org = await TestData.InsertOrganizationAsync(connectionString, "重启测试局");
            var auditor = await factory.CreateUserAsync(org, "r" + Guid.NewGuid().ToString("N")[..10], Password, Roles.Auditor);
            var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, auditor.Login, Password)).StatusCode);
            var auditPage = $"/console/audit?targetId={auditor.Id}";
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => browser.GetAsync(auditPage)));

            await cluster.StopServerAsync();
            var down = await WaitForAsync(probe, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            Assert.Contains("\"Unhealthy\"", down, StringComparison.Ordinal);
            Assert.DoesNotContain(cluster.Root, down, StringComparison.Ordinal);

            await cluster.StartServerAsync();
            await WaitForAsync(probe, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
            var page = await browser.GetAsync(auditPage);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(auditor.Login, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // A restart that no probe sees: at most the first read meets a dead pooled connection, and it answers
            // 503 (not 500) and clears the pool, so the next read works.
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => browser.GetAsync(auditPage)));
            await cluster.StopServerAsync();
            await cluster.StartServerAsync();
            var first = await browser.GetAsync(auditPage);
            Assert.Contains(first.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
            if (first.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(first.Headers.RetryAfter is not null, "a 503 after a lost connection says when to retry");
            }

            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(auditPage)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            await factory.DisposeAsync();
        }

        // Graceful shutdown disposed the node's data source (and closed its pooled connections).
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await dataSource.OpenConnectionAsync());
    }

    private static async Task<string> WaitForAsync(HttpClient client, HttpStatusCode expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/health/ready did not answer {(int)expected} within {within.TotalSeconds} s; last {(int)response.StatusCode}: {body}");
            await Task.Delay(250);
        }
    }

    /// <summary>The real server, pointed at the dedicated cluster's database instead of the shared one.</summary>
    private sealed class DedicatedServerFactory(string connectionString) : ServerFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Shuqiao:Database:ConnectionString", connectionString);
        }
    }
}
