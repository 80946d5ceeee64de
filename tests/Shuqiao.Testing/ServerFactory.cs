using Shuqiao.Core.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Identity.Tokens;
using Shuqiao.Server.Identity.Users;

using Xunit;

namespace Shuqiao.Testing;

/// <summary>
/// The real server (in-memory host) on its own database in the shared throwaway cluster. Use as a class fixture;
/// tests assert only on rows they created.
/// </summary>
public class ServerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    /// <summary>Extra configuration for a test class (e.g. a lower rate limit), as configuration keys.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        _ = Services; // starts the host: migrations run before the first request
    }

    /// <summary>The database this server uses; a subclass may return an existing one, e.g. to test a restart.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => SharedPostgres.CreateDatabaseAsync();

    public new async Task DisposeAsync() => await base.DisposeAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Shuqiao:Database:ConnectionString", ConnectionString);
        builder.UseSetting("Shuqiao:Mode", "Production");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Runs a scoped service, e.g. to create the users a test needs without going through the API.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Creates a user directly (as the CLI's first-run admin does) and returns it.</summary>
    public Task<User> CreateUserAsync(Guid organizationId, string login, string password, params string[] roles) =>
        WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<UserService>().CreateAsync(
                new CreateUserRequest(login, login, organizationId, roles, password), Actor.System("tests"), isDemo: false, CancellationToken.None);
            return outcome.Value ?? throw new InvalidOperationException($"Could not create user {login}: {outcome.Failure}");
        });

    /// <summary>The password of users created by <see cref="ApiAsUserAsync"/>; it meets the password rules.</summary>
    public const string TestPassword = "Test-Password-9x";

    /// <summary>
    /// Issues a personal access token for <paramref name="user"/> through the real token service and returns the
    /// bearer credential (<c>sqp_….…</c>). With no roles the token carries all of the user's roles.
    /// </summary>
    public Task<string> CreateTokenAsync(User user, params string[] roles) =>
        WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<AccessTokenService>().CreateAsync(
                new TokenIssuer(user.Id, [.. user.Roles], NotAfter: null),
                new CreateTokenRequest("tests", Roles: roles.Length == 0 ? null : roles),
                Actor.System("tests"),
                CancellationToken.None);
            return outcome.Value?.Credential ?? throw new InvalidOperationException($"Could not create a token for {user.Login}: {outcome.Failure}");
        });

    /// <summary>
    /// A new user of <paramref name="organizationId"/> with <paramref name="roles"/> (Citizen, the least privileged,
    /// when none are given) and an HTTP client sending <c>Authorization: Bearer</c> with a token of theirs.
    /// </summary>
    public async Task<HttpClient> ApiAsUserAsync(Guid organizationId, params string[] roles)
    {
        var user = await CreateUserAsync(organizationId, "api-" + Guid.NewGuid().ToString("N")[..12], TestPassword, roles.Length == 0 ? [Roles.Citizen] : roles);
        return ClientWith(AuthSchemes.Bearer, await CreateTokenAsync(user));
    }

    /// <summary>A new active API client of <paramref name="organizationId"/> and an HTTP client sending its <c>Authorization: ApiKey</c>.</summary>
    public Task<(HttpClient client, Guid clientId, string key)> ApiAsClientAsync(Guid organizationId) =>
        ApiAsClientAsync(new CreateClientRequest("tests-" + Guid.NewGuid().ToString("N")[..12], organizationId));

    /// <summary>As <see cref="ApiAsClientAsync(Guid)"/>, with settings of the test's choosing (rate limit, IP allow-list).</summary>
    public Task<(HttpClient client, Guid clientId, string key)> ApiAsClientAsync(CreateClientRequest request) =>
        WithScopeAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<ApiClientService>().CreateAsync(
                request, ClientScope.All, request.OrganizationId, Actor.System("tests"), isDemo: false, CancellationToken.None);
            var issued = outcome.Value ?? throw new InvalidOperationException($"Could not create API client {request.Name}: {outcome.Failure}");
            return (ClientWith(AuthSchemes.ApiKey, issued.Key), issued.Client.Id, issued.Key);
        });

    /// <summary>An HTTP client that sends the given Authorization header value.</summary>
    public HttpClient ClientWith(string scheme, string credential)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, credential);
        return client;
    }

    public static Task<T?> ReadAsync<T>(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
