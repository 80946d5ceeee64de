using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Credentials;

/// <summary>/api/v1/licence-types: licence types (证照类型) of the caller's organization (all of them for a PlatformAdmin).</summary>
public static class LicenceTypeEndpoints
{
    public static IEndpointRouteBuilder MapLicenceTypeEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/licence-types").WithTags("Licences").RequireAuthorization(Policies.Api, Policies.LicenceIssuers);
        group.MapGet("/", List).WithName("ListLicenceTypes");
        group.MapGet("/{id:guid}", Get).WithName("GetLicenceType");
        group.MapPost("/", Create).WithName("CreateLicenceType");
        group.MapPut("/{id:guid}", Update).WithName("UpdateLicenceType");
        group.MapPost("/{id:guid}/retire", Retire).WithName("RetireLicenceType");
        group.MapGet("/{id:guid}/csv-template", Template).WithName("GetLicenceTypeCsvTemplate");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<LicenceTypeResponse>>> List(LicenceService service, HttpContext context, string? status, CancellationToken cancellationToken)
    {
        LicenceTypeStatus? filter = Enum.TryParse<LicenceTypeStatus>(status, true, out var parsed) ? parsed : null;
        var types = await service.ListTypesAsync(LicenceScope.Of(context.User), filter, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<LicenceTypeResponse>>(types.Select(LicenceTypeResponse.Of).ToList());
    }

    private static async Task<Results<Ok<LicenceTypeResponse>, ProblemHttpResult>> Get(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.FindTypeAsync(id, LicenceScope.Of(context.User), cancellationToken) is { } type
            ? TypedResults.Ok(LicenceTypeResponse.Of(type))
            : Problems.NotFound("The licence type");

    private static async Task<Results<Created<LicenceTypeResponse>, ProblemHttpResult>> Create(LicenceTypeRequest request, LicenceService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.CreateTypeAsync(request, LicenceScope.Of(context.User), context.User.OrganizationOf(), context.ToActor(), cancellationToken);
        return outcome.Value is { } type
            ? TypedResults.Created($"/api/v1/licence-types/{type.Id}", LicenceTypeResponse.Of(type))
            : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<LicenceTypeResponse>, ProblemHttpResult>> Update(Guid id, LicenceTypeRequest request, LicenceService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.UpdateTypeAsync(id, request, LicenceScope.Of(context.User), context.ToActor(), cancellationToken);
        return outcome.Value is { } type ? TypedResults.Ok(LicenceTypeResponse.Of(type)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<LicenceTypeResponse>, ProblemHttpResult>> Retire(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.RetireTypeAsync(id, LicenceScope.Of(context.User), context.ToActor(), cancellationToken);
        return outcome.Value is { } type ? TypedResults.Ok(LicenceTypeResponse.Of(type)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Template(Guid id, LicenceService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (await service.FindTypeAsync(id, LicenceScope.Of(context.User), cancellationToken) is not { } type)
        {
            return Problems.NotFound("The licence type");
        }

        // With a BOM, so that Excel shows the Chinese header correctly.
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(LicenceCsv.Template(type))];
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"{type.Code}.csv");
    }
}
