using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Storage.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests.Identity;

public sealed partial class AdminCreateTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Password = "Correct-Horse-9";

    private readonly CliRunner _cli = new();

    [Fact]
    public async Task Admin_create_with_a_new_organization_stores_a_hash_the_servers_password_check_accepts()
    {
        var login = NewLogin();
        var code = TestData.NewCreditCode();

        var result = await CreateAdminAsync(login, code, Password + "\n", "--org-name", "某市数据局", "--org-level", "City");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Created PlatformAdmin '{login}'", result.Out, StringComparison.Ordinal);
        var found = await new UserStore(database.DataSource, TimeProvider.System).FindForLoginAsync(login, CancellationToken.None);
        Assert.NotNull(found);
        var (user, hash) = found.Value;
        Assert.Equal([Roles.PlatformAdmin], user.Roles);
        Assert.False(user.IsDemo);
        Assert.True(new PasswordHashing().Verify(hash, Password));
        Assert.False(new PasswordHashing().Verify(hash, Password + "x"));

        await using var connection = await database.DataSource.OpenConnectionAsync();
        var organization = await connection.QuerySingleAsync<(Guid Id, string Name, string Level)>(
            "select id, name, level from organizations where code = @code", new { code });
        Assert.Equal(user.OrganizationId, organization.Id);
        Assert.Equal(("某市数据局", "City"), (organization.Name, organization.Level));
        var audited = (await connection.QueryAsync<(string Action, string ActorKind)>(
            "select action, actor_kind from admin_audit_events where target_id in (@org, @user) order by time",
            new { org = organization.Id.ToString(), user = user.Id.ToString() })).ToList();
        Assert.Equal([("organization.create", "Cli"), ("user.create", "Cli")], audited);
    }

    [Fact]
    public async Task Admin_create_joins_an_existing_organization_by_its_code()
    {
        var organizationId = await TestData.InsertOrganizationAsync(database.ConnectionString, "某市大数据中心");
        var code = await CodeOfAsync(organizationId);
        var login = NewLogin();

        var result = await CreateAdminAsync(login, code, Password + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        var user = await new UserStore(database.DataSource, TimeProvider.System).FindForLoginAsync(login, CancellationToken.None);
        Assert.Equal(organizationId, user?.User.OrganizationId);
    }

    [Fact]
    public async Task Admin_create_refuses_a_weak_password_and_creates_nothing()
    {
        var login = NewLogin();
        var code = TestData.NewCreditCode();

        var tooShort = await CreateAdminAsync(login, code, "Short-1\n", "--org-name", "某县数据局");
        var oneClass = await CreateAdminAsync(login, code, "alllowercaseletters\n", "--org-name", "某县数据局");

        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("the password must be at least 10 characters; nothing was created", tooShort.Error, StringComparison.Ordinal);
        Assert.Equal(1, oneClass.ExitCode);
        Assert.Contains("must mix at least three of", oneClass.Error, StringComparison.Ordinal);
        Assert.Null(await new UserStore(database.DataSource, TimeProvider.System).FindForLoginAsync(login, CancellationToken.None));
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from organizations where code = @code", new { code }));
    }

    [Fact]
    public async Task Admin_create_refuses_an_existing_login_with_exit_code_4()
    {
        var login = NewLogin();
        var code = TestData.NewCreditCode();
        var first = await CreateAdminAsync(login, code, Password + "\n", "--org-name", "某区数据局");

        var again = await CreateAdminAsync(login.ToUpperInvariant(), code, Password + "\n");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("already exists; nothing was created", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_create_for_an_unknown_organization_without_a_name_says_how_to_create_it()
    {
        var result = await CreateAdminAsync(NewLogin(), TestData.NewCreditCode(), Password + "\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("add --org-name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_create_refuses_a_credit_code_with_a_wrong_check_character()
    {
        var code = TestData.NewCreditCode();
        var wrong = code[..17] + (code[17] == '0' ? '1' : '0');

        var result = await CreateAdminAsync(NewLogin(), wrong, Password + "\n", "--org-name", "某市数据局");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("校验码错误", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_terminal_the_password_must_come_from_password_stdin()
    {
        var organizationId = await TestData.InsertOrganizationAsync(database.ConnectionString, "某市数据局");

        var result = await _cli.RunWithStdinAsync(Password + "\n",
            "admin", "create", "--login", NewLogin(), "--name", "管理员", "--org-code", await CodeOfAsync(organizationId), "--database", database.ConnectionString);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-stdin", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_a_terminal_the_password_is_asked_twice_and_must_match()
    {
        var organizationId = await TestData.InsertOrganizationAsync(database.ConnectionString, "某市数据局");
        var code = await CodeOfAsync(organizationId);
        var mismatched = new CliRunner { TypedSecrets = new([Password, Password + "!"]) };
        var matching = new CliRunner { TypedSecrets = new([Password, Password]) };
        string[] Args(string login) => ["admin", "create", "--login", login, "--name", "管理员", "--org-code", code, "--database", database.ConnectionString];

        var refused = await mismatched.RunAsync(Args(NewLogin()));
        var created = await matching.RunAsync(Args(NewLogin()));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("the two passwords differ", refused.Error, StringComparison.Ordinal);
        Assert.True(created.ExitCode == 0, created.ToString());
    }

    [Fact]
    public async Task Admin_create_refuses_a_database_whose_schema_is_not_applied()
    {
        var empty = await SharedPostgres.CreateDatabaseAsync();

        var result = await _cli.RunWithStdinAsync(Password + "\n", "admin", "create", "--login", NewLogin(), "--name", "管理员", "--org-code", TestData.NewCreditCode(), "--org-name", "某市数据局", "--password-stdin", "--database", empty);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run 'shuqiao db apply' first", result.Error, StringComparison.Ordinal);
    }

    private Task<CliResult> CreateAdminAsync(string login, string code, string stdin, params string[] more) =>
        _cli.RunWithStdinAsync(stdin, ["admin", "create", "--login", login, "--name", "平台管理员", "--org-code", code, "--password-stdin", "--database", database.ConnectionString, .. more]);

    private async Task<string> CodeOfAsync(Guid organizationId)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("select code from organizations where id = @organizationId", new { organizationId }) ?? "";
    }

    internal static string NewLogin() => "admin-" + Guid.NewGuid().ToString("N")[..10];
}

/// <summary>The whole first-run path: the CLI writes the admin into the server's database, the server signs them in.</summary>
public sealed partial class AdminCreateSignInTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task The_console_signs_in_the_platform_admin_the_CLI_created()
    {
        const string password = "Correct-Horse-9";
        var login = AdminCreateTests.NewLogin();
        var cli = new CliRunner();
        var created = await cli.RunWithStdinAsync(password + "\n",
            "admin", "create", "--login", login, "--name", "平台管理员", "--org-code", TestData.NewCreditCode(), "--org-name", "某市数据局",
            "--password-stdin", "--database", server.ConnectionString);
        Assert.True(created.ExitCode == 0, created.ToString());

        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/console/login");
        var response = await browser.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LoginName"] = login,
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
