using Microsoft.AspNetCore.Authorization;
using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Identity;

/// <summary>Named policies. Every endpoint and page names one; anything unnamed needs an authenticated user.</summary>
public static class Policies
{
    public const string Api = "api";                       // any API caller (client or token)
    public const string PlatformAdmin = "platform-admin";
    public const string ClientManagers = "client-managers";   // PlatformAdmin, or DataSteward for its own organization
    public const string AuditReaders = "audit-readers";       // PlatformAdmin, Auditor
    public const string ConsoleUser = "console-user";         // any signed-in user
    public const string TokenOwner = "token-owner";           // a user (console session or personal access token), never an API client
    public const string LicenceIssuers = "licence-issuers";   // PlatformAdmin, DataSteward or a department's API client (电子证照); own organization unless PlatformAdmin
    public const string Citizens = "citizens";                 // portal users (Citizen role), console session

    public static AuthorizationBuilder AddShuqiaoPolicies(this AuthorizationBuilder builder) => builder
        // Deny unless granted: endpoints and pages that name no policy still need a signed-in principal.
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
        .AddPolicy(Api, p => p.AddAuthenticationSchemes(AuthSchemes.Api).RequireAuthenticatedUser())
        .AddPolicy(PlatformAdmin, p => p.RequireRole(Roles.PlatformAdmin))
        .AddPolicy(ClientManagers, p => p.RequireRole(Roles.PlatformAdmin, Roles.DataSteward))
        .AddPolicy(AuditReaders, p => p.RequireRole(Roles.PlatformAdmin, Roles.Auditor))
        .AddPolicy(ConsoleUser, p => p.AddAuthenticationSchemes(AuthSchemes.Console).RequireAuthenticatedUser())
        .AddPolicy(TokenOwner, p => p.RequireAuthenticatedUser().RequireClaim(ShuqiaoClaims.Method, "cookie", "token"))
        .AddPolicy(LicenceIssuers, p => p.RequireRole(Roles.PlatformAdmin, Roles.DataSteward, Roles.ApiClient))
        .AddPolicy(Citizens, p => p.AddAuthenticationSchemes(AuthSchemes.Console).RequireRole(Roles.Citizen));
}
