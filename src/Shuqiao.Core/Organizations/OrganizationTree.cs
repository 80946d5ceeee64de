namespace Shuqiao.Core.Organizations;

/// <summary>An organization with its children, for showing the whole tree of a node.</summary>
public sealed record OrganizationTreeNode(Organization Organization, IReadOnlyList<OrganizationTreeNode> Children);

public static class OrganizationTree
{
    /// <summary>
    /// Arranges organizations into their tree, keeping the given order among siblings. An organization whose parent is
    /// not in the list (e.g. filtered out) is shown as a root rather than lost; so is any organization caught in a
    /// parent cycle, which the rules forbid but which rows written outside Shuqiao could still contain.
    /// </summary>
    public static IReadOnlyList<OrganizationTreeNode> Build(IReadOnlyList<Organization> organizations)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        var ids = organizations.Select(o => o.Id).ToHashSet();
        var children = organizations
            .Where(o => o.ParentId is { } parent && ids.Contains(parent))
            .GroupBy(o => o.ParentId!.Value)
            .ToDictionary(g => g.Key, g => g.ToList());
        var placed = new HashSet<Guid>();
        var roots = new List<OrganizationTreeNode>();
        foreach (var organization in organizations.Where(o => o.ParentId is not { } parent || !ids.Contains(parent)))
        {
            roots.Add(Node(organization));
        }

        foreach (var organization in organizations.Where(o => !placed.Contains(o.Id)))
        {
            roots.Add(Node(organization));
        }

        return roots;

        // Depth is at most five levels when the rules hold, so recursion is safe; the placed set stops cycles.
        OrganizationTreeNode Node(Organization organization)
        {
            placed.Add(organization.Id);
            var nodes = children.TryGetValue(organization.Id, out var list)
                ? list.Where(c => !placed.Contains(c.Id)).Select(Node).ToList()
                : [];
            return new OrganizationTreeNode(organization, nodes);
        }
    }
}
