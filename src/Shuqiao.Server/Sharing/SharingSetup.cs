using Shuqiao.Server.Platform;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shuqiao.Core.Identity;
using Shuqiao.Storage.Organizations;
using Shuqiao.Storage.Sharing;

namespace Shuqiao.Server.Sharing;

public static class SharingSetup
{
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        services.AddOptions<SharingOptions>().BindConfiguration(SharingOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.DaysAreValid(), "Shuqiao:Sharing:Holidays and WorkedWeekendDays are dates written yyyy-MM-dd.")
            .Validate(o => o.NetworksAreValid(), "Shuqiao:Sharing:WebhookAllowedNetworks are IP addresses or CIDR ranges (10.20.0.0/16).")
            .ValidateOnStart();
        services.AddAuthorizationBuilder()
            .AddPolicy(SharingPolicies.Requesters, p => p.RequireRole(Roles.DataSteward, Roles.ApiClient))
            .AddPolicy(SharingPolicies.Reviewers, p => p.RequireRole(Roles.Approver, Roles.PlatformAdmin))
            .AddPolicy(SharingPolicies.Authority, p => p.RequireRole(Roles.PlatformAdmin));
        services.AddSingleton<SharingRequestStore>();
        services.AddSingleton<GrantStore>();
        services.AddSingleton<NotificationStore>();
        services.TryAddSingleton<OrganizationStore>();
        services.AddScoped<SharingService>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<WebhookAddressGuard>().Handler());
        services.AddSingleton<SharingJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<SharingJobs>());
        services.AddSingleton<IStartupTask, SharingDemoData>();
        return services;
    }

    public static IEndpointRouteBuilder MapSharing(this IEndpointRouteBuilder routes)
    {
        routes.MapSharingEndpoints();
        routes.MapGrantEndpoints();
        routes.MapNotificationEndpoints();
        return routes;
    }
}
