using Shuqiao.Core.Organizations;
using Shuqiao.Server.Organizations;

namespace Shuqiao.Server.Identity;

/// <summary>
/// Drops the cached credentials of an organization's API clients and users when it is disabled or enabled, so that
/// the change applies to them on the very next request on this instance (not after CredentialCacheSeconds). Disabling
/// is refused while the organization has active clients, but a client activated under a disabled organization is
/// refused (and cached as such) until the organization is enabled again.
/// </summary>
public sealed class OrganizationStatusInvalidation(CredentialCache credentials) : IOrganizationStatusListener
{
    public void StatusChanged(Organization organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        credentials.InvalidateOrganization(organization.Id);
    }
}
