using Microsoft.Extensions.Options;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>Electronic licences (电子证照): issuing, verifying, status lists, trust list, portal (docs/credentials.md).</summary>
public static class CredentialsSetup
{
    public static IServiceCollection AddLicences(this IServiceCollection services)
    {
        services.AddOptions<CredentialsOptions>().BindConfiguration(CredentialsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CredentialsOptions>, CredentialsOptionsValidator>();

        services.AddSingleton<INationalCrypto>(NationalCrypto.Instance);
        services.AddSingleton<LicenceTypeStore>();
        services.AddSingleton<LicenceStore>();
        services.AddSingleton<IssuerKeyStore>();
        services.AddSingleton<TrustListStore>();
        services.AddSingleton<VerificationRecordStore>();
        services.AddSingleton<HolderLinkStore>();

        services.AddSingleton<IssuerKeyring>();
        services.AddSingleton<NodeAddress>();
        services.AddSingleton<StatusListService>();
        services.AddSingleton<IssuerDirectory>();
        services.AddSingleton<StatusListSource>();
        services.AddSingleton<IssuedCredentialRegistry>();
        services.AddScoped<LicenceService>();
        services.AddScoped<VerificationService>();
        services.AddScoped<TrustListService>();
        services.AddScoped<HolderService>();

        // Registered after the demo city's loader (Program.cs adds this capability after AddDemoData), so it runs after it.
        services.AddSingleton<Shuqiao.Server.Platform.IStartupTask, DemoLicences>();

        // Another node's status lists: no redirects (a redirect could lead away from the origin the trust list names).
        services.AddHttpClient(StatusListSource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return services;
    }

    public static IEndpointRouteBuilder MapLicences(this IEndpointRouteBuilder routes)
    {
        routes.MapVcApiEndpoints();
        routes.MapLicenceTypeEndpoints();
        routes.MapLicenceEndpoints();
        routes.MapTrustListEndpoints();
        return routes;
    }
}
