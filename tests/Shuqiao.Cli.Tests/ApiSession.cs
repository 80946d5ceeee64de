using System.Net.Http.Json;
using System.Text.Json;
using Shuqiao.Core.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Cli.Tests;

/// <summary>
/// A PlatformAdmin of a fresh organization with a personal access token issued by the server's own token service,
/// and a CLI that talks to the in-memory server through its handler.
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
        var admin = await server.CreateUserAsync(organizationId, "cli-" + Guid.NewGuid().ToString("N")[..10], "Correct-Horse-9", roles.Length == 0 ? [Roles.PlatformAdmin] : roles);
        var token = await server.CreateTokenAsync(admin);
        var organization = await server.ClientWith("Bearer", token).GetFromJsonAsync<JsonElement>($"/api/v1/organizations/{organizationId}");
        return new ApiSession(server, organizationId, organization.GetProperty("code").GetString()!, admin, token);
    }
}
