using Dapper;
using Npgsql;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>
/// Signs and stores checkpoints of the committed tree. Only a committed head (<c>ledger_state</c>) is ever signed, and
/// only when it is larger than the last published checkpoint: the log never signs two different roots for one size,
/// so every pair of its checkpoints is consistent (tlog-checkpoint §Signatures). Call it about once a second while
/// entries arrive; several instances may call it at once.
/// </summary>
public sealed class LedgerCheckpointPublisher(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string SelectLatest = "select size, root, note, published_at from ledger_checkpoints order by size desc limit 1";

    private const string Insert = """
        insert into ledger_checkpoints (size, root, note, published_at) values (@Size, @Root, @Note, @Now)
        on conflict (size) do nothing
        """;

    private const string SelectForUpdate = "select size, root, note, published_at from ledger_checkpoints where size = @Size for update";

    private const string UpdateNote = "update ledger_checkpoints set note = @Note where size = @Size";

    /// <summary>
    /// Publishes a checkpoint of the committed tree if it grew since the last one (the first call also publishes the
    /// empty tree); returns the latest checkpoint either way.
    /// </summary>
    /// <param name="origin">The log's origin line, e.g. <c>ledger.example.gov.cn/350100</c>; signers' key names should match it.</param>
    /// <param name="signers">The node's Ed25519 key first (required by tlog-tiles), then e.g. the SM2 key.</param>
    public async Task<StoredCheckpoint> PublishAsync(string origin, IReadOnlyList<INoteSigner> signers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signers);
        if (!signers.Any(s => s.Algorithm == NoteSignatureType.Ed25519))
        {
            throw new ArgumentException("tlog-tiles requires at least one Ed25519 signature by the log.", nameof(signers));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await LedgerReader.ReadHeadAsync(connection, cancellationToken);
        var latest = await connection.QuerySingleOrDefaultAsync<LedgerReader.CheckpointRow>(new CommandDefinition(SelectLatest, cancellationToken: cancellationToken));
        if (latest is not null && latest.Size >= head.Size)
        {
            return latest.ToCheckpoint();
        }

        var note = new Checkpoint(origin, head.Size, head.Root.Span).Sign(signers);
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new { head.Size, Root = head.Root.ToArray(), Note = note.ToString(), Now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));

        // Another instance may have published this size first; either note is a valid signature of the same tree.
        var stored = await connection.QuerySingleAsync<LedgerReader.CheckpointRow>(new CommandDefinition(
            "select size, root, note, published_at from ledger_checkpoints where size = @Size", new { head.Size }, cancellationToken: cancellationToken));
        return stored.ToCheckpoint();
    }

    /// <summary>
    /// Adds witness cosignatures to a stored checkpoint (replacing older lines of the same witness key). The caller
    /// verifies them first (tlog-witness: open checkpoint + response with the witness keys it trusts).
    /// </summary>
    public async Task<StoredCheckpoint?> AddCosignaturesAsync(long size, IReadOnlyList<NoteSignature> cosignatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cosignatures);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LedgerReader.CheckpointRow>(new CommandDefinition(SelectForUpdate, new { Size = size }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var note = SignedNote.Parse(row.Note).WithSignatures(cosignatures).ToString();
        await connection.ExecuteAsync(new CommandDefinition(UpdateNote, new { Size = size, Note = note }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new StoredCheckpoint(row.Size, row.Root, note, row.PublishedAt);
    }
}
