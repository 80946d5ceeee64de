using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Tests.Identity;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Authorization;

/// <summary>
/// Every Razor page of the running server × every console role (signed in through the login form) and nobody.
/// Allowed: the page answers as it normally does. Not allowed: signed-in users are sent to /console/denied (a page
/// about one resource may answer 403 or 404 instead), visitors to /console/login. A page the table does not list,
/// or a row for a page that no longer exists, fails the test.
/// </summary>
public sealed class PageAuthorizationMatrixTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    /// <summary>How an allowed GET answers: 200, or a redirect to a page other than login/denied, or a fixed status.</summary>
    /// <param name="RefusedTo">Where a page of its own sign-in sends everyone else (the portal's /portal/login), instead of
    /// the console's login or denied page.</param>
    private sealed record Rule(Who Allowed, HttpStatusCode Answer = HttpStatusCode.OK, string? RedirectsTo = null, string? RefusedTo = null);

    /// <summary>Who may open each page (its route template as routing sees it).</summary>
    private static readonly Dictionary<string, Rule> Table = new(StringComparer.Ordinal)
    {
        ["/"] = new(Who.Everyone, HttpStatusCode.Redirect, "/console"),
        ["/console/login"] = new(Who.Everyone),
        ["/console/denied"] = new(Who.Everyone, HttpStatusCode.Forbidden),   // the refusal page itself answers 403
        ["/console/culture"] = new(Who.Everyone),                              // POST sets the language; GET renders nothing
        ["/console/logout"] = new(Who.AnyUser, HttpStatusCode.Redirect, "/console"), // signing out is a POST

        ["/console"] = new(Who.AnyUser),
        ["/console/api"] = new(Who.AnyUser),
        ["/console/account/password"] = new(Who.AnyUser),
        ["/console/account/tokens"] = new(Who.AnyUser),

        ["/console/organizations"] = new(Who.AnyUser),
        ["/console/organizations/{id:guid}"] = new(Who.AnyUser),
        ["/console/organizations/new"] = new(Who.PlatformAdmin),
        ["/console/organizations/import"] = new(Who.PlatformAdmin),
        ["/console/organizations/{id:guid}/edit"] = new(Who.PlatformAdmin),

        ["/console/users"] = new(Who.AuditReaders),
        ["/console/users/{id:guid}"] = new(Who.AuditReaders),
        ["/console/users/new"] = new(Who.PlatformAdmin),

        ["/console/clients"] = new(Who.ClientManagers),
        ["/console/clients/new"] = new(Who.ClientManagers),
        ["/console/clients/{id:guid}"] = new(Who.ClientManagers),             // a DataSteward: its own organization's

        ["/console/audit"] = new(Who.AuditReaders),

        ["/console/ledger"] = new(Who.AuditReaders),
        ["/console/ledger/entries/{index:long}"] = new(Who.AuditReaders),
        ["/console/ledger/events/{id:guid}"] = new(Who.AuditReaders, HttpStatusCode.NotFound), // an event with no ledger entry

        ["/console/licences"] = new(Who.ClientManagers),                      // licence issuers: PlatformAdmin, DataSteward
        ["/console/licences/issue"] = new(Who.ClientManagers),
        ["/console/licences/bulk"] = new(Who.ClientManagers),
        ["/console/licences/types"] = new(Who.ClientManagers),
        ["/console/licences/{id:guid}"] = new(Who.ClientManagers, HttpStatusCode.NotFound),   // no such licence
        ["/console/licences/trust-list"] = new(Who.PlatformAdmin),
        ["/console/licences/holders"] = new(Who.PlatformAdmin),
        ["/licences/{id:guid}/print"] = new(Who.AnyUser, HttpStatusCode.NotFound),           // issuer staff or holder; no such licence

        // The public side: anyone verifies; the portal is for citizens and companies with their own sign-in page.
        ["/verify"] = new(Who.Everyone),
        ["/portal/login"] = new(Who.Everyone),
        ["/portal"] = new(Who.Citizen, RefusedTo: "/portal/login"),
        ["/portal/preferences"] = new(Who.Everyone, HttpStatusCode.Redirect, "/portal"),     // the 适老化 switch is a POST; GET goes back
        ["/portal/licences/{id:guid}"] = new(Who.Citizen, HttpStatusCode.NotFound),          // only the holder's own; no such licence

        ["/console/catalog"] = new(Who.AnyUser),
        ["/console/catalog/{code}"] = new(Who.AnyUser),
        ["/console/catalog/new"] = new(Who.ClientManagers),                  // catalog editors: PlatformAdmin, DataSteward
        ["/console/catalog/{code}/edit"] = new(Who.ClientManagers),          // a DataSteward: its own organization's
        ["/console/catalog/{code}/upload"] = new(Who.ClientManagers),        // a DataSteward: its own organization's resources
        ["/console/batches/{id:guid}"] = new(Who.ClientManagers),            // a DataSteward: its own organization's batches
        ["/console/catalog/{code}/quality"] = new(Who.AnyUser),              // samples only for the provider, PlatformAdmin, Auditor
        ["/console/catalog/{code}/usage"] = new(Who.AnyUser),                // the provider's users, PlatformAdmin, Auditor; others 404
        ["/console/audit/access"] = new(Who.AuditReaders),
        ["/console/quality"] = new(Who.AuditReaders),                        // 部门数据质量排名: the data authority

        // Sharing (供需对接): everyone sees their own organization's requests, grants and notifications (others': 404);
        // only a consumer's DataSteward opens the request form (it needs ?resource=, hence 404 here).
        ["/console/sharing"] = new(Who.AnyUser),
        ["/console/sharing/new"] = new(Who.DataSteward, HttpStatusCode.NotFound),
        ["/console/sharing/{id:guid}"] = new(Who.AnyUser, HttpStatusCode.NotFound),  // no such request
        ["/console/grants"] = new(Who.AnyUser),
        ["/console/grants/{id:guid}"] = new(Who.AnyUser, HttpStatusCode.NotFound),   // no such grant
        ["/console/notifications"] = new(Who.AnyUser),
    };

    [Fact]
    public void The_table_lists_exactly_the_pages_the_server_maps()
    {
        var mapped = PageRoutes().ToHashSet(StringComparer.Ordinal);

        var unlisted = mapped.Where(p => !Table.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var gone = Table.Keys.Where(p => !mapped.Contains(p)).Order(StringComparer.Ordinal).ToList();

        Assert.True(
            unlisted.Count == 0 && gone.Count == 0,
            (unlisted.Count > 0 ? "Pages missing from the authorization table (decide who may open them):\n" + string.Join('\n', unlisted.Select(p => $"    [\"{p}\"] = new(Who.?),")) + "\n" : "") +
            (gone.Count > 0 ? "Table rows for pages the server no longer maps:\n" + string.Join('\n', gone.Select(p => "    " + p)) : ""));
    }

    [Fact]
    public async Task Every_role_and_visitor_gets_exactly_the_pages_the_table_gives()
    {
        var world = await World.CreateAsync(server);
        var callers = new List<(Who Who, HttpClient Browser)> { (Who.Anonymous, Browser()) };
        foreach (var (who, role) in Callers.UserRoles)
        {
            callers.Add((who, await SignedInAsync(world.OrganizationId, role)));
        }

        var mismatches = new List<string>();
        foreach (var route in PageRoutes().Where(Table.ContainsKey))
        {
            var rule = Table[route];
            var path = world.PathOf(route);
            foreach (var (who, browser) in callers)
            {
                using var response = await browser.GetAsync(path);
                if (Judge(rule, who, response) is { } problem)
                {
                    mismatches.Add($"GET {path} ({route}) as {who}: {problem}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} page checks disagree with the table:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public async Task An_api_key_or_token_in_the_Authorization_header_opens_no_console_page()
    {
        var world = await World.CreateAsync(server);
        var admin = await server.CreateUserAsync(world.OrganizationId, "pm-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.PlatformAdmin);
        var headers = new List<(string Name, HttpClient Client)>
        {
            ("a PlatformAdmin's token", server.ClientWith(AuthSchemes.Bearer, await server.CreateTokenAsync(admin))),
            ("an API key", (await server.ApiAsClientAsync(world.OrganizationId)).client),
        };

        var opened = new List<string>();
        foreach (var route in PageRoutes().Where(r => Table.TryGetValue(r, out var rule) && !rule.Allowed.Allows(Who.Anonymous)))
        {
            foreach (var (name, client) in headers)
            {
                using var response = await client.GetAsync(world.PathOf(route));
                if (Judge(Table[route], Who.Anonymous, response) is { } problem)
                {
                    opened.Add($"GET {route} with {name}: {problem}");
                }
            }
        }

        Assert.True(opened.Count == 0, "Console pages must take the console cookie only:\n" + string.Join('\n', opened));
    }

    /// <summary>Null when the response is what the rule says for this caller, otherwise what was wrong.</summary>
    private static string? Judge(Rule rule, Who who, HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.AbsolutePath : l.OriginalString.Split('?')[0]) : null;
        if (rule.Allowed.Allows(who))
        {
            if (status != rule.Answer)
            {
                return $"allowed, expected {(int)rule.Answer}, got {(int)status}{(location is null ? "" : " → " + location)}";
            }

            return rule.RedirectsTo is not null && location != rule.RedirectsTo ? $"allowed, expected a redirect to {rule.RedirectsTo}, got one to {location}" : null;
        }

        if (rule.RefusedTo is { } refusedTo)
        {
            return status == HttpStatusCode.Redirect && location == refusedTo ? null : $"expected a redirect to {refusedTo}, got {(int)status} {location}";
        }

        if (who == Who.Anonymous)
        {
            return status == HttpStatusCode.Redirect && location == "/console/login" ? null : $"expected a redirect to /console/login, got {(int)status} {location}";
        }

        return (status == HttpStatusCode.Redirect && location == "/console/denied") || status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
            ? null
            : $"not allowed, expected a redirect to /console/denied (or 403/404), got {(int)status} {location}";
    }

    /// <summary>Every page route the running server maps, from its endpoint data source.</summary>
    private List<string> PageRoutes() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    private HttpClient Browser() => server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInAsync(Guid organizationId, string role)
    {
        var user = await server.CreateUserAsync(organizationId, "pm-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, role);
        var browser = Browser();
        var login = await ConsoleLoginTests.PostLoginAsync(browser, user.Login, ServerFactory.TestPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return browser;
    }

    /// <summary>An organization with a user and an API client, whose ids fill the pages' route parameters.</summary>
    private sealed record World(Guid OrganizationId, Guid UserId, Guid ClientId, string ResourceSlug, Guid BatchId)
    {
        public static async Task<World> CreateAsync(ServerFactory server)
        {
            var org = await TestData.InsertOrganizationAsync(server.ConnectionString, "页面权限测试局");
            var user = await server.CreateUserAsync(org, "pw-" + Guid.NewGuid().ToString("N")[..10], ServerFactory.TestPassword, Roles.Approver);
            var (_, clientId, _) = await server.ApiAsClientAsync(org);
            var steward = await server.ApiAsUserAsync(org, Roles.DataSteward);
            var resource = await Catalog.CatalogRequests.PublishedAsync(steward, Catalog.CatalogRequests.Resource("页面权限测试资源", Catalog.CatalogRequests.NewCategory(), providerId: org, fields: Catalog.CatalogRequests.IdNumberField()));
            var slug = resource.GetProperty("slug").GetString()!;
            // A refused batch (a bad ID number) is a batch all the same: its page shows the refusal.
            using var csv = new StringContent("idNumber,name\nnot-a-number,张三\n", System.Text.Encoding.UTF8, "text/csv");
            var refused = await (await steward.PostAsync($"/api/v1/resources/{slug}/batches", csv)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            return new World(org, user.Id, clientId, slug, refused.GetProperty("batch").GetProperty("id").GetGuid());
        }

        /// <summary>The page's path with its parameters filled; a page with a parameter no case covers fails here.</summary>
        public string PathOf(string route) => route switch
        {
            "/console/organizations/{id:guid}" => $"/console/organizations/{OrganizationId}",
            "/console/organizations/{id:guid}/edit" => $"/console/organizations/{OrganizationId}/edit",
            "/console/users/{id:guid}" => $"/console/users/{UserId}",
            "/console/clients/{id:guid}" => $"/console/clients/{ClientId}",
            "/console/catalog/{code}" => $"/console/catalog/{ResourceSlug}",
            "/console/licences/{id:guid}" => $"/console/licences/{Guid.NewGuid()}",
            "/licences/{id:guid}/print" => $"/licences/{Guid.NewGuid()}/print",
            "/portal/licences/{id:guid}" => $"/portal/licences/{Guid.NewGuid()}",
            "/console/ledger/entries/{index:long}" => "/console/ledger/entries/0",   // World's own admin changes made entries
            "/console/ledger/events/{id:guid}" => $"/console/ledger/events/{Guid.NewGuid()}",
            "/console/catalog/{code}/edit" => $"/console/catalog/{ResourceSlug}/edit",
            "/console/catalog/{code}/upload" => $"/console/catalog/{ResourceSlug}/upload",
            "/console/batches/{id:guid}" => $"/console/batches/{BatchId}",
            "/console/catalog/{code}/quality" => $"/console/catalog/{ResourceSlug}/quality",
            "/console/catalog/{code}/usage" => $"/console/catalog/{ResourceSlug}/usage",
            "/console/sharing/{id:guid}" => $"/console/sharing/{Guid.NewGuid()}",
            "/console/grants/{id:guid}" => $"/console/grants/{Guid.NewGuid()}",
            _ when route.Contains('{', StringComparison.Ordinal) => throw new InvalidOperationException($"Give {route} an existing resource in {nameof(World)}.{nameof(PathOf)}."),
            _ => route,
        };
    }
}
