using System.Net.Http.Json;
using System.Text.Json;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Sharing;

/// <summary><c>shuqiao sharing list|approve|reject</c> and <c>shuqiao grants list|revoke</c> against the real server.</summary>
public sealed class SharingCommandTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_approver_lists_incoming_requests_approves_one_narrowed_and_revokes_its_grant()
    {
        var (approver, _, requestId) = await RequestAsync();

        var list = await approver.RunAsync("sharing", "list", "--box", "incoming");
        var approved = await approver.RunAsync("sharing", "approve", requestId.ToString(), "--fields", "district", "--comment", "仅区县");
        var grants = await approver.RunAsync("grants", "list", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(requestId.ToString(), list.Out, StringComparison.Ordinal);
        Assert.Contains("Submitted", list.Out, StringComparison.Ordinal);
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Contains("status Approved", approved.Out, StringComparison.Ordinal);
        var grant = JsonDocument.Parse(grants.Out).RootElement.EnumerateArray().Single(g => g.GetProperty("requestId").GetGuid() == requestId);
        Assert.Equal(["district"], grant.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));

        var revoked = await approver.RunAsync("grants", "revoke", grant.GetProperty("id").GetString()!, "--reason", "停止使用");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains("status Revoked", revoked.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_needs_a_reason_and_passes_it_to_the_requester()
    {
        var (approver, consumer, requestId) = await RequestAsync();

        var usage = await approver.RunAsync("sharing", "reject", requestId.ToString());
        var rejected = await approver.RunAsync("sharing", "reject", requestId.ToString(), "--reason", "不符合共享条件");

        Assert.Equal(2, usage.ExitCode);
        Assert.True(rejected.ExitCode == 0, rejected.ToString());
        var seen = await consumer.GetFromJsonAsync<JsonElement>($"/api/v1/sharing-requests/{requestId}");
        Assert.Equal("不符合共享条件", seen.GetProperty("rejection").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_step_the_server_refuses_prints_its_reason_and_fails()
    {
        var (approver, _, requestId) = await RequestAsync();

        var widened = await approver.RunAsync("sharing", "approve", requestId.ToString(), "--fields", "salary");

        Assert.NotEqual(0, widened.ExitCode);
        Assert.Contains("fields[0]", widened.Error, StringComparison.Ordinal);
    }

    /// <summary>A provider with a published conditional resource, a consumer's request for it, and the provider's approver at the CLI.</summary>
    private async Task<(CliRunner Approver, HttpClient Consumer, Guid RequestId)> RequestAsync()
    {
        var provider = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市公安局");
        var consumer = await TestData.InsertOrganizationAsync(server.ConnectionString, "示范市民政局");
        var steward = await server.ApiAsUserAsync(provider, Roles.DataSteward);
        var category = "101" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await steward.PostAsJsonAsync("/api/v1/resources", new
        {
            name = "人口基本信息",
            summary = "人口基本信息的摘要。",
            category,
            sharingType = "Conditional",
            sharingConditions = "用于政务服务",
            openType = "NotOpen",
            updateFrequency = "Daily",
            fields = new object[]
            {
                new { name = "idNumber", label = "公民身份号码", type = "string", required = true, key = true, classification = "Core", personalInfo = "Sensitive", masking = new { rule = "KeepFirstLast", first = 6, last = 4 } },
                new { name = "district", label = "区县", type = "string", required = false, classification = "General", personalInfo = "None" },
            },
        });
        var resource = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, resource.ToString());
        (await steward.PostAsync($"/api/v1/resources/{resource.GetProperty("slug").GetString()}/publish", null)).EnsureSuccessStatusCode();

        var consumerSteward = await server.ApiAsUserAsync(consumer, Roles.DataSteward);
        var submitted = await consumerSteward.PostAsJsonAsync("/api/v1/sharing-requests", new
        {
            resource = resource.GetProperty("code").GetString(),
            fields = new[] { "idNumber", "district" },
            purpose = "最低生活保障资格审核",
            validTo = DateTimeOffset.UtcNow.AddDays(90),
        });
        var request = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(submitted.IsSuccessStatusCode, request.ToString());

        var approver = await server.CreateUserAsync(provider, "cli-" + Guid.NewGuid().ToString("N")[..10], "Correct-Horse-9", Roles.Approver);
        var cli = new CliRunner { Handler = () => server.Server.CreateHandler() };
        cli.Environment["SHUQIAO_URL"] = "http://localhost";
        cli.Environment["SHUQIAO_TOKEN"] = await server.CreateTokenAsync(approver);
        return (cli, consumerSteward, request.GetProperty("id").GetGuid());
    }
}
