using System.Text.RegularExpressions;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Identity;

public sealed partial class ClientCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Client_create_prints_the_key_once_and_list_shows_the_client_under_that_key_id()
    {
        var session = await ApiSession.StartAsync(server);
        var name = "不动产登记系统-" + Guid.NewGuid().ToString("N")[..6];

        var created = await session.Cli.RunAsync("client", "create", "--org-code", session.OrganizationCode, "--name", name, "--ip", "10.1.0.0/16", "--rate", "120");
        var list = await session.Cli.RunAsync("client", "list", "--org-code", session.OrganizationCode);

        Assert.True(created.ExitCode == 0, created.ToString());
        var key = KeyLine().Match(created.Out).Value;
        Assert.True(SecretCredential.TryParse(key, out var credential), created.ToString());
        Assert.Contains("shown this once", created.Error, StringComparison.Ordinal);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(name, list.Out, StringComparison.Ordinal);
        Assert.Contains(credential.Id, list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Secret, list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_rotate_prints_a_new_key_under_the_same_key_id()
    {
        var session = await ApiSession.StartAsync(server);
        var (id, oldKey) = await CreateClientAsync(session);

        var rotated = await session.Cli.RunAsync("client", "rotate", id.ToString(), "--grace-minutes", "30");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newKey = KeyLine().Match(rotated.Out).Value;
        Assert.True(SecretCredential.TryParse(newKey, out var fresh));
        Assert.True(SecretCredential.TryParse(oldKey, out var old));
        Assert.Equal(old.Id, fresh.Id);
        Assert.NotEqual(old.Secret, fresh.Secret);
    }

    [Fact]
    public async Task Client_suspend_leaves_the_client_suspended()
    {
        var session = await ApiSession.StartAsync(server);
        var (id, _) = await CreateClientAsync(session);

        var suspended = await session.Cli.RunAsync("client", "suspend", id.ToString());
        var list = await session.Cli.RunAsync("client", "list", "--org-code", session.OrganizationCode, "--json");

        Assert.True(suspended.ExitCode == 0, suspended.ToString());
        Assert.Contains("status Suspended", suspended.Out, StringComparison.Ordinal);
        Assert.Matches($"\"id\": \"{id}\"[^}}]*\"status\": \"Suspended\"", list.Out);
    }

    [Fact]
    public async Task A_second_client_with_the_same_name_is_refused_with_the_servers_reason_and_exit_code_4()
    {
        var session = await ApiSession.StartAsync(server);
        var name = "公积金系统-" + Guid.NewGuid().ToString("N")[..6];
        await session.Cli.RunAsync("client", "create", "--org-code", session.OrganizationCode, "--name", name);

        var again = await session.Cli.RunAsync("client", "create", "--org-code", session.OrganizationCode, "--name", name);

        Assert.Equal(4, again.ExitCode);
        Assert.Contains("(HTTP 409)", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_create_for_an_unknown_organization_code_exits_1()
    {
        var session = await ApiSession.StartAsync(server);

        var result = await session.Cli.RunAsync("client", "create", "--org-code", TestData.NewCreditCode(), "--name", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no organization has the code", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_the_server_rejects_is_explained()
    {
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };
        cli.Environment["SHUQIAO_URL"] = "http://localhost";

        var result = await cli.RunAsync("client", "list", "--token", SecretCredential.Create("sqp_").ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(HTTP 401)", result.Error, StringComparison.Ordinal);
        Assert.Contains("did not accept the credential", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task API_commands_without_a_credential_say_how_to_get_one()
    {
        var cli = new CliRunner();
        cli.Environment["SHUQIAO_URL"] = "http://localhost";

        var result = await cli.RunAsync("client", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("shuqiao login --server http://localhost", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_and_an_api_key_together_are_refused()
    {
        var result = await new CliRunner().RunAsync("client", "list", "--server", "http://localhost", "--token", "sqp_a.b", "--api-key", "sqk_a.b");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("either --token or --api-key", result.Error, StringComparison.Ordinal);
    }

    private static async Task<(Guid Id, string Key)> CreateClientAsync(ApiSession session)
    {
        var created = await session.Cli.RunAsync("client", "create", "--org-code", session.OrganizationCode, "--name", "社保系统-" + Guid.NewGuid().ToString("N")[..6], "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(created.Out);
        return (json.RootElement.GetProperty("client").GetProperty("id").GetGuid(), json.RootElement.GetProperty("key").GetString()!);
    }

    [GeneratedRegex(@"(?m)^sqk_[a-z2-7]+\.[a-z2-7]+$")]
    private static partial Regex KeyLine();
}
