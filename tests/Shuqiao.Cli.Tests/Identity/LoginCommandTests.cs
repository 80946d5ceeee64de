using System.Text.Json;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Identity;

public sealed class LoginCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Login_checks_the_token_with_the_server_and_saves_it_readable_by_its_owner_only()
    {
        var session = await ApiSession.StartAsync(server);
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };

        var result = await cli.RunWithStdinAsync(session.Token + "\n", "login", "--server", "http://localhost/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"as {session.Admin.Login}", result.Out, StringComparison.Ordinal);
        var file = Path.Combine(cli.ConfigDirectory, "credentials.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        Assert.Equal("http://localhost", saved.RootElement.GetProperty("defaultServer").GetString());
        Assert.Equal(session.Token, saved.RootElement.GetProperty("servers").GetProperty("http://localhost").GetProperty("token").GetString());
    }

    [Fact]
    public async Task After_login_API_commands_use_the_saved_server_and_token()
    {
        var session = await ApiSession.StartAsync(server);
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };
        await cli.RunWithStdinAsync(session.Token + "\n", "login", "--server", "http://localhost");

        var list = await cli.RunAsync("client", "list");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("client(s).", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_a_token_the_server_rejects_saves_nothing()
    {
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };

        var result = await cli.RunWithStdinAsync(SecretCredential.Create("sqp_") + "\n", "login", "--server", "http://localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(HTTP 401)", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.ConfigDirectory, "credentials.json")));
    }

    [Fact]
    public async Task Login_refuses_input_that_is_not_a_token()
    {
        var cli = new CliRunner();

        var result = await cli.RunWithStdinAsync("correct horse battery staple\n", "login", "--server", "http://localhost");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a personal access token", result.Error, StringComparison.Ordinal);
    }
}
