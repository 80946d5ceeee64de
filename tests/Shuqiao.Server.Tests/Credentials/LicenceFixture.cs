using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Credentials;

/// <summary>A department with a steward's API client and a business licence type (营业执照), for tests that issue.</summary>
internal sealed class LicenceFixture
{
    public required Guid OrganizationId { get; init; }

    public required HttpClient Steward { get; init; }

    public required HttpClient Anonymous { get; init; }

    public required string TypeCode { get; init; }

    public required Guid TypeId { get; init; }

    public static async Task<LicenceFixture> CreateAsync(ServerFactory server, string department = "示范市市场监督管理局")
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, department, OrganizationLevel.City);
        var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
        var response = await steward.PostAsJsonAsync("/api/v1/licence-types", new
        {
            name = "营业执照",
            holderKind = "Organization",
            validityYears = (int?)null,
            fields = new object[]
            {
                new { name = "companyName", label = "名称", type = "Text", required = true },
                new { name = "legalRepresentative", label = "法定代表人", type = "Text", required = true },
                new { name = "registeredCapital", label = "注册资本（万元）", type = "Number", required = false },
                new { name = "establishedOn", label = "成立日期", type = "Date", required = true },
            },
            layout = new { orientation = "Landscape", theme = "Red", note = "国家企业信用信息公示系统网址：示例" },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the type answered {response.StatusCode}: {created}");
        }

        return new LicenceFixture
        {
            OrganizationId = org,
            Steward = steward,
            Anonymous = server.CreateClient(),
            TypeCode = created!["code"]!.GetValue<string>(),
            TypeId = Guid.Parse(created["id"]!.GetValue<string>()),
        };
    }

    public static string NewCompanyCode() => TestData.NewCreditCode().Replace("11350100", "91350100", StringComparison.Ordinal) is var c ? CreditCode.Complete(c[..17]) : "";

    public async Task<JsonObject> IssueAsync(string holderName = "示范市数桥科技有限公司", string? holderCode = null)
    {
        var response = await Steward.PostAsJsonAsync("/api/v1/licences", new
        {
            typeCode = TypeCode,
            holderName,
            holderCode = holderCode ?? NewCompanyCode(),
            claims = new Dictionary<string, string>
            {
                ["companyName"] = holderName,
                ["legalRepresentative"] = "王伟",
                ["registeredCapital"] = "1000",
                ["establishedOn"] = "2020-05-01",
            },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return response.StatusCode == System.Net.HttpStatusCode.Created ? body! : throw new InvalidOperationException($"Issuing answered {response.StatusCode}: {body}");
    }

    public async Task<string> CredentialAsync(JsonObject licence) =>
        await Steward.GetStringAsync($"/api/v1/licences/{licence["id"]}/credential");

    public async Task<(System.Net.HttpStatusCode Status, JsonObject Result)> VerifyAsync(string credentialJson)
    {
        var response = await Anonymous.PostAsync("/credentials/verify", new StringContent(
            "{\"verifiableCredential\":" + credentialJson + "}", System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public async Task<(System.Net.HttpStatusCode Status, JsonObject Result)> VerifyRawAsync(string body, string contentType = "application/json")
    {
        var response = await Anonymous.PostAsync("/credentials/verify", new StringContent(body, System.Text.Encoding.UTF8, contentType));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static string? FailureCode(JsonObject result) => result["failureCode"]?.GetValue<string>();
}
