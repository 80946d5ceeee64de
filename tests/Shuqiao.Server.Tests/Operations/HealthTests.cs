using System.Net;
using System.Text.Json;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Operations;

public sealed class HealthTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Liveness_answers_200_without_credentials_and_checks_no_dependency()
    {
        var response = await server.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task Readiness_answers_200_with_each_check_its_status_and_duration()
    {
        var response = await server.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["migrations", "postgresql", "shutdown"], checks.Keys.Order());
        Assert.All(checks.Values, c =>
        {
            Assert.Equal("Healthy", c.GetProperty("status").GetString());
            Assert.True(c.GetProperty("durationMs").GetDouble() >= 0);
        });
        var newest = Shuqiao.Storage.Database.Migration.LoadEmbedded()[^1].Version;
        Assert.Contains($"{newest:D4}", checks["migrations"].GetProperty("description").GetString(), StringComparison.Ordinal);

        // Nothing of the connection string: no socket folder, database or user name.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        Assert.DoesNotContain(database.Host!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(database.Database!, text, StringComparison.Ordinal);
    }
}
