using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Platform;

/// <summary>
/// Malformed and refused requests through real endpoints: each answer is an RFC 9457 problem that names what was
/// wrong (the field in <c>errors</c> where there is one), and nothing changes. "Nothing" is counted over the whole
/// database: this class has a database of its own and xunit runs one class's tests one after another.
/// </summary>
public sealed class BadInputTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string Organizations = "/api/v1/organizations";
    private const string Users = "/api/v1/users";

    public static TheoryData<string, string, string> UnreadableBodies => new()
    {
        // endpoint, body, the field the answer must name
        { Organizations, """{"code":"91350100MA2YXK5D02","name":"截断""", "name" },
        { Organizations, "this is not JSON", "body" },
        { Organizations, """{"code":"91350100MA2YXK5D02","name":"未知字段局","level":"City","colour":"red"}""", "colour" },
        { Organizations, """{"code":"91350100MA2YXK5D02","name":"类型错误局","level":"City","isDataAuthority":"yes"}""", "isDataAuthority" },
        { Organizations, """{"code":"91350100MA2YXK5D02","name":{"zh":"对象"},"level":"City"}""", "name" },
        { Organizations, """[{"code":"91350100MA2YXK5D02"}]""", "body" },
        { Users, """{"login":"bad-input","displayName":"张三","organizationId":"not-a-guid","roles":["Auditor"],"password":"Test-Password-9x"}""", "organizationId" },
        { Users, """{"login":"bad-input","displayName":"张三","organizationId":"0197a1b2-0000-7000-8000-000000000000","roles":"Auditor","password":"Test-Password-9x"}""", "roles" },
        { Users, """{"login":"bad-input","displayName":"张三","organizationId":"0197a1b2-0000-7000-8000-000000000000","roles":["Auditor"],"password":"Test-Password-9x","isAdmin":true}""", "isAdmin" },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task A_body_that_cannot_be_read_as_the_request_is_a_400_naming_the_field_and_changes_nothing(string endpoint, string body, string field)
    {
        var admin = await AdminAsync();
        var before = await CountsAsync();

        var response = await admin.PostAsync(endpoint, Json(body));

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, field);
        Assert.All(reasons, r => Assert.DoesNotContain("Exception", r, StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData(Organizations, """{"code":null,"name":"空代码局","level":"City"}""", "code")]
    [InlineData(Organizations, """{"code":"91350100MA2YXK5D02","name":null,"level":"City"}""", "name")]
    [InlineData(Organizations, """{"code":"91350100MA2YXK5D02","name":"缺层级局"}""", "level")]
    [InlineData(Users, """{"login":null,"displayName":"张三","organizationId":"0197a1b2-0000-7000-8000-000000000000","roles":["Auditor"],"password":"Test-Password-9x"}""", "login")]
    [InlineData(Users, """{"login":"null-password","displayName":"张三","organizationId":"0197a1b2-0000-7000-8000-000000000000","roles":["Auditor"],"password":null}""", "password")]
    [InlineData(Users, """{"login":"null-roles","displayName":"张三","organizationId":"0197a1b2-0000-7000-8000-000000000000","roles":null,"password":"Test-Password-9x"}""", "roles")]
    [InlineData("/api/v1/users/me/password", """{"currentPassword":null,"newPassword":"Another-Password-9x"}""", "currentPassword")]
    public async Task A_required_field_that_is_null_or_missing_is_a_400_naming_it_and_changes_nothing(string endpoint, string body, string field)
    {
        var admin = await AdminAsync();
        var before = await CountsAsync();

        var response = await admin.PostAsync(endpoint, Json(body));

        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData(Organizations)]
    [InlineData(Users)]
    public async Task An_empty_body_is_a_400_saying_the_body_is_missing(string endpoint)
    {
        var admin = await AdminAsync();
        var before = await CountsAsync();

        var response = await admin.PostAsync(endpoint, Json(""));

        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "body"), r => r.Contains("required", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("/api/v1/users?organizationId=not-a-guid", "organizationId")]
    [InlineData("/api/v1/users?limit=many", "limit")]
    [InlineData("/api/v1/organizations?parentId=42", "parentId")]
    public async Task A_query_parameter_of_the_wrong_type_is_a_400_naming_it(string url, string field)
    {
        var admin = await AdminAsync();

        var response = await admin.GetAsync(url);

        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, field), r => r.Contains("is not a valid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_of_another_media_type_is_a_415_naming_the_content_type(string mediaType)
    {
        var admin = await AdminAsync();
        var before = await CountsAsync();
        var body = $$"""{"code":"{{TestData.NewCreditCode()}}","name":"媒体类型局","level":"City"}""";

        var response = await admin.PostAsync(Organizations, new StringContent(body, Encoding.UTF8, mediaType));

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");
        Assert.Contains(reasons, r => r.Contains(mediaType, StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task An_invalid_credit_code_is_a_400_on_code_and_changes_nothing()
    {
        var admin = await AdminAsync();
        var before = await CountsAsync();

        var response = await admin.PostAsJsonAsync(Organizations, new { code = "91350100MA2YXK5D0X", name = "无效代码局", level = "City" });

        await response.AssertFieldErrorAsync(HttpStatusCode.BadRequest, "code");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_duplicate_code_is_a_409_on_code_and_changes_nothing()
    {
        var admin = await AdminAsync();
        var code = TestData.NewCreditCode();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Organizations, new { code, name = "原有机构", level = "City" })).StatusCode);
        var before = await CountsAsync();

        var response = await admin.PostAsJsonAsync(Organizations, new { code, name = "重复代码局", level = "City" });

        await response.AssertFieldErrorAsync(HttpStatusCode.Conflict, "code");
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(1, await CountAsync("select count(*) from admin_audit_events where action = 'organization.create' and target_name in ('原有机构', '重复代码局')"));
    }

    [Fact]
    public async Task A_request_without_a_credential_is_a_401_with_a_challenge_for_each_scheme_and_changes_nothing()
    {
        var before = await CountsAsync();

        var response = await server.CreateClient().PostAsJsonAsync(Organizations, new { code = TestData.NewCreditCode(), name = "匿名创建局", level = "City" });

        var reasons = await response.AssertFieldErrorAsync(HttpStatusCode.Unauthorized, "Authorization");
        Assert.Contains(reasons, r => r.Contains("Authorization: ApiKey", StringComparison.Ordinal));
        var schemes = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("ApiKey", schemes);
        Assert.Contains("Bearer", schemes);
        Assert.Equal(before, await CountsAsync());
    }

    public static TheoryData<string, string, string> WrongCredentials => new()
    {
        // scheme, credential, a part of the reason
        { "Bearer", "not-a-token", "must be 'Bearer <tokenId>.<secret>'" },
        { "Bearer", SecretCredential.Create("sqp_").ToString(), "not known" },
        { "Bearer", SecretCredential.Create("sqk_").ToString(), "This is not a personal access token" },
        { "ApiKey", "sqk_only-an-id", "must be 'ApiKey <keyId>.<secret>'" },
        { "ApiKey", SecretCredential.Create("sqk_").ToString(), "not known" },
        { "Basic", "YWRtaW46YWRtaW4=", "needs an 'Authorization: ApiKey" },
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task A_wrong_or_malformed_credential_is_a_401_that_says_why_and_changes_nothing(string scheme, string credential, string reason)
    {
        var before = await CountsAsync();

        var response = await server.ClientWith(scheme, credential).PostAsJsonAsync(Organizations, new { code = TestData.NewCreditCode(), name = "伪造凭据局", level = "City" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.Unauthorized, "Authorization"), r => r.Contains(reason, StringComparison.Ordinal));
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_wrong_secret_for_a_real_token_is_a_401_and_the_token_keeps_working()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "坏输入测试局");
        var user = await server.CreateUserAsync(org, "bi-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.PlatformAdmin);
        var token = await server.CreateTokenAsync(user);
        var before = await CountsAsync();

        var response = await server.ClientWith(AuthSchemes.Bearer, token.Split('.')[0] + ".guessed-secret")
            .PostAsJsonAsync(Organizations, new { code = TestData.NewCreditCode(), name = "猜测密钥局", level = "City" });

        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.Unauthorized, "Authorization"), r => r.Contains("secret is wrong", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(AuthSchemes.Bearer, token).GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task A_caller_whose_roles_do_not_allow_the_change_is_a_403_that_says_so_and_changes_nothing()
    {
        var steward = await server.ApiAsUserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "坏输入测试局"), Roles.DataSteward);
        var before = await CountsAsync();

        var response = await steward.PostAsJsonAsync(Organizations, new { code = TestData.NewCreditCode(), name = "越权局", level = "City" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("roles do not allow", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<HttpClient> AdminAsync() =>
        await server.ApiAsUserAsync(await TestData.InsertOrganizationAsync(server.ConnectionString, "坏输入测试局"), Roles.PlatformAdmin);

    private static StringContent Json(string body) => new(body, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" });

    /// <summary>Rows of every table a refused request could have touched, taken after the test's own set-up.</summary>
    private async Task<(long Organizations, long Users, long Clients, long Tokens, long AuditEvents)> CountsAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        return await connection.QuerySingleAsync<(long, long, long, long, long)>(
            """
            select (select count(*) from organizations), (select count(*) from users), (select count(*) from api_clients),
                   (select count(*) from personal_access_tokens), (select count(*) from admin_audit_events)
            """);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

/// <summary>
/// Bodies over <c>Shuqiao:MaxRequestBodyBytes</c> (set low here). The limit is Kestrel's, so this server runs on a
/// real Kestrel port: the in-memory test server enforces no body limit.
/// </summary>
public sealed class OversizeBodyTests(OversizeBodyTests.SmallLimitServer server) : IClassFixture<OversizeBodyTests.SmallLimitServer>
{
    private const int Limit = 4096;

    [Fact]
    public async Task A_json_body_over_the_configured_limit_is_a_413_problem_and_changes_nothing()
    {
        using var admin = await server.RealClientAsync();
        var before = await server.CountOrganizationsAsync();
        var body = $$"""{"code":"{{TestData.NewCreditCode()}}","name":"超大请求局","level":"City","padding":"{{new string('x', 2 * Limit)}}"}""";

        var response = await admin.PostAsync("/api/v1/organizations", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Contains(await response.AssertFieldErrorAsync(HttpStatusCode.RequestEntityTooLarge, "body"), r => r.Contains("MaxRequestBodyBytes", StringComparison.Ordinal));
        Assert.Equal(before, await server.CountOrganizationsAsync());
    }

    [Fact]
    public async Task A_chunked_csv_upload_that_grows_past_the_limit_is_a_413_problem_and_imports_nothing()
    {
        using var admin = await server.RealClientAsync();
        var before = await server.CountOrganizationsAsync();
        var rows = string.Concat(Enumerable.Range(0, 200).Select(i => $"{TestData.NewCreditCode()},分块上传测试局{i},City,\n"));
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("code,name,level,parentCode\n" + rows)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organizations/import") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await admin.SendAsync(request);

        await response.AssertFieldErrorAsync(HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Equal(before, await server.CountOrganizationsAsync());
    }

    [Fact]
    public async Task A_body_within_the_limit_is_served_as_usual()
    {
        using var admin = await server.RealClientAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/organizations", new { code = TestData.NewCreditCode(), name = "正常大小局", level = "City" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public sealed class SmallLimitServer : ServerFactory
    {
        public SmallLimitServer() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Shuqiao:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        /// <summary>An HTTP client of a new PlatformAdmin, talking to the Kestrel port over TCP.</summary>
        public async Task<HttpClient> RealClientAsync()
        {
            var org = await TestData.InsertOrganizationAsync(ConnectionString, "请求大小测试局");
            var user = await CreateUserAsync(org, "ob-" + Guid.NewGuid().ToString("N")[..10], TestPassword, Roles.PlatformAdmin);
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var client = new HttpClient { BaseAddress = new Uri(address) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(AuthSchemes.Bearer, await CreateTokenAsync(user));
            return client;
        }

        public async Task<long> CountOrganizationsAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            return await connection.ExecuteScalarAsync<long>("select count(*) from organizations");
        }
    }
}
