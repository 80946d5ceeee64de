using Shuqiao.Core.Common;
namespace Shuqiao.Core.Organizations;

/// <summary>What an import needs to know about an organization already on the node.</summary>
public sealed record ExistingOrganization(Guid Id, string Code, string Name, OrganizationLevel Level, OrganizationStatus Status);

/// <summary>An organization an import will create.</summary>
public sealed record PlannedOrganization(int Row, Guid Id, string Code, string Name, OrganizationLevel Level, Guid? ParentId, bool IsDataAuthority);

/// <summary>The organizations an import creates, in file order (parents before children), or the issues that stop it.</summary>
public sealed record ImportPlan(IReadOnlyList<PlannedOrganization> Organizations, IReadOnlyList<RowIssue> Issues)
{
    public bool IsValid => Issues.Count == 0;
}

/// <summary>
/// Checks an import file against the organizations that exist and against itself, all-or-nothing: any issue in any
/// row means nothing is planned, and every issue of every row is reported at once.
/// </summary>
public static class OrganizationImport
{
    private static readonly string[] FieldOrder = ["file", "header", "row", "code", "name", "level", "parentCode", "isDataAuthority"];

    /// <param name="parsed">The file, as <see cref="OrganizationCsv.Parse"/> read it.</param>
    /// <param name="existing">Existing organizations whose code appears in the file (as a row's code or parent code).</param>
    /// <param name="existingRootLevels">The levels of every existing organization without a parent.</param>
    /// <param name="newId">Makes the id of each new organization (the caller owns the clock).</param>
    public static ImportPlan Plan(
        OrganizationCsvParse parsed,
        IReadOnlyDictionary<string, ExistingOrganization> existing,
        IEnumerable<OrganizationLevel> existingRootLevels,
        Func<Guid> newId)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(newId);
        var issues = new List<RowIssue>(parsed.RowIssues);

        // The first row that defines each code; later rows with the same code are duplicates.
        var rowByCode = new Dictionary<string, OrganizationCsvRow>(StringComparer.Ordinal);
        foreach (var row in parsed.Rows.Where(r => r.CodeIsValid))
        {
            if (existing.TryGetValue(row.Code, out var holder))
            {
                issues.Add(new RowIssue(row.Row, OrganizationIssues.CodeTaken(holder.Name)));
            }

            if (!rowByCode.TryAdd(row.Code, row))
            {
                issues.Add(new RowIssue(row.Row, OrganizationIssues.CodeRepeated(rowByCode[row.Code].Row)));
            }
        }

        // The file's own roots count towards the node's top level, so the outcome does not depend on row order.
        var fileRootLevels = parsed.Rows.Where(r => r.ParentCode.Length == 0 && r.Level is not null).Select(r => r.Level!.Value);
        var nodeTop = OrganizationRules.NodeTopLevel(existingRootLevels.Concat(fileRootLevels));

        var ids = rowByCode.Values.ToDictionary(r => r.Row, _ => newId());
        var planned = new List<PlannedOrganization>();
        foreach (var row in parsed.Rows)
        {
            if (row.Level is not { } level)
            {
                continue; // the level's own issue is already reported; parent rules need a level
            }

            Guid? parentId = null;
            Issue? issue = null;
            if (row.ParentCode.Length == 0)
            {
                issue = OrganizationRules.CheckRoot(level, nodeTop, "parentCode");
            }
            else if (!CreditCode.IsValid(row.ParentCode))
            {
                // reported while reading the row
            }
            else if (row.ParentCode == row.Code)
            {
                issue = OrganizationIssues.ParentSelf("parentCode");
            }
            else if (existing.TryGetValue(row.ParentCode, out var parent))
            {
                parentId = parent.Id;
                issue = OrganizationRules.CheckParent(level, parent.Name, parent.Level, parent.Status, field: "parentCode");
            }
            else if (rowByCode.TryGetValue(row.ParentCode, out var parentRow))
            {
                if (parentRow.Row > row.Row)
                {
                    issue = OrganizationIssues.ParentCodeLater(row.ParentCode, parentRow.Row);
                }
                else if (parentRow.Level is { } parentLevel)
                {
                    parentId = ids[parentRow.Row];
                    issue = OrganizationRules.CheckParent(level, parentRow.Name, parentLevel, OrganizationStatus.Active, field: "parentCode");
                }
            }
            else
            {
                issue = OrganizationIssues.ParentCodeNotFound(row.ParentCode);
            }

            if (issue is not null)
            {
                issues.Add(new RowIssue(row.Row, issue));
            }
            else if (!row.HasIssues && ids.TryGetValue(row.Row, out var id))
            {
                planned.Add(new PlannedOrganization(row.Row, id, row.Code, row.Name, level, parentId, row.IsDataAuthority));
            }
        }

        if (issues.Count > 0)
        {
            var ordered = issues
                .OrderBy(i => i.Row)
                .ThenBy(i => Array.IndexOf(FieldOrder, i.Issue.Field) is var index and >= 0 ? index : FieldOrder.Length)
                .ToList();
            return new ImportPlan([], ordered);
        }

        return new ImportPlan(planned, []);
    }
}
