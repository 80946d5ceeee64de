using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Ingestion;

namespace Shuqiao.Server.Ingestion.Pages;

/// <summary>A batch's result: status, counts and the rejected rows, downloadable as CSV with each row as sent.</summary>
[Authorize(Policy = IngestionPolicies.ConsoleLoaders)]
public sealed class BatchModel(IngestionService ingestion) : PageModel
{
    public IngestBatch Batch { get; private set; } = null!;

    public IReadOnlyList<RowRejection> Rejections { get; private set; } = [];

    /// <summary>Retention removed the rows as sent (the reasons stay).</summary>
    public bool RawRowsRemoved { get; private set; }

    public int RetentionDays => (int)Math.Ceiling(ingestion.RejectedRowRetention.TotalDays);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await ingestion.BatchAsync(id, User, cancellationToken) is not { } batch)
        {
            return NotFound();
        }

        Batch = batch;
        Rejections = await ingestion.RejectionsAsync(batch, cancellationToken);
        RawRowsRemoved = await ingestion.RawRowsRemovedAsync(batch, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await ingestion.BatchAsync(id, User, cancellationToken) is not { } batch)
        {
            return NotFound();
        }

        return File(RejectionCsv.Write(await ingestion.RejectionsAsync(batch, cancellationToken), await ingestion.RawRowsRemovedAsync(batch, cancellationToken)), "text/csv; charset=utf-8", $"batch-{batch.Id}-rejections.csv");
    }
}
