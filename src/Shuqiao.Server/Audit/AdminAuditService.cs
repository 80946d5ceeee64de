using System.Globalization;
using System.Text;
using Shuqiao.Core.Audit;
using Shuqiao.Server.Console;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Server.Audit;

/// <summary>Searching and exporting the admin audit log (管理操作审计), shared by the API and the console page.</summary>
public sealed class AdminAuditService(AdminAuditStore store, ConsoleTime consoleTime, TimeProvider clock)
{
    private const int ExportPageSize = 500;

    private static readonly string[] CsvColumns =
    [
        "time_utc", "time_local", "id", "actor_kind", "actor_id", "actor_name", "actor_organization_id", "action",
        "target_type", "target_id", "target_name", "request_id", "source_ip", "before", "after",
    ];

    /// <summary>One page, newest first; the cursor continues after its last event.</summary>
    public async Task<Page<AdminAuditEvent>> SearchAsync(AdminAuditQuery query, CancellationToken cancellationToken)
    {
        var rows = await store.SearchAsync(query with { Limit = query.Limit + 1 }, cancellationToken);
        return Cursor.PageOf(rows, query.Limit, e => AdminAuditFilter.Position(e.Time, e.Id), e => e);
    }

    /// <summary>
    /// Writes every matching event as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read Chinese text),
    /// page by page as it reads them, so an export of any size streams. The export itself is audited first.
    /// </summary>
    public async Task ExportCsvAsync(AdminAuditQuery query, Actor actor, Stream output, CancellationToken cancellationToken)
    {
        await store.AppendAsync(
            actor,
            new AdminChange("audit.export", "AdminAuditLog", "admin-events", null, null, new
            {
                query.Action, query.TargetType, query.TargetId, query.ActorId, query.ActorName, query.From, query.To,
            }),
            clock.GetUtcNow(),
            cancellationToken);

        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true);
        var header = new StringBuilder();
        AppendRow(header, CsvColumns);
        await writer.WriteAsync(header, cancellationToken);

        var page = query with { After = null, Limit = ExportPageSize };
        while (true)
        {
            var rows = await store.SearchAsync(page, cancellationToken);
            foreach (var e in rows)
            {
                await writer.WriteAsync(CsvRow(e, consoleTime.Format(e.Time)).AsMemory(), cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            if (rows.Count < ExportPageSize)
            {
                break;
            }

            page = page with { After = new AdminAuditCursor(rows[^1].Time, rows[^1].Id) };
        }
    }

    public static string CsvFileName(DateTimeOffset now) =>
        $"admin-audit-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";

    /// <summary>One CSV line (with CRLF) of an event; <paramref name="localTime"/> is its time in the console's zone.</summary>
    public static string CsvRow(AdminAuditEvent e, string localTime)
    {
        var line = new StringBuilder(512);
        AppendRow(line, [
            e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            localTime,
            e.Id.ToString(),
            e.ActorKind.ToString(),
            e.ActorId?.ToString(),
            e.ActorName,
            e.ActorOrganizationId?.ToString(),
            e.Action,
            e.TargetType,
            e.TargetId,
            e.TargetName,
            e.RequestId,
            e.SourceIp,
            e.Before,
            e.After,
        ]);
        return line.ToString();
    }

    internal static void AppendRow(StringBuilder line, string?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            AppendCell(line, cells[i]);
        }

        line.Append("\r\n");
    }

    private static void AppendCell(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        // OWASP "CSV injection": a spreadsheet would run a cell starting with = + - @ as a formula; a quote disarms it.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(value);
        }
    }
}
