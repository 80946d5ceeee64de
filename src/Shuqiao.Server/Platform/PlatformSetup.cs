using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using Npgsql;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Platform.Localization;
using Shuqiao.Storage.Database;

namespace Shuqiao.Server.Platform;

/// <summary>What every capability stands on: options, database, errors, JSON, localization, security, pages.</summary>
public static class PlatformSetup
{
    public static WebApplicationBuilder AddShuqiaoPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ShuqiaoOptions>().BindConfiguration(ShuqiaoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations()
            .Validate(SecurityOptions.ProxiesAreValid, "Shuqiao:Security:TrustedProxies must hold IP addresses or CIDR ranges such as 10.0.0.5 or 10.9.0.0/16.").ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((forwarded, security) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not the framework's default of loopback, and as many hops as they are.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in security.Value.TrustedProxyNetworks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            forwarded.ForwardLimit = null;
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ShuqiaoDataSource.Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.ConnectionString));
        services.AddSingleton<Migrator>();
        services.AddHostedService<DatabaseStartup>();

        var maxBody = builder.Configuration.GetValue<long?>($"{ShuqiaoOptions.Section}:{nameof(ShuqiaoOptions.MaxRequestBodyBytes)}") ?? new ShuqiaoOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBody);

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDefaults.Complete);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Minimal APIs answer a body that fails to bind with a bare 400 unless they throw; throwing lets
        // BadRequestExceptionHandler say which field was wrong and why, in every environment.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json => ConfigureJson(json.SerializerOptions));

        // Chinese text is written as is in pages, not as &#x...; entities (smaller pages, readable source).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<IStringLocalizerFactory, JsonStringLocalizerFactory>();
        services.AddSingleton(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(JsonStringLocalizerFactory.DefaultCulture)
                .AddSupportedCultures(JsonStringLocalizerFactory.SupportedCultures)
                .AddSupportedUICultures(JsonStringLocalizerFactory.SupportedCultures);
            // Only the user's explicit choice (a cookie) switches language; zh-CN otherwise, whatever the browser says.
            options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });

        services.AddDataProtection().SetApplicationName("shuqiao");
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>, DataProtectionKeyRing>();

        services.AddShuqiaoAuthentication();
        services.AddAuthorizationBuilder().AddShuqiaoPolicies();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = "X-CSRF-TOKEN"; // htmx sends it on every request (see _Layout)
            options.Cookie.Name = "shuqiao.csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/";
                // Console pages authenticate by the console cookie only, whatever policy a page names: an API key or
                // token in an Authorization header never signs anyone in to the console (as cookies never reach the API).
                options.Conventions.AddFolderApplicationModelConvention("/", page =>
                    page.EndpointMetadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { AuthenticationSchemes = AuthSchemes.Console }));
            })
            .AddViewLocalization()
            .AddMvcOptions(mvc => mvc.Filters.Add(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute()));
        services.AddOpenApi();
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        // An unknown field is refused rather than silently dropped, so a typo never looks like success.
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    public static WebApplication UseShuqiaoPlatform(this WebApplication app)
    {
        // First, so that everything after it (allow-lists, sign-in records, rate limits, logs) sees the real client.
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter(); // per caller, so after authentication (Identity/Clients/ApiRateLimiting.cs)
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapRazorPages();
        return app;
    }
}
