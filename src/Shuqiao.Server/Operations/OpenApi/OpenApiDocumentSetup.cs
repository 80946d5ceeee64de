using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Shuqiao.Server.Operations.OpenApi;

/// <summary>
/// Completes the generated OpenAPI document (<c>/openapi/v1.json</c>, anonymous): what the API is, how to
/// authenticate (<c>ApiKey</c> for department systems, <c>Bearer</c> personal access tokens) and the RFC 9457
/// problem responses every operation can give.
/// </summary>
public static class OpenApiDocumentSetup
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";
    public const string ProblemSchema = "Problem";

    private const string Description = """
        The API of a Shuqiao (数桥) node: organizations, users and API clients, the data catalog, sharing requests
        and grants, the governed exchange gateway and the audit trail.

        **Authentication.** Department systems send `Authorization: ApiKey <keyId>.<secret>` (an API client's key,
        shown once when the client is created or rotated). People and automation send
        `Authorization: Bearer <tokenId>.<secret>` (a personal access token from the console). Console cookies are
        not accepted by the API.

        **Errors** are `application/problem+json` (RFC 9457) with `errors: { field: [reason] }` for invalid input and
        a `requestId` to quote when asking the node's operators. **Collections** are paged: pass the `nextCursor` of
        a page as `cursor` to get the next one; it is null on the last page.
        """;

    private static readonly (string Status, string Text)[] Problems =
    [
        ("400", "The request is invalid; `errors` names each field and why."),
        ("401", "No credential, or an unknown, expired, revoked or suspended one."),
        ("403", "The credential is valid but its roles do not allow this operation."),
        ("404", "Not found, or not visible to the caller's organization."),
        ("409", "Conflicts with the current state (a duplicate, or a stale `version`)."),
        ("429", "The client's rate limit is exhausted; retry after the `Retry-After` seconds."),
    ];

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Shuqiao API",
                Version = "v1",
                Description = Description,
            };
            EnsureComponents(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var path = context.Description.RelativePath ?? "";
            if (!path.StartsWith("api/", StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var document = context.Document ?? throw new InvalidOperationException("The OpenAPI document is not available to the operation transformer.");
            EnsureComponents(document);
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var secured = !metadata.OfType<IAllowAnonymous>().Any();
            if (secured)
            {
                // Two requirement objects: either scheme is enough (OpenAPI "OR").
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                ];
            }

            var method = context.Description.HttpMethod ?? "GET";
            var writes = method is "POST" or "PUT" or "PATCH" or "DELETE";
            var hasRouteValues = path.Contains('{', StringComparison.Ordinal);
            operation.Responses ??= [];
            foreach (var (status, text) in Problems)
            {
                var applies = status switch
                {
                    "401" or "403" or "429" => secured,
                    "404" => hasRouteValues,
                    "409" => writes,
                    _ => true,
                };
                if (applies && !operation.Responses.ContainsKey(status))
                {
                    operation.Responses[status] = ProblemResponse(text, document);
                }
                else if (applies && operation.Responses[status] is OpenApiResponse existing)
                {
                    existing.Description = string.IsNullOrEmpty(existing.Description) ? text : existing.Description;
                    existing.Content ??= new Dictionary<string, OpenApiMediaType>();
                    existing.Content.TryAdd("application/problem+json", new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) });
                }
            }

            return Task.CompletedTask;
        });
    }

    private static OpenApiResponse ProblemResponse(string text, OpenApiDocument document) => new()
    {
        Description = text,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };

    private static void EnsureComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(ApiKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "An API client's key: the header value is `ApiKey <keyId>.<secret>` (enter it with the `ApiKey ` prefix).",
        });
        document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "<tokenId>.<secret>",
            Description = "A personal access token: `Authorization: Bearer <tokenId>.<secret>`.",
        });
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(ProblemSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when asking the node's operators." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Reasons per field, for invalid input.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
        });
    }
}
