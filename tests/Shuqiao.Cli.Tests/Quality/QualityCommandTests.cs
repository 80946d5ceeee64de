using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Quality;

/// <summary><c>shuqiao quality run</c> and <c>show</c>: the report's scores as a table, failing samples by key only.</summary>
public sealed class QualityCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static int _category;

    /// <summary>A resource of the session's organization with 4 records, one with a mobile that fails its (Warn) validator.</summary>
    private async Task<(ApiSession Session, string Code)> ResourceAsync()
    {
        var session = await ApiSession.StartAsync(server, Roles.DataSteward);
        var api = server.ClientWith("Bearer", session.Token);
        var category = "101" + (Interlocked.Increment(ref _category) + 800_000 + Environment.ProcessId % 90 * 1000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["name"] = "联系人信息",
            ["summary"] = "CLI 质量测试。",
            ["category"] = category,
            ["sharingType"] = "Unconditional",
            ["openType"] = "NotOpen",
            ["updateFrequency"] = "Irregular",
            ["fields"] = new JsonArray(
                new JsonObject { ["name"] = "code", ["label"] = "编号", ["type"] = "string", ["key"] = true, ["required"] = true, ["classification"] = "General", ["personalInfo"] = "None" },
                new JsonObject
                {
                    ["name"] = "mobile", ["label"] = "手机号码", ["type"] = "string", ["classification"] = "General", ["personalInfo"] = "Personal", ["onInvalid"] = "Warn",
                    ["validators"] = new JsonArray(new JsonObject { ["kind"] = "mobile" }),
                }),
        };
        var created = await (await api.PostAsJsonAsync("/api/v1/resources", body)).Content.ReadFromJsonAsync<JsonElement>();
        var code = created.GetProperty("code").GetString()!;
        using var records = new StringContent("""[{"code":"K1","mobile":"13800138000"},{"code":"K2","mobile":"0000"},{"code":"K3","mobile":"13900139000"},{"code":"K4","mobile":"13700137000"}]""", Encoding.UTF8, "application/json");
        (await api.PostAsync($"/api/v1/resources/{created.GetProperty("slug").GetString()}/batches", records)).EnsureSuccessStatusCode();
        return (session, code);
    }

    [Fact]
    public async Task Run_measures_now_and_show_prints_the_scores_rating_and_failing_keys()
    {
        var (session, code) = await ResourceAsync();

        var run = await session.Cli.RunAsync("quality", "run", code);
        var show = await session.Cli.RunAsync("quality", "show", code);

        Assert.True(run.ExitCode == 0, run.ToString());
        // 4 mobiles checked, 1 fails → 75.0; the only measured dimension (不定期: no timeliness), so overall 75.0 中
        Assert.Contains("overall 75.0 中", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"规范性 Conformity\s+75\.0\s+Fair\s+4\s+1", run.Out);
        Assert.Matches(@"Conformity\s+mobile\s+value\.mobile\s+K2", run.Out);
        Assert.DoesNotMatch(@"\b0000\b", run.Out); // the bad mobile itself never appears
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("overall 75.0 中", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_an_unknown_resource_fails_with_the_servers_reason()
    {
        var session = await ApiSession.StartAsync(server, Roles.DataSteward);

        var result = await session.Cli.RunAsync("quality", "show", "999999999/000001");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Error, StringComparison.OrdinalIgnoreCase);
    }
}
