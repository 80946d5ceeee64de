using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Authorization;

/// <summary>
/// Every endpoint under /api of the running server × every caller: nobody (401), each console role with a personal
/// access token, and an API client. A caller the table allows must get past authentication and authorization (any
/// other answer, 400/404/409 included, is the endpoint's business but never a 5xx); any other caller gets 403.
/// The table is the review point: an endpoint it does not list, or a row for an endpoint that no longer exists,
/// fails the test, so a new endpoint cannot ship without someone deciding who may call it.
/// </summary>
public sealed partial class ApiAuthorizationMatrixTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    /// <summary>Who may call each endpoint ("METHOD /route/pattern" as routing sees it).</summary>
    private static readonly Dictionary<string, Who> Table = new(StringComparer.Ordinal)
    {
        // Users: an Auditor reads accounts, only a PlatformAdmin changes them; "me" is the caller itself.
        ["GET /api/v1/users/"] = Who.AuditReaders,
        ["GET /api/v1/users/me"] = Who.AnyCaller,               // an API client gets 404: it is not a user
        ["POST /api/v1/users/me/password"] = Who.AnyCaller,     // an API client gets 400: only a user's own token
        ["GET /api/v1/users/{id:guid}"] = Who.AuditReaders,
        ["POST /api/v1/users/"] = Who.PlatformAdmin,
        ["PUT /api/v1/users/{id:guid}"] = Who.PlatformAdmin,
        ["POST /api/v1/users/{id:guid}/unlock"] = Who.PlatformAdmin,
        ["POST /api/v1/users/{id:guid}/reset-password"] = Who.PlatformAdmin,

        // API clients: a PlatformAdmin manages all, a DataSteward its own organization's; a client may see itself.
        ["GET /api/v1/clients/me"] = Who.AnyCaller,             // a user gets 404: it is not a client
        ["POST /api/v1/clients/"] = Who.ClientManagers,
        ["GET /api/v1/clients/"] = Who.ClientManagers,
        ["GET /api/v1/clients/{id:guid}"] = Who.ClientManagers,
        ["PUT /api/v1/clients/{id:guid}"] = Who.ClientManagers,
        ["POST /api/v1/clients/{id:guid}/rotate"] = Who.ClientManagers,
        ["POST /api/v1/clients/{id:guid}/suspend"] = Who.ClientManagers,
        ["POST /api/v1/clients/{id:guid}/activate"] = Who.ClientManagers,
        ["DELETE /api/v1/clients/{id:guid}"] = Who.ClientManagers,

        // Personal access tokens belong to people: every role has its own, no system has any.
        ["POST /api/v1/tokens/"] = Who.AnyUser,
        ["GET /api/v1/tokens/"] = Who.AnyUser,
        ["DELETE /api/v1/tokens/{id:guid}"] = Who.AnyUser,

        // Organizations: the node's tree is read by every caller (department systems resolve codes); a
        // PlatformAdmin changes it.
        ["GET /api/v1/organizations/"] = Who.AnyCaller,
        ["GET /api/v1/organizations/tree"] = Who.AnyCaller,
        ["GET /api/v1/organizations/{id:guid}"] = Who.AnyCaller,
        ["GET /api/v1/organizations/by-code/{code}"] = Who.AnyCaller,
        ["POST /api/v1/organizations/"] = Who.PlatformAdmin,
        ["PUT /api/v1/organizations/{id:guid}"] = Who.PlatformAdmin,
        ["POST /api/v1/organizations/{id:guid}/disable"] = Who.PlatformAdmin,
        ["POST /api/v1/organizations/{id:guid}/enable"] = Who.PlatformAdmin,
        ["POST /api/v1/organizations/import"] = Who.PlatformAdmin,

        // Catalog (政务信息资源目录): the directory every caller reads (another organization's drafts answer 404);
        // a PlatformAdmin or the provider's DataSteward writes (another organization's resource: 404 or 403).
        ["GET /api/v1/resources/"] = Who.AnyCaller,
        ["GET /api/v1/resources/{code}"] = Who.AnyCaller,
        ["GET /api/v1/resources/{code}/versions"] = Who.AnyCaller,
        ["GET /api/v1/resources/{code}/versions/{version}"] = Who.AnyCaller,
        ["POST /api/v1/resources/"] = Who.ClientManagers,
        ["PUT /api/v1/resources/{code}"] = Who.ClientManagers,
        ["POST /api/v1/resources/{code}/publish"] = Who.ClientManagers,
        ["POST /api/v1/resources/{code}/retire"] = Who.ClientManagers,
        ["GET /api/v1/catalog.jsonld"] = Who.AnyCaller,
        ["GET /api/v1/catalog.csv"] = Who.AnyCaller,
        ["GET /api/v1/catalog/taxonomy"] = Who.AnyCaller,

        // Ledger: the same facts are public under /ledger (C2SP tiles, no personal data), so every API caller may read
        // them as JSON; running the integrity check is for the data bureau's administrators and auditors.
        ["GET /api/v1/ledger/"] = Who.AnyCaller,
        ["GET /api/v1/ledger/entries/{index:long}"] = Who.AnyCaller,
        ["GET /api/v1/ledger/proofs/inclusion"] = Who.AnyCaller,
        ["GET /api/v1/ledger/proofs/consistency"] = Who.AnyCaller,
        ["GET /api/v1/ledger/receipts/{index:long}"] = Who.AnyCaller,
        ["GET /api/v1/ledger/receipts/by-event/{auditEventId:guid}"] = Who.AnyCaller,
        ["POST /api/v1/ledger/verify"] = Who.AuditReaders,

        // Electronic licences (电子证照): issued and managed by departments — a PlatformAdmin, a DataSteward or the
        // department's API client, each for its own organization; the trust list is read by everyone and kept by the
        // data bureau; linking a portal user to a holder is a PlatformAdmin's counter task.
        ["GET /api/v1/licence-types/"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licence-types/{id:guid}"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licence-types/{id:guid}/csv-template"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licence-types/"] = Who.ClientManagers | Who.ApiClient,
        ["PUT /api/v1/licence-types/{id:guid}"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licence-types/{id:guid}/retire"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licences/"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licences/{id:guid}"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licences/{id:guid}/credential"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licences/{id:guid}/jwt"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/licences/{id:guid}/verifications"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licences/"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licences/bulk"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licences/{id:guid}/revoke"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licences/{id:guid}/suspend"] = Who.ClientManagers | Who.ApiClient,
        ["POST /api/v1/licences/{id:guid}/reinstate"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/trust-list/"] = Who.AnyCaller,
        // Only a PlatformAdmin of the node's data authority keeps the trust list: the matrix's organization is not one,
        // so here everyone is refused (TrustAndPresentationTests covers the data authority's administrator).
        ["POST /api/v1/trust-list/"] = Who.Nobody,
        ["DELETE /api/v1/trust-list/{id:guid}"] = Who.Nobody,
        ["GET /api/v1/licence-holders/{userId:guid}"] = Who.PlatformAdmin,
        ["PUT /api/v1/licence-holders/{userId:guid}"] = Who.PlatformAdmin,
        ["DELETE /api/v1/licence-holders/{userId:guid}"] = Who.PlatformAdmin,
        // Ingestion (数据归集): the provider's systems and data stewards load and read its batches (another
        // organization's answer 404, checked by the service); a PlatformAdmin any.
        ["POST /api/v1/resources/{code}/batches"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/resources/{code}/batches"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/batches/{id:guid}"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/batches/{id:guid}/rejections.csv"] = Who.ClientManagers | Who.ApiClient,
        // Quality (数据质量): scores are read by every caller who sees the resource (samples only by the provider,
        // PlatformAdmin and Auditor, decided by the service); the provider's systems and stewards or a PlatformAdmin
        // measure on demand (another organization: 404); the ranking is for the data authority.
        ["GET /api/v1/resources/{code}/quality"] = Who.AnyCaller,
        ["GET /api/v1/resources/{code}/quality/history"] = Who.AnyCaller,
        ["POST /api/v1/resources/{code}/quality/runs"] = Who.ClientManagers | Who.ApiClient,
        ["GET /api/v1/quality/ranking"] = Who.AuditReaders,

        // Sharing (供需对接): a consumer's DataSteward or API client requests, withdraws and disputes; the provider's
        // Approver reviews (a PlatformAdmin of the data authority decides escalated requests); co-approval of 核心 fields
        // and arbitration are the data authority's PlatformAdmin's. Requests and grants of other organizations answer 404.
        ["POST /api/v1/sharing-requests/"] = Who.DataSteward | Who.ApiClient,
        ["GET /api/v1/sharing-requests/"] = Who.AnyCaller,
        ["GET /api/v1/sharing-requests/{id:guid}"] = Who.AnyCaller,
        ["POST /api/v1/sharing-requests/{id:guid}/review"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/sharing-requests/{id:guid}/approve"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/sharing-requests/{id:guid}/reject"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/sharing-requests/{id:guid}/co-approve"] = Who.PlatformAdmin,
        ["POST /api/v1/sharing-requests/{id:guid}/arbitrate"] = Who.PlatformAdmin,
        ["POST /api/v1/sharing-requests/{id:guid}/withdraw"] = Who.DataSteward | Who.ApiClient,
        ["POST /api/v1/sharing-requests/{id:guid}/dispute"] = Who.DataSteward | Who.ApiClient,
        ["GET /api/v1/grants/"] = Who.AnyCaller,
        ["GET /api/v1/grants/{id:guid}"] = Who.AnyCaller,
        ["POST /api/v1/grants/{id:guid}/suspend"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/grants/{id:guid}/resume"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/grants/{id:guid}/revoke"] = Who.Approver | Who.PlatformAdmin,
        ["POST /api/v1/grants/{id:guid}/renew"] = Who.Approver | Who.PlatformAdmin,
        // Notifications are the caller's organization's; its webhook is kept by its DataSteward (a PlatformAdmin: any).
        ["GET /api/v1/notifications/"] = Who.AnyCaller,
        ["POST /api/v1/notifications/read"] = Who.AnyCaller,
        ["GET /api/v1/organizations/{id:guid}/webhook/"] = Who.ClientManagers,
        ["PUT /api/v1/organizations/{id:guid}/webhook/"] = Who.ClientManagers,
        ["GET /api/v1/organizations/{id:guid}/webhook/deliveries"] = Who.ClientManagers,

        // Admin audit and the dashboard figures: PlatformAdmin and Auditor.
        ["GET /api/v1/audit/admin-events"] = Who.AuditReaders,
        ["GET /api/v1/audit/admin-events.csv"] = Who.AuditReaders,
        ["GET /api/v1/insights/dashboard"] = Who.AuditReaders,

        // Exchange gateway (数据交换): API clients only; what they get is decided by their organization's grant.
        // Access audit (访问审计): PlatformAdmin and Auditor.
        ["GET /api/v1/exchange/{resource}/records/{key}"] = Who.ApiClient,
        ["POST /api/v1/exchange/{resource}/query"] = Who.ApiClient,
        ["POST /api/v1/exchange/{resource}/verify"] = Who.ApiClient,
        ["GET /api/v1/exchange/{resource}/changes"] = Who.ApiClient,
        ["GET /api/v1/audit/events"] = Who.AuditReaders,
        ["GET /api/v1/audit/events.csv"] = Who.AuditReaders,
        ["POST /api/v1/audit/subjects"] = Who.AuditReaders,
    };

    [Fact]
    public void The_table_lists_exactly_the_endpoints_the_server_maps_under_api()
    {
        var mapped = ApiEndpoints(server).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        var unlisted = mapped.Where(k => !Table.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var gone = Table.Keys.Where(k => !mapped.Contains(k)).Order(StringComparer.Ordinal).ToList();

        Assert.True(
            unlisted.Count == 0 && gone.Count == 0,
            (unlisted.Count > 0 ? "Endpoints missing from the authorization table (decide who may call them):\n" + string.Join('\n', unlisted.Select(k => $"    [\"{k}\"] = Who.?,")) + "\n" : "") +
            (gone.Count > 0 ? "Table rows for endpoints the server no longer maps:\n" + string.Join('\n', gone.Select(k => "    " + k)) : ""));
    }

    [Fact]
    public async Task Every_caller_gets_exactly_the_access_the_table_gives_on_every_endpoint()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "权限矩阵测试局");
        var callers = new List<(Who Who, HttpClient Client)> { (Who.Anonymous, server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })) };
        foreach (var (who, role) in Callers.UserRoles)
        {
            callers.Add((who, await server.ApiAsUserAsync(org, role)));
        }

        callers.Add((Who.ApiClient, (await server.ApiAsClientAsync(org)).client));

        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in ApiEndpoints(server).Where(e => Table.ContainsKey(e.Key)))
        {
            var allowed = Table[endpoint.Key];
            foreach (var (who, client) in callers)
            {
                using var response = await client.SendAsync(Request(endpoint));
                checkedCount++;
                var status = (int)response.StatusCode;
                var expected = allowed.Allows(who) ? "allowed (not 401/403, not 5xx)" : who == Who.Anonymous ? "401" : "403";
                var ok = allowed.Allows(who)
                    ? status is not (401 or 403) && status < 500
                    : status == (who == Who.Anonymous ? 401 : 403);
                if (!ok)
                {
                    mismatches.Add($"{endpoint.Key} as {who}: expected {expected}, got {status}");
                }
                else if (!allowed.Allows(who) && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    mismatches.Add($"{endpoint.Key} as {who}: {status} without a problem+json body");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {checkedCount} checks disagree with the table:\n" + string.Join('\n', mismatches));
        Assert.Equal(Table.Count * callers.Count, checkedCount);
    }

    [Fact]
    public async Task A_console_session_cookie_alone_is_refused_with_401_on_every_endpoint()
    {
        var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "权限矩阵测试局");
        var admin = await server.CreateUserAsync(org, "mx-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.PlatformAdmin);
        var browser = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleLoginTests.PostLoginAsync(browser, admin.Login, ServerFactory.TestPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/users")).StatusCode); // the session works where it belongs

        var accepted = new List<string>();
        foreach (var endpoint in ApiEndpoints(server))
        {
            using var response = await browser.SendAsync(Request(endpoint));
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                accepted.Add($"{endpoint.Key}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
        }

        Assert.True(accepted.Count == 0, "A console cookie must not authenticate an API call:\n" + string.Join('\n', accepted));
    }

    /// <param name="ContentType">The first media type the endpoint declares it accepts (routing answers 415 to others before authorization).</param>
    internal sealed record ApiEndpoint(string Method, string Pattern, string? ContentType)
    {
        public string Key => $"{Method} {Pattern}";
    }

    /// <summary>Every (method, route) the running server maps under /api, from its endpoint data source.</summary>
    internal static List<ApiEndpoint> ApiEndpoints(ServerFactory server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (
                Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods,
                Accepts: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is [var first, ..] ? first : null))
            .Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Methods is { Count: > 0 } methods ? methods : ["GET"]).Select(m => new ApiEndpoint(m, e.Pattern, e.Accepts)))
            .Distinct()
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// A request to the endpoint with its route parameters filled (a new GUID, a valid credit code, …) and, for methods
    /// with a body, an empty JSON object (or an empty body of the media type the endpoint declares): enough to get
    /// through routing to authorization, and harmless when allowed.
    /// </summary>
    internal static HttpRequestMessage Request(ApiEndpoint endpoint)
    {
        var path = RouteParameter().Replace(endpoint.Pattern, m =>
        {
            var name = m.Groups["name"].Value;
            var constraint = m.Groups["constraint"].Value;
            return constraint.Contains("guid", StringComparison.OrdinalIgnoreCase) ? Guid.NewGuid().ToString()
                : constraint.Contains("int", StringComparison.OrdinalIgnoreCase) || constraint.Contains("long", StringComparison.OrdinalIgnoreCase) ? "1"
                : name.Contains("code", StringComparison.OrdinalIgnoreCase) ? TestData.NewCreditCode()
                : "x";
        });
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = endpoint.ContentType is { } declared && declared != "application/json"
                ? new StringContent("", Encoding.UTF8, declared)
                : new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<constraint>[^}]*)\}")]
    private static partial Regex RouteParameter();
}
