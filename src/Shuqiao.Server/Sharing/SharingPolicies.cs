namespace Shuqiao.Server.Sharing;

/// <summary>Who may call which sharing step at all; whether the caller is the right party for this request is the service's check.</summary>
public static class SharingPolicies
{
    /// <summary>A consumer's DataSteward or API client (申请方).</summary>
    public const string Requesters = "sharing-requesters";

    /// <summary>A provider's Approver, or a PlatformAdmin (the data authority's, checked by the service).</summary>
    public const string Reviewers = "sharing-reviewers";

    /// <summary>The data authority's PlatformAdmin (checked by the service).</summary>
    public const string Authority = "sharing-authority";
}
