using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Demo;

/// <summary>A server in demo mode whose credentials file goes to a temporary folder.</summary>
public class DemoServerFactory : ServerFactory
{
    public string CredentialsPath { get; } = Path.Combine(TestTemp.NewDirectory("demo"), "data", "demo-credentials.json");

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Mode"] = "Demo",
        ["Shuqiao:DemoCredentialsPath"] = CredentialsPath,
        ["Shuqiao:PublicBaseUrl"] = "http://127.0.0.1:5080",
        ["Shuqiao:Demo:RecordScale"] = "0.01", // about 3,500 demo records instead of 350,000
    };
}

/// <summary>The same database as another server: a restart.</summary>
public sealed class RestartedDemoServer(DemoServerFactory first) : DemoServerFactory
{
    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(first.ConnectionString);
}

public sealed class DemoDataTests(DemoServerFactory server) : IClassFixture<DemoServerFactory>
{
    [Fact]
    public async Task The_credentials_file_has_the_shape_of_design_section_5_and_is_private()
    {
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(server.CredentialsPath));
        var root = file.RootElement;
        Assert.Equal("http://127.0.0.1:5080", root.GetProperty("baseUrl").GetString());
        Assert.StartsWith("sqp_", root.GetProperty("adminToken").GetString(), StringComparison.Ordinal);
        var users = root.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(DemoCity.Users().Count, users.Count);
        Assert.All(users, u =>
        {
            Assert.False(string.IsNullOrEmpty(u.GetProperty("login").GetString()));
            Assert.True(Roles.IsKnown(u.GetProperty("role").GetString()!));
            Assert.Contains(u.GetProperty("org").GetString(), DemoCity.Organizations().Select(o => o.Name));
        });
        Assert.Equal(Enum.GetNames<Role>().ToHashSet(), users.Select(u => u.GetProperty("role").GetString()!).ToHashSet());
        var clients = root.GetProperty("clients").EnumerateArray().ToList();
        Assert.Equal(8, clients.Count);
        Assert.All(clients, c => Assert.StartsWith("sqk_", c.GetProperty("key").GetString(), StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.CredentialsPath));
    }

    [Fact]
    public async Task The_demo_logins_token_and_client_keys_work()
    {
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(server.CredentialsPath));
        var root = file.RootElement;

        var browser = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await ConsoleLoginTests.PostLoginAsync(browser, "admin", DemoCity.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var admin = server.ClientWith(AuthSchemes.Bearer, root.GetProperty("adminToken").GetString()!);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/me");
        Assert.Equal("admin", me.GetProperty("login").GetString());
        Assert.True(me.GetProperty("isDemo").GetBoolean());

        foreach (var client in root.GetProperty("clients").EnumerateArray())
        {
            var system = server.ClientWith(AuthSchemes.ApiKey, client.GetProperty("key").GetString()!);
            var self = await system.GetFromJsonAsync<JsonElement>("/api/v1/clients/me");
            Assert.Equal(client.GetProperty("name").GetString(), self.GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task Every_demo_organization_has_a_valid_credit_code_in_no_real_region()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var codes = (await connection.QueryAsync<string>("select code from organizations")).ToList();
        Assert.Equal(DemoCity.Organizations().Count, codes.Count);
        Assert.All(codes, code =>
        {
            Assert.True(CreditCode.IsValid(code), code);
            Assert.Equal("990100", code[2..8]);
        });
    }

    [Fact]
    public async Task A_restart_keeps_the_data_set_and_does_not_load_it_twice()
    {
        var before = await File.ReadAllTextAsync(server.CredentialsPath);
        await using (var restarted = new RestartedDemoServer(server))
        {
            await restarted.InitializeAsync();
            Assert.False(File.Exists(restarted.CredentialsPath));
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        Assert.Equal(DemoCity.Organizations().Count, await connection.ExecuteScalarAsync<int>("select count(*) from organizations"));
        Assert.Equal(DemoCity.Users().Count, await connection.ExecuteScalarAsync<int>("select count(*) from users where is_demo"));
        Assert.Equal(before, await File.ReadAllTextAsync(server.CredentialsPath));
    }

    [Fact]
    public void The_demo_city_is_the_same_on_every_run()
    {
        Assert.Equal(DemoCity.Users().Select(u => u.DisplayName), DemoCity.Users().Select(u => u.DisplayName));
        Assert.Equal(DemoCity.Organizations().Select(o => o.Code), DemoCity.Organizations().Select(o => o.Code));
        Assert.Equal(DemoCity.Organizations().Count, DemoCity.Organizations().Select(o => o.Code).Distinct().Count());
    }
}
