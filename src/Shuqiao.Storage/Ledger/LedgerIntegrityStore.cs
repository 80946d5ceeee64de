using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Ledger;

/// <summary>Why an integrity check ran.</summary>
public enum LedgerCheckTrigger
{
    Scheduled,
    Manual,
    Startup,
}

/// <summary>One recorded run of <see cref="LedgerIntegrityChecker"/>.</summary>
public sealed record LedgerIntegrityResult(
    Guid Id,
    DateTimeOffset CheckedAt,
    LedgerCheckTrigger Trigger,
    Guid? ActorId,
    LedgerIntegrityReport Report,
    TimeSpan Duration)
{
    public bool IsIntact => Report.IsIntact;
}

/// <summary>Keeps the results of integrity checks (<c>ledger_integrity_checks</c>), so every instance and the console see the last one.</summary>
public sealed class LedgerIntegrityStore(NpgsqlDataSource dataSource)
{
    private const string Insert = """
        insert into ledger_integrity_checks
            (id, checked_at, trigger, actor_id, intact, problem, first_bad_index, bad_range_end, detail,
             checked_entries, checked_checkpoints, duration_ms, from_size, root)
        values
            (@Id, @CheckedAt, @Trigger, @ActorId, @Intact, @Problem, @FirstBadIndex, @BadRangeEnd, @Detail,
             @CheckedEntries, @CheckedCheckpoints, @DurationMs, @FromSize, @Root)
        """;

    private const string Columns = """
        id, checked_at, trigger, actor_id, problem, first_bad_index, bad_range_end, detail,
        checked_entries, checked_checkpoints, duration_ms, from_size, root
        """;

    private const string SelectLatest = $"select {Columns} from ledger_integrity_checks order by checked_at desc, id desc limit 1";

    private const string SelectLatestWholeIntact = $"select {Columns} from ledger_integrity_checks where intact and from_size = 0 order by checked_at desc, id desc limit 1";

    public async Task RecordAsync(LedgerIntegrityResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var report = result.Report;
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                result.Id,
                result.CheckedAt,
                Trigger = result.Trigger.ToString().ToLowerInvariant(),
                result.ActorId,
                Intact = report.IsIntact,
                Problem = report.Problem.ToString(),
                report.FirstBadIndex,
                report.BadRangeEnd,
                report.Detail,
                report.CheckedEntries,
                report.CheckedCheckpoints,
                DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
                report.FromSize,
                report.Root,
            },
            cancellationToken: cancellationToken));
    }

    public async Task<LedgerIntegrityResult?> LatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectLatest, cancellationToken: cancellationToken));
        return row?.ToResult();
    }

    /// <summary>The last check of the whole tree that found it intact, or null.</summary>
    public async Task<LedgerIntegrityResult?> LatestWholeIntactAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectLatestWholeIntact, cancellationToken: cancellationToken));
        return row?.ToResult();
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public DateTimeOffset CheckedAt { get; init; }
        public string Trigger { get; init; } = "";
        public Guid? ActorId { get; init; }
        public string Problem { get; init; } = "";
        public long? FirstBadIndex { get; init; }
        public long? BadRangeEnd { get; init; }
        public string? Detail { get; init; }
        public long CheckedEntries { get; init; }
        public int CheckedCheckpoints { get; init; }
        public int DurationMs { get; init; }
        public long FromSize { get; init; }
        public byte[]? Root { get; init; }

        public LedgerIntegrityResult ToResult() => new(
            Id,
            CheckedAt,
            Enum.Parse<LedgerCheckTrigger>(Trigger, ignoreCase: true),
            ActorId,
            new LedgerIntegrityReport(CheckedEntries, CheckedCheckpoints, Enum.Parse<LedgerProblem>(Problem), FirstBadIndex, BadRangeEnd, Detail, FromSize, Root),
            TimeSpan.FromMilliseconds(DurationMs));
    }
}
