using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Organizations.Pages;

/// <summary>An item of the console's organization tree; <see cref="Children"/> is null until they are loaded.</summary>
public sealed record OrganizationTreeItem(OrganizationWithChildCount Node, OrganizationTreeGroup? Children);

/// <summary>
/// One list of the tree: the tree itself (<see cref="ParentId"/> null, <c>role="tree"</c>) or the children of one
/// organization (<c>role="group"</c>), loaded with the page or when the user expands the parent.
/// </summary>
public sealed record OrganizationTreeGroup(Guid? ParentId, string? ParentName, IReadOnlyList<OrganizationTreeItem> Items)
{
    public static string GroupId(Guid parentId) => $"org-group-{parentId:N}";
}
