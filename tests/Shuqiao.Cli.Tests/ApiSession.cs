using Dapper;
using Npgsql;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests;

/// <summary>
/// A PlatformAdmin of a fresh organization with a personal access token, and a CLI that talks to the in-memory
/// server through its handler. The token row is written with SQL in the personal_access_tokens table of
/// 0001_foundation.sql (id 'sqp_…', SHA-256 of the secret), so these tests do not depend on the token service's
/// C# names; the server's Bearer handler must accept it like any token it issued.
/// </summary>
public sealed class ApiSession
{
    private ApiSession(ServerFactory server, Guid organizationId, string organizationCode, User admin, string token)
    {
        OrganizationId = organizationId;
        OrganizationCode = organizationCode;
        Admin = admin;
        Token = token;
        Cli = new CliRunner { Handler = () => server.Server.CreateHandler() };
        Cli.Environment["SHUQIAO_URL"] = "http://localhost";
        Cli.Environment["SHUQIAO_TOKEN"] = token;
    }

    public Guid OrganizationId { get; }

    public string OrganizationCode { get; }

    public User Admin { get; }

    public string Token { get; }

    public CliRunner Cli { get; }

    public static async Task<ApiSession> StartAsync(ServerFactory server, params string[] roles)
    {
        var organizationId = await TestData.InsertOrganizationAsync(server.ConnectionString, "某市数据局", dataAuthority: true);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        var code = await connection.ExecuteScalarAsync<string>("select code from organizations where id = @organizationId", new { organizationId }) ?? "";
        var admin = await server.CreateUserAsync(organizationId, "cli-" + Guid.NewGuid().ToString("N")[..10], "Correct-Horse-9", roles.Length == 0 ? [Roles.PlatformAdmin] : roles);
        var token = await InsertTokenAsync(server.ConnectionString, admin);
        return new ApiSession(server, organizationId, code, admin, token);
    }

    public static async Task<string> InsertTokenAsync(string connectionString, User user)
    {
        var credential = SecretCredential.Create("sqp_");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(
            """
            insert into personal_access_tokens (id, token_id, user_id, name, roles, secret_hash, created_at, expires_at)
            values (@id, @tokenId, @userId, 'cli tests', @roles, @hash, now(), now() + interval '1 day')
            """,
            new { id = Guid.CreateVersion7(), tokenId = credential.Id, userId = user.Id, roles = user.Roles.ToArray(), hash = SecretCredential.Hash(credential.Secret) });
        return credential.ToString();
    }
}
