using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Shuqiao.Server.Operations;

/// <summary>How the node is run and watched: health, metrics, shutdown (docs/operations.md).</summary>
public sealed class OperationsOptions
{
    public const string Section = "Shuqiao:Operations";

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.0.0.0/8</c>, <c>::1/128</c>) allowed to scrape <c>/metrics</c>; empty lets anyone.
    /// Behind a reverse proxy the address seen is the proxy's unless it is listed in <c>Shuqiao:Security:TrustedProxies</c>.
    /// </summary>
    public string[] MetricsAllowedNetworks { get; set; } = [];

    /// <summary>How long in-flight requests may take to finish after SIGTERM/SIGINT before they are aborted.</summary>
    [Range(1, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>How long one readiness check may wait for PostgreSQL before the node reports itself unready.</summary>
    [Range(1, 60)]
    public int HealthCheckTimeoutSeconds { get; set; } = 3;

    internal static bool NetworksAreValid(OperationsOptions options) =>
        options.MetricsAllowedNetworks.All(n => IPNetwork.TryParse(n.Trim(), out _));
}
