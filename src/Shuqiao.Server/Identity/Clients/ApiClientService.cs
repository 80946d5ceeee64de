using System.Security.Claims;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;

namespace Shuqiao.Server.Identity.Clients;

public sealed record CreateClientRequest(
    string Name, Guid? OrganizationId = null, string? Description = null, IReadOnlyList<string>? IpAllowList = null, int? RateLimitPerMinute = null);

public sealed record UpdateClientRequest(string Name, string? Description, IReadOnlyList<string>? IpAllowList, int RateLimitPerMinute, int Version);

public sealed record RotateClientRequest(int? GraceMinutes = null);

/// <summary>A client together with its full key (<c>keyId.secret</c>), which exists only in this response.</summary>
public sealed record IssuedClientKey(ApiClient Client, string Key);

/// <summary>
/// Which API clients a caller manages: a PlatformAdmin all of them (<see cref="OrganizationId"/> null), a
/// DataSteward those of its own organization.
/// </summary>
public readonly record struct ClientScope(Guid? OrganizationId)
{
    public static ClientScope All => new(null);

    public static ClientScope Of(ClaimsPrincipal principal) =>
        principal.IsPlatformAdmin() ? All : new ClientScope(principal.OrganizationOf() ?? Guid.Empty);

    public bool Covers(Guid organizationId) => OrganizationId is null || OrganizationId == organizationId;
}

/// <summary>API client administration, shared by the API, the console pages and demo seeding.</summary>
public sealed class ApiClientService(ApiClientStore store, CredentialCache credentials, IOptions<SecurityOptions> security)
{
    public async Task<Outcome<IssuedClientKey>> CreateAsync(CreateClientRequest request, ClientScope scope, Guid? callerOrganizationId, Actor actor, bool isDemo, CancellationToken cancellationToken)
    {
        var organizationId = request.OrganizationId ?? scope.OrganizationId ?? callerOrganizationId;
        var errors = new FieldErrors();
        var rateLimit = request.RateLimitPerMinute ?? security.Value.DefaultClientRateLimitPerMinute;
        ApiClientRules.Validate(request.Name, request.Description, rateLimit, errors);
        var allowList = ParseAllowList(request.IpAllowList, errors);
        if (organizationId is null)
        {
            errors.Add("organizationId", "is required");
        }
        else if (!scope.Covers(organizationId.Value))
        {
            // The same words whether or not the organization exists: a DataSteward learns nothing about others.
            errors.Add("organizationId", "is not an organization whose API clients you manage");
        }

        if (!errors.IsEmpty || organizationId is null)
        {
            return Failure.Invalid(errors);
        }

        var key = SecretCredential.Create(ApiClient.KeyIdPrefix);
        var created = await store.CreateAsync(
            new NewApiClient(key.Id, organizationId.Value, request.Name.Trim(), Normalize(request.Description), allowList!, rateLimit, isDemo),
            SecretCredential.Hash(key.Secret),
            actor,
            cancellationToken);
        if (created.Value is not { } client)
        {
            return created.Failure!;
        }

        credentials.InvalidateClient(client.KeyId); // in case its id was looked up (and cached as unknown) before
        return new IssuedClientKey(client, key.ToString());
    }

    public Task<ApiClient?> FindAsync(Guid id, ClientScope scope, CancellationToken cancellationToken) =>
        store.FindAsync(id, scope.OrganizationId, cancellationToken);

    /// <summary>One page of clients, in id order; a filter outside the caller's scope yields nothing.</summary>
    public async Task<IReadOnlyList<ApiClient>> ListAsync(ClientScope scope, Guid? organizationId, Guid? after, int limit, CancellationToken cancellationToken)
    {
        if (organizationId is { } filter && !scope.Covers(filter))
        {
            return [];
        }

        return await store.ListAsync(organizationId ?? scope.OrganizationId, after, limit, cancellationToken);
    }

    public async Task<Outcome<ApiClient>> UpdateAsync(Guid id, UpdateClientRequest request, ClientScope scope, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ApiClientRules.Validate(request.Name, request.Description, request.RateLimitPerMinute, errors);
        var allowList = ParseAllowList(request.IpAllowList, errors);
        if (!errors.IsEmpty)
        {
            return Failure.Invalid(errors);
        }

        var changes = new ApiClientChanges(request.Name.Trim(), Normalize(request.Description), allowList!, request.RateLimitPerMinute, request.Version);
        return Invalidating(await store.UpdateAsync(id, scope.OrganizationId, changes, actor, cancellationToken));
    }

    /// <summary>Issues a new secret (same key id); the old one stops at once, or after <paramref name="graceMinutes"/>.</summary>
    public async Task<Outcome<IssuedClientKey>> RotateAsync(Guid id, int? graceMinutes, ClientScope scope, Actor actor, CancellationToken cancellationToken)
    {
        if (ApiClientRules.ValidateGraceMinutes(graceMinutes ?? 0) is { } error)
        {
            return Failure.Invalid("graceMinutes", error);
        }

        var current = await store.FindAsync(id, scope.OrganizationId, cancellationToken);
        if (current is null)
        {
            return Failure.NotFound("The API client");
        }

        var key = new SecretCredential(current.KeyId, SecretCredential.Create(ApiClient.KeyIdPrefix).Secret);
        var rotated = Invalidating(await store.RotateAsync(id, scope.OrganizationId, SecretCredential.Hash(key.Secret), TimeSpan.FromMinutes(graceMinutes ?? 0), actor, cancellationToken));
        return rotated.Value is { } client ? new IssuedClientKey(client, key.ToString()) : rotated.Failure!;
    }

    public async Task<Outcome<ApiClient>> SuspendAsync(Guid id, ClientScope scope, Actor actor, CancellationToken cancellationToken) =>
        Invalidating(await store.SuspendAsync(id, scope.OrganizationId, actor, cancellationToken));

    public async Task<Outcome<ApiClient>> ActivateAsync(Guid id, ClientScope scope, Actor actor, CancellationToken cancellationToken) =>
        Invalidating(await store.ActivateAsync(id, scope.OrganizationId, actor, cancellationToken));

    public async Task<Outcome<ApiClient>> DeleteAsync(Guid id, ClientScope scope, Actor actor, CancellationToken cancellationToken) =>
        Invalidating(await store.DeleteAsync(id, scope.OrganizationId, actor, cancellationToken));

    private Outcome<ApiClient> Invalidating(Outcome<ApiClient> outcome)
    {
        if (outcome.Value is { } client)
        {
            credentials.InvalidateClient(client.KeyId);
        }

        return outcome;
    }

    private static IpAllowList? ParseAllowList(IReadOnlyList<string>? entries, FieldErrors errors)
    {
        var parsed = IpAllowList.Parse(entries);
        if (parsed.Failure?.Errors is { } reasons)
        {
            foreach (var (field, messages) in reasons)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }

        return parsed.Value;
    }

    private static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
