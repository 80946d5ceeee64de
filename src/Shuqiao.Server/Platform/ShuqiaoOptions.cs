using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Platform;

/// <summary>How this node runs. Demo mode loads the demo data set and writes its credentials; production never does.</summary>
public enum NodeMode
{
    Production,
    Demo,
}

public sealed class ShuqiaoOptions
{
    public const string Section = "Shuqiao";

    public NodeMode Mode { get; set; } = NodeMode.Production;

    /// <summary>Largest request body accepted, in bytes (default 10 MiB); larger bodies get 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// The address people and systems use to reach this node (e.g. https://data.example.gov.cn). When unset, the
    /// first address the server listens on is used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where demo mode writes the demo logins and keys (design §5).</summary>
    public string DemoCredentialsPath { get; set; } = ".data/demo-credentials.json";

    /// <summary>Maps benchmark-only baseline endpoints. Never set in production.</summary>
    public bool BenchmarkMode { get; set; }
}

public sealed class DatabaseOptions
{
    public const string Section = "Shuqiao:Database";

    /// <summary>An Npgsql connection string; set <c>Shuqiao__Database__ConnectionString</c> in production.</summary>
    [Required(ErrorMessage = "Set Shuqiao:Database:ConnectionString (environment variable Shuqiao__Database__ConnectionString).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>How long start-up waits for PostgreSQL before giving up.</summary>
    [Range(0, 3600)]
    public int StartupWaitSeconds { get; set; } = 60;
}

public sealed class SecurityOptions
{
    public const string Section = "Shuqiao:Security";

    /// <summary>Idle time after which a console session ends (sliding).</summary>
    [Range(1, 24 * 60)]
    public int SessionTimeoutMinutes { get; set; } = 30;

    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(8, 128)]
    public int MinimumPasswordLength { get; set; } = 10;

    [Range(1, 3650)]
    public int MaxTokenLifetimeDays { get; set; } = 365;

    /// <summary>How long an API key or token lookup is cached; changes made on this node invalidate at once.</summary>
    [Range(0, 3600)]
    public int CredentialCacheSeconds { get; set; } = 30;

    /// <summary>Default requests per minute for a new API client.</summary>
    [Range(1, 1_000_000)]
    public int DefaultClientRateLimitPerMinute { get; set; } = 600;

    /// <summary>
    /// Reverse proxies and load balancers in front of this node (addresses or CIDR ranges, e.g. <c>10.0.0.5</c>, <c>10.9.0.0/16</c>) whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed: the client address they report becomes the
    /// request's source address (API clients' IP allow-lists, sign-in records, <c>/metrics</c> access). Through a chain
    /// of them, addresses are taken from the right while they are trusted proxies. Empty (the default): the headers are
    /// ignored, so no caller can claim another address.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    // The same rules as an API client's IP allow-list: a range with host bits set (10.9.0.1/8) is a typo, not a network.
    internal static bool ProxiesAreValid(SecurityOptions options) => Core.Identity.IpAllowList.Parse(options.TrustedProxies, "TrustedProxies").Value is not null;

    /// <summary>The <see cref="TrustedProxies"/> as networks (validated at start-up).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks() => Core.Identity.IpAllowList.FromStored(TrustedProxies).Networks;
}
