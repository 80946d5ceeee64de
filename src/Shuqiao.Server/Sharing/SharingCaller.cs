using System.Security.Claims;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Sharing;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Sharing;

/// <summary>
/// Who is asking, as far as sharing cares: the organization, whether it is a data authority (数据主管部门), and the
/// roles. A request is seen by its requester's and provider's organizations and by the data authority; others get 404.
/// </summary>
public sealed record SharingCaller(Guid? Id, Guid OrganizationId, bool IsClient, bool IsSteward, bool IsApprover, bool IsPlatformAdmin, bool OrganizationIsAuthority)
{
    public static SharingCaller Of(ClaimsPrincipal principal, Guid organizationId, bool organizationIsAuthority)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new SharingCaller(
            principal.UserOrClientId(), organizationId, principal.IsApiClient(), principal.IsInRole(Roles.DataSteward),
            principal.IsInRole(Roles.Approver), principal.IsInRole(Roles.PlatformAdmin), organizationIsAuthority);
    }

    /// <summary>The data authority acts through its PlatformAdmins.</summary>
    public bool IsAuthority => OrganizationIsAuthority && IsPlatformAdmin && !IsClient;

    public bool Sees(Guid requesterOrganizationId, Guid providerId) =>
        OrganizationIsAuthority || OrganizationId == requesterOrganizationId || OrganizationId == providerId;

    public bool Sees(SharingRequest request) => Sees(request.RequesterOrganizationId, request.ProviderId);

    /// <summary>A consumer's DataSteward or API client may submit, withdraw and dispute for its organization.</summary>
    public bool Requests(Guid requesterOrganizationId) => OrganizationId == requesterOrganizationId && (IsSteward || IsClient);

    public bool IsProviderApprover(Guid providerId) => OrganizationId == providerId && IsApprover && !IsClient;

    /// <summary>The capacity in which this caller reviews, preferring the one the step needs; null if none.</summary>
    public ReviewerCapacity? CapacityFor(Guid providerId, ReviewerCapacity? needed)
    {
        var provider = IsProviderApprover(providerId);
        if (needed == ReviewerCapacity.Provider && provider)
        {
            return ReviewerCapacity.Provider;
        }

        if (needed == ReviewerCapacity.DataAuthority && IsAuthority)
        {
            return ReviewerCapacity.DataAuthority;
        }

        return provider ? ReviewerCapacity.Provider : IsAuthority ? ReviewerCapacity.DataAuthority : null;
    }
}
