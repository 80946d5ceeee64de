using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Catalog;

/// <summary>A taxonomy node added by configuration: <c>{"Code": "101001", "Name": "户籍人口"}</c>.</summary>
public sealed class CatalogCategoryOption
{
    [Required]
    [RegularExpression("^([0-9]|[0-9]{3}|[0-9]{6}|[0-9]{9})$", ErrorMessage = "A category code has 1, 3, 6 or 9 digits.")]
    public string Code { get; set; } = "";

    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string Name { get; set; } = "";
}

/// <summary>Settings of the catalog (<c>Shuqiao:Catalog</c>).</summary>
public sealed class CatalogOptions
{
    public const string Section = "Shuqiao:Catalog";

    /// <summary>
    /// Taxonomy nodes added to, or renaming, the national 类/项 of the 编制指南: e.g. a province's 目 table. A node
    /// lists children at a level only if the parent should accept nothing else at that level (docs/catalog.md).
    /// </summary>
    public IList<CatalogCategoryOption> Categories { get; } = [];

    /// <summary>The DCAT catalog's title; by default "〈the data authority's name〉政务信息资源目录".</summary>
    [StringLength(200)]
    public string? Title { get; set; }

    /// <summary>The DCAT catalog's description.</summary>
    [StringLength(2000)]
    public string? Description { get; set; }

    public CatalogTaxonomy Taxonomy() =>
        new([.. CatalogTaxonomy.National, .. Categories.Select(c => new CatalogCategory(c.Code, c.Name.Trim()))]);
}

/// <summary>
/// Who is asking, as far as the catalog cares: everyone authenticated reads published and retired resources; a
/// resource's drafts are seen by its provider's organization and by platform administrators; a PlatformAdmin edits any
/// resource, a DataSteward those of its own organization.
/// </summary>
public readonly record struct CatalogAccess(Guid? OrganizationId, bool IsPlatformAdmin, bool IsDataSteward)
{
    public static CatalogAccess Of(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new CatalogAccess(principal.OrganizationOf(), principal.IsInRole(Roles.PlatformAdmin), principal.IsInRole(Roles.DataSteward));
    }

    /// <summary>The access of the system itself (demo data, start-up tasks): everything.</summary>
    public static CatalogAccess System => new(null, true, false);

    public bool CanEditAny => IsPlatformAdmin || IsDataSteward;

    public bool Sees(DataResource resource) =>
        resource.Status != ResourceStatus.Draft || IsPlatformAdmin || resource.ProviderId == OrganizationId;

    public bool Edits(Guid providerId) => IsPlatformAdmin || (IsDataSteward && providerId == OrganizationId);
}
