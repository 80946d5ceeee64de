using Shuqiao.Core.Organizations;

namespace Shuqiao.Server.Organizations;

/// <summary>
/// Told, after the change is committed, that an organization was disabled or enabled, so that a capability holding
/// state about the organization can drop it (Identity drops the cached credentials of its API clients and users).
/// Organizations does not know who listens; a capability registers its listener in its own set-up.
/// </summary>
public interface IOrganizationStatusListener
{
    void StatusChanged(Organization organization);
}
