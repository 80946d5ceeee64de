using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Quality.Pages;

/// <summary>部门数据质量排名 for the data authority (PlatformAdmin, Auditor): the same numbers as GET /api/v1/quality/ranking.</summary>
[Authorize(Policy = Policies.AuditReaders)]
public sealed class RankingModel(QualityService quality) : PageModel
{
    public IReadOnlyList<ProviderRankResponse> Lines { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Lines = ProviderRankResponse.RankAll(await quality.RankingAsync(cancellationToken));
}
