using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Operations;

public sealed class HealthCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Health_says_ready_and_exits_0_when_the_server_is_ready()
    {
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };

        var result = await cli.RunAsync("health", "--server", "http://localhost");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("http://localhost: ready (HTTP 200", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_json_prints_the_servers_report()
    {
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };
        cli.Environment["SHUQIAO_URL"] = "http://localhost/";

        var result = await cli.RunAsync("health", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"status\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_exits_3_and_names_the_server_when_nothing_answers()
    {
        var result = await new CliRunner().RunAsync("health", "--server", "http://127.0.0.1:1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach http://127.0.0.1:1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_without_a_server_says_how_to_name_one()
    {
        var result = await new CliRunner().RunAsync("health");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SHUQIAO_URL", result.Error, StringComparison.Ordinal);
    }
}
