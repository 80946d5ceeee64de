using Microsoft.AspNetCore.Http.HttpResults;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Sharing;

/// <summary>The organization's notifications (console inbox) and its webhook.</summary>
public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var inbox = routes.MapGroup("/api/v1/notifications").WithTags("Sharing").RequireAuthorization(Policies.Api);
        inbox.MapGet("/", List).WithName("ListNotifications").WithSummary("The caller's organization's notifications, newest first");
        inbox.MapPost("/read", MarkRead).WithName("MarkNotificationsRead").WithSummary("Mark one notification (id) or all as read");

        var hooks = routes.MapGroup("/api/v1/organizations/{id:guid}/webhook").WithTags("Sharing").RequireAuthorization(Policies.Api);
        hooks.MapGet("/", GetWebhook).WithName("GetOrganizationWebhook").RequireAuthorization(Policies.ClientManagers);
        hooks.MapPut("/", PutWebhook).WithName("SetOrganizationWebhook").RequireAuthorization(Policies.ClientManagers)
            .WithSummary("Set the webhook URL; the signing secret is issued on first set-up or with rotateSecret and shown once");
        hooks.MapGet("/deliveries", Deliveries).WithName("ListWebhookDeliveries").RequireAuthorization(Policies.ClientManagers);
        return routes;
    }

    public sealed record MarkReadBody(Guid? Id = null);

    private static async Task<Results<Ok<Page<NotificationResponse>>, ProblemHttpResult>> List(
        HttpContext context, SharingService service, bool? unread, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The organization");
        }

        var page = await service.NotificationsAsync(caller, unread ?? false, cursor, limit ?? Cursor.DefaultLimit, cancellationToken);
        return page.Value is { } found
            ? TypedResults.Ok(new Page<NotificationResponse>(found.Items.Select(NotificationResponse.Of).ToList(), found.NextCursor))
            : Problems.From(page.Failure!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(MarkReadBody body, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        if (await service.CallerAsync(context.User, cancellationToken) is not { } caller)
        {
            return Problems.NotFound("The organization");
        }

        await service.MarkReadAsync(caller, body.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(Guid id, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        var outcome = await service.GetWebhookAsync(id, context.User, cancellationToken);
        return outcome.Value is { } view ? TypedResults.Ok(WebhookResponse.Of(view)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> PutWebhook(Guid id, WebhookBody body, HttpContext context, SharingService service, CancellationToken cancellationToken)
    {
        var outcome = await service.SetWebhookAsync(id, body, context.User, context.ToActor(), cancellationToken);
        return outcome.Value is { } view ? TypedResults.Ok(WebhookResponse.Of(view)) : Problems.From(outcome.Failure!);
    }

    private static async Task<Results<Ok<IReadOnlyList<DeliveryResponse>>, ProblemHttpResult>> Deliveries(Guid id, HttpContext context, SharingService service, CancellationToken cancellationToken) =>
        SharingService.ManagesWebhook(context.User, id)
            ? TypedResults.Ok<IReadOnlyList<DeliveryResponse>>((await service.DeliveriesAsync(id, context.User, cancellationToken)).Select(DeliveryResponse.Of).ToList())
            : Problems.NotFound("The webhook");
}
