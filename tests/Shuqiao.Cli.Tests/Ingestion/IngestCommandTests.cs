using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Ingestion;

/// <summary><c>shuqiao ingest</c>: a file streamed to the batches endpoint with a progress bar, and the three answers.</summary>
public sealed class IngestCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static int _category;

    private async Task<(ApiSession Session, string Code)> ResourceAsync()
    {
        var session = await ApiSession.StartAsync(server, Roles.DataSteward);
        var category = "101" + (Interlocked.Increment(ref _category) + 900_000 + Environment.ProcessId % 90 * 1000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["name"] = "持证人员信息",
            ["summary"] = "CLI 归集测试。",
            ["category"] = category,
            ["sharingType"] = "Unconditional",
            ["openType"] = "NotOpen",
            ["updateFrequency"] = "Daily",
            ["fields"] = new JsonArray(
                new JsonObject { ["name"] = "code", ["label"] = "编号", ["type"] = "string", ["key"] = true, ["classification"] = "General", ["personalInfo"] = "None" },
                new JsonObject { ["name"] = "name", ["label"] = "姓名", ["type"] = "string", ["required"] = true, ["classification"] = "General", ["personalInfo"] = "Personal" },
                new JsonObject { ["name"] = "age", ["label"] = "年龄", ["type"] = "integer", ["classification"] = "General", ["personalInfo"] = "None" }),
        };
        var response = await server.ClientWith("Bearer", session.Token).PostAsJsonAsync("/api/v1/resources", body);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (session, created.GetProperty("code").GetString()!);
    }

    private static async Task<string> WriteAsync(string text, Encoding encoding)
    {
        var path = Path.Combine(TestTemp.NewDirectory("ingest"), "records.csv");
        await File.WriteAllBytesAsync(path, encoding.GetBytes(text));
        return path;
    }

    [Fact]
    public async Task A_gb18030_file_is_loaded_with_a_progress_bar_and_the_counts_are_printed()
    {
        var (session, code) = await ResourceAsync();
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var file = await WriteAsync("编号,姓名,年龄\nA1,张三,30\nA2,李四,41\n", Encoding.GetEncoding("gb18030"));

        var result = await session.Cli.RunAsync("ingest", code, file, "--encoding", "gb18030");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 rows read, 2 inserted", result.Out, StringComparison.Ordinal);
        Assert.Contains("100%", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_row_refuses_the_file_and_partial_stores_the_rest()
    {
        var (session, code) = await ResourceAsync();
        var file = await WriteAsync("编号,姓名,年龄\nA1,张三,30\nA2,李四,四十一\n", Encoding.UTF8);

        var refused = await session.Cli.RunAsync("ingest", code, file);
        var partial = await session.Cli.RunAsync("ingest", code, file, "--partial");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rows[2].age", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", refused.Error, StringComparison.Ordinal);
        Assert.True(partial.ExitCode == 0, partial.ToString());
        Assert.Contains("1 inserted", partial.Out, StringComparison.Ordinal);
        Assert.Contains("1 rejected", partial.Out, StringComparison.Ordinal);
        Assert.Matches(@"2\s+age\s+.*四十一", partial.Out);
    }
}
