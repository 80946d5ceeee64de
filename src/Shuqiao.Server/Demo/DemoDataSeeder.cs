using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Server.Identity.Clients;
using Shuqiao.Server.Identity.Tokens;
using Shuqiao.Server.Identity.Users;
using Shuqiao.Server.Organizations;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Demo;

/// <summary>
/// Loads 示范市 (<see cref="DemoCity"/>) through the same services the API uses, once per database, in demo mode
/// only, and writes the demo credentials file. A load interrupted half-way is completed on the next start: every
/// entity is looked up by its code, login or name before it is created.
/// </summary>
public sealed partial class DemoDataSeeder(
    IServiceScopeFactory scopes,
    DemoParts demo,
    IOptions<ShuqiaoOptions> options,
    IConfiguration configuration,
    ILogger<DemoDataSeeder> logger) : IStartupTask
{
    private const string LoadedKey = "demo.loaded";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            LogAlreadyLoaded(logger, options.Value.DemoCredentialsPath);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var organizations = await LoadOrganizationsAsync(services.GetRequiredService<OrganizationService>(), cancellationToken);
        var users = await LoadUsersAsync(services, organizations, cancellationToken);
        var clients = await LoadClientsAsync(services.GetRequiredService<ApiClientService>(), services.GetRequiredService<ApiClientStore>(), organizations, cancellationToken);

        var admin = users["admin"];
        var token = await services.GetRequiredService<AccessTokenService>().CreateAsync(
            new TokenIssuer(admin.Id, admin.Roles.ToList(), null), new CreateTokenRequest("演示管理员令牌 (demo)", 365), DemoParts.Actor, cancellationToken);
        var credentials = new DemoCredentials(
            BaseUrl(),
            Require(token, "the admin token").Credential,
            DemoCity.Users().Select(u => new DemoCredentials.UserLogin(u.Login, DemoCity.DemoPassword, u.Roles[0], NameOf(u.OrganizationKey))).ToList(),
            clients);
        await credentials.WriteAsync(options.Value.DemoCredentialsPath, cancellationToken);

        await demo.MarkLoadedAsync(LoadedKey, new { seed = DemoCity.Seed }, cancellationToken);
        LogLoaded(logger, organizations.Count, users.Count, clients.Count, options.Value.DemoCredentialsPath);
    }

    private static async Task<Dictionary<string, Guid>> LoadOrganizationsAsync(OrganizationService service, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var org in DemoCity.Organizations())
        {
            if (await service.GetByCodeAsync(org.Code, cancellationToken) is { } existing)
            {
                ids[org.Key] = existing.Id;
                continue;
            }

            var parent = org.ParentKey is null ? (Guid?)null : ids[org.ParentKey];
            var created = await service.CreateAsync(new CreateOrganizationRequest(org.Code, org.Name, org.Level.ToString(), parent, org.IsDataAuthority), DemoParts.Actor, cancellationToken);
            ids[org.Key] = Require(created, org.Name).Id;
        }

        return ids;
    }

    private static async Task<Dictionary<string, Core.Identity.User>> LoadUsersAsync(IServiceProvider services, Dictionary<string, Guid> organizations, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<UserStore>();
        var service = services.GetRequiredService<UserService>();
        var users = new Dictionary<string, Core.Identity.User>(StringComparer.Ordinal);
        foreach (var user in DemoCity.Users())
        {
            if (await store.FindForLoginAsync(user.Login, cancellationToken) is { } existing)
            {
                users[user.Login] = existing.User;
                continue;
            }

            var created = await service.CreateAsync(
                new CreateUserRequest(user.Login, user.DisplayName, organizations[user.OrganizationKey], user.Roles, DemoCity.DemoPassword), DemoParts.Actor, isDemo: true, cancellationToken);
            users[user.Login] = Require(created, user.Login);
        }

        return users;
    }

    private static async Task<List<DemoCredentials.ClientKey>> LoadClientsAsync(
        ApiClientService service, ApiClientStore store, Dictionary<string, Guid> organizations, CancellationToken cancellationToken)
    {
        var keys = new List<DemoCredentials.ClientKey>();
        foreach (var client in DemoCity.Clients())
        {
            var organizationId = organizations[client.OrganizationKey];
            var existing = (await store.ListAsync(organizationId, null, 100, cancellationToken)).FirstOrDefault(c => c.Name == client.Name);

            // A client left by an interrupted load has a key nobody wrote down: rotate it to learn a working one.
            var issued = existing is null
                ? await service.CreateAsync(new CreateClientRequest(client.Name, organizationId, client.Description), ClientScope.All, null, DemoParts.Actor, isDemo: true, cancellationToken)
                : await service.RotateAsync(existing.Id, null, ClientScope.All, DemoParts.Actor, cancellationToken);
            keys.Add(new DemoCredentials.ClientKey(NameOf(client.OrganizationKey), client.Name, Require(issued, client.Name).Key));
        }

        return keys;
    }

    private static string NameOf(string organizationKey) => DemoCity.Organizations().Single(o => o.Key == organizationKey).Name;

    private static T Require<T>(Outcome<T> outcome, string what) =>
        outcome.Value ?? throw new InvalidOperationException($"The demo data set could not create {what}: {outcome.Failure!.Title} {string.Join("; ", outcome.Failure.Issues)}");

    private string BaseUrl()
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5000";
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('/');
    }

    [LoggerMessage(1101, LogLevel.Information, "Demo data set is already loaded; its credentials are in {Path}")]
    private static partial void LogAlreadyLoaded(ILogger logger, string path);

    [LoggerMessage(1102, LogLevel.Information, "Loaded the demo data set: {Organizations} organizations, {Users} users, {Clients} API clients; credentials written to {Path}")]
    private static partial void LogLoaded(ILogger logger, int organizations, int users, int clients, string path);
}
