using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Organizations;

/// <summary>
/// The CSV columns here (code,name,level,parentCode) follow the organizations import contract; the file's
/// content matters less than what the CLI does with the server's two answers.
/// </summary>
public sealed class OrgImportCommandTests(ServerFactory server) : IClassFixture<ServerFactory>, IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_gb18030_file_is_sent_as_utf8_and_the_created_count_is_printed()
    {
        var session = await ApiSession.StartAsync(server);
        var (first, second) = (TestData.NewCreditCode(), TestData.NewCreditCode());
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var file = await WriteAsync($"code,name,level,parentCode\n{first},某市公安局,City,\n{second},某市市场监督管理局,City,\n", Encoding.GetEncoding("gb18030"));

        var result = await session.Cli.RunAsync("org", "import", file, "--encoding", "gb18030");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("created 2", result.Out, StringComparison.Ordinal);
        var api = server.ClientWith("Bearer", session.Token);
        var stored = await api.GetFromJsonAsync<JsonElement>($"/api/v1/organizations/by-code/{first}");
        Assert.Equal("某市公安局", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_refused_import_prints_each_row_error_and_exits_1()
    {
        var session = await ApiSession.StartAsync(server);
        var good = TestData.NewCreditCode();
        var bad = good[..17] + (good[17] == '0' ? '1' : '0');
        var file = await WriteAsync($"code,name,level,parentCode\n{bad},某市交通运输局,City,\n", Encoding.UTF8);

        var result = await session.Cli.RunAsync("org", "import", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(HTTP 400)", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"row\s+field\s+reason", result.Error);
        Assert.Contains("nothing was imported", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_not_sent_and_the_error_suggests_gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var file = await WriteAsync("code,name,level,parentCode\n91350100M000100Y43,某市公安局,City,\n", Encoding.GetEncoding("gb18030"));
        var cli = new CliRunner();
        cli.Environment["SHUQIAO_URL"] = "http://127.0.0.1:1";
        cli.Environment["SHUQIAO_TOKEN"] = "sqp_x.y";

        var result = await cli.RunAsync("org", "import", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--encoding gb18030", result.Error, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string csv, Encoding encoding)
    {
        var path = Path.Combine(TestTemp.NewDirectory("orgs"), "orgs.csv");
        _files.Add(path);
        await File.WriteAllBytesAsync(path, encoding.GetBytes(csv));
        return path;
    }
}
