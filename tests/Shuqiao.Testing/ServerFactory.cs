using Shuqiao.Core.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Identity;
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
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        _ = Services; // starts the host: migrations run before the first request
    }

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

    /// <summary>An HTTP client that sends the given Authorization header value.</summary>
    public HttpClient ClientWith(string scheme, string credential)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, credential);
        return client;
    }

    public static Task<T?> ReadAsync<T>(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
