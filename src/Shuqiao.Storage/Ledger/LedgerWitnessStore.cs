using Dapper;
using Npgsql;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>The outcome of add-checkpoint: the decision and, when cosigned, the response lines.</summary>
public sealed record WitnessResponse(WitnessDecision Decision, IReadOnlyList<NoteSignature> Cosignatures)
{
    /// <summary>The response body: cosignature lines (200), or the latest size and a newline (409, <c>text/x.tlog.size</c>).</summary>
    public string Body => Decision.Verdict switch
    {
        WitnessVerdict.Cosign => TlogWitness.FormatResponse(Cosignatures),
        WitnessVerdict.Conflict when Decision.LatestSize is { } size => size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n",
        _ => "",
    };
}

/// <summary>The latest checkpoint this node cosigned for another node's log.</summary>
public sealed record WitnessedLog(string Origin, long Size, ReadOnlyMemory<byte> Root, string Checkpoint, DateTimeOffset UpdatedAt);

/// <summary>
/// This node as a witness for other logs: checks an add-checkpoint request against the latest checkpoint it cosigned
/// for the origin and, if all checks pass, records the new one and cosigns it — atomically per origin, as
/// tlog-witness requires (a transaction-scoped advisory lock on the origin serializes concurrent requests).
/// </summary>
public sealed class LedgerWitnessStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string LockOrigin = "select pg_advisory_xact_lock(hashtextextended(@Origin, 7303))";

    private const string SelectLatest = "select size, root from ledger_witnessed_logs where origin = @Origin";

    private const string Upsert = """
        insert into ledger_witnessed_logs (origin, size, root, checkpoint, updated_at)
        values (@Origin, @Size, @Root, @Checkpoint, @Now)
        on conflict (origin) do update set size = excluded.size, root = excluded.root,
                                           checkpoint = excluded.checkpoint, updated_at = excluded.updated_at
        """;

    private const string SelectAll = "select origin, size, root, checkpoint, updated_at from ledger_witnessed_logs order by origin";

    public async Task<IReadOnlyList<WitnessedLog>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<LogRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        return rows.Select(r => new WitnessedLog(r.Origin, r.Size, r.Root, r.Checkpoint, r.UpdatedAt)).ToList();
    }

    /// <param name="logKeys">The trusted keys per origin of the logs this node witnesses (null: not followed).</param>
    /// <param name="cosigners">This node's witness keys (<see cref="Ed25519CosignatureSigner"/>).</param>
    public async Task<WitnessResponse> AddCheckpointAsync(
        AddCheckpointRequest request,
        Func<string, IReadOnlyList<INoteVerifier>?> logKeys,
        IReadOnlyList<INoteSigner> cosigners,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cosigners);

        // Find the origin without trusting anything yet, to know what to lock; Evaluate does the real checks.
        var origin = SignedNote.TryParse(request.SignedCheckpoint, out var note, out _) && Checkpoint.TryParse(note.Text, out var claimed, out _)
            ? claimed.Origin
            : null;
        if (origin is null || logKeys(origin) is null)
        {
            return new WitnessResponse(TlogWitness.Evaluate(request, logKeys, null), []);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockOrigin, new { Origin = origin }, transaction, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleOrDefaultAsync<LatestRow>(new CommandDefinition(SelectLatest, new { Origin = origin }, transaction, cancellationToken: cancellationToken));
        var decision = TlogWitness.Evaluate(request, logKeys, row is null ? null : new WitnessedTree(row.Size, row.Root));
        if (decision.Verdict != WitnessVerdict.Cosign)
        {
            return new WitnessResponse(decision, []);
        }

        var checkpoint = decision.Checkpoint!;
        await connection.ExecuteAsync(new CommandDefinition(
            Upsert,
            new { Origin = origin, checkpoint.Size, Root = checkpoint.RootHash.ToArray(), Checkpoint = note.ToString(), Now = clock.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken));
        var text = note.TextBytes;
        var cosignatures = cosigners.Select(c => new NoteSignature(c.KeyName, c.KeyId, c.Sign(text))).ToList();
        // Persisted before answering (tlog-witness): the commit comes first.
        await transaction.CommitAsync(cancellationToken);
        return new WitnessResponse(decision, cosignatures);
    }

    private sealed class LogRow
    {
        public string Origin { get; init; } = "";
        public long Size { get; init; }
        public byte[] Root { get; init; } = [];
        public string Checkpoint { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }
    }

    private sealed class LatestRow
    {
        public long Size { get; init; }
        public byte[] Root { get; init; } = [];
    }
}
