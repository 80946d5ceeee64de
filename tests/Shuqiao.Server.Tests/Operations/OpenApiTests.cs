using System.Net;
using System.Text.Json;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Operations;

public sealed class OpenApiTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task The_OpenAPI_document_is_anonymous_and_describes_credentials_and_problem_responses()
    {
        var response = await server.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal("Shuqiao API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("v1", root.GetProperty("info").GetProperty("version").GetString());

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        var apiKey = schemes.GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("Authorization", apiKey.GetProperty("name").GetString());
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());

        var search = root.GetProperty("paths").GetProperty("/api/v1/audit/admin-events").GetProperty("get");
        var security = search.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList();
        Assert.Equal(["ApiKey", "Bearer"], security);
        var responses = search.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "403", "429" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"GET /api/v1/audit/admin-events does not describe {status}");
        }

        var problem = responses.GetProperty("401").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
        Assert.Equal("#/components/schemas/Problem", problem.GetProperty("$ref").GetString());
        Assert.True(root.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("properties").TryGetProperty("errors", out _));

        // A write on a resource with an id also documents 404 and 409.
        var update = root.GetProperty("paths").GetProperty("/api/v1/users/{id}").GetProperty("put").GetProperty("responses");
        Assert.True(update.TryGetProperty("404", out _));
        Assert.True(update.TryGetProperty("409", out _));

        // Operations endpoints are not part of the API description.
        Assert.False(root.GetProperty("paths").TryGetProperty("/metrics", out _));
    }

    [Fact]
    public async Task The_API_reference_page_loads_swagger_ui_from_the_node_itself()
    {
        var html = await ConsolePages.SignedInAsAsync(server, Core.Identity.Roles.DataSteward, "/console/api");

        Assert.Contains("/lib/swagger-ui/swagger-ui-bundle.js", html, StringComparison.Ordinal);
        Assert.Contains("/lib/swagger-ui/swagger-ui.css", html, StringComparison.Ordinal);
        Assert.Contains("url: '/openapi/v1.json'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
    }
}
