using Dapper;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Common;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>The committed tree: its size and root hash.</summary>
public sealed record LedgerTreeHead(long Size, ReadOnlyMemory<byte> Root, DateTimeOffset UpdatedAt);

/// <summary>A published checkpoint: the signed note (with any cosignatures) as served at <c>/ledger/checkpoint</c>.</summary>
public sealed record StoredCheckpoint(long Size, ReadOnlyMemory<byte> Root, string Note, DateTimeOffset PublishedAt);

/// <param name="EventId">The audit event the entry records, if any (a lookup aid; the entry's own text is what counts).</param>
public sealed record LedgerEntry(long Index, ReadOnlyMemory<byte> Entry, ReadOnlyMemory<byte> LeafHash, DateTimeOffset AppendedAt, Guid? EventId = null);

/// <summary>
/// Reads the ledger: entries, tlog-tiles tiles and entry bundles, inclusion and consistency proofs, receipts
/// (tlog-proof) and checkpoints. Proofs and tiles come from the stored hashes only (O(log n) of them per proof, one
/// round trip); a request beyond the committed tree is refused, never answered from partial data.
/// </summary>
public sealed class LedgerReader(NpgsqlDataSource dataSource)
{
    private const string SelectHead = "select size, root, updated_at from ledger_state where singleton";

    private const string CheckpointColumns = "size, root, note, published_at";

    private const string SelectLatestCheckpoint = $"select {CheckpointColumns} from ledger_checkpoints order by size desc limit 1";

    private const string SelectCheckpoint = $"select {CheckpointColumns} from ledger_checkpoints where size = @Size";

    // The smallest published tree that contains the entry: its receipt then stays valid for the longest.
    private const string SelectCheckpointContaining = $"select {CheckpointColumns} from ledger_checkpoints where size > @Index order by size limit 1";

    private const string SelectEntries = """
        select index, entry, leaf_hash, appended_at, event_id from ledger_entries
        where index >= @Start and index < @End
        order by index
        """;

    private const string SelectIndexOfEvent = "select index from ledger_entries where event_id = @EventId";

    private const string SelectRecentCheckpoints = $"select {CheckpointColumns} from ledger_checkpoints order by size desc limit @Count";

    public async Task<LedgerTreeHead> HeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<HeadRow>(new CommandDefinition(SelectHead, cancellationToken: cancellationToken));
        return new LedgerTreeHead(row.Size, row.Root, row.UpdatedAt);
    }

    public async Task<StoredCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(SelectLatestCheckpoint, cancellationToken: cancellationToken));
        return row?.ToCheckpoint();
    }

    public async Task<StoredCheckpoint?> CheckpointAsync(long size, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(SelectCheckpoint, new { Size = size }, cancellationToken: cancellationToken));
        return row?.ToCheckpoint();
    }

    /// <summary>Entries <c>[start, start + count)</c> that exist, in order.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(long start, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadEntriesAsync(connection, start, start + count, cancellationToken);
    }

    /// <summary>The entry at <paramref name="index"/>, if the committed tree has it.</summary>
    public async Task<LedgerEntry?> EntryAsync(long index, CancellationToken cancellationToken)
    {
        if (index < 0)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var entries = await ReadEntriesAsync(connection, index, index + 1, cancellationToken);
        return entries.Count == 1 ? entries[0] : null;
    }

    /// <summary>The index of the entry that records audit event <paramref name="eventId"/>.</summary>
    public async Task<long?> IndexOfEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(SelectIndexOfEvent, new { EventId = eventId }, cancellationToken: cancellationToken));
    }

    /// <summary>The latest <paramref name="count"/> published checkpoints, newest first.</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> RecentCheckpointsAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CheckpointRow>(new CommandDefinition(SelectRecentCheckpoints, new { Count = Math.Clamp(count, 1, 1000) }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToCheckpoint()).ToList();
    }

    /// <summary>The hash tile at <paramref name="tile"/>, if the committed tree has it (tlog-tiles answers 404 otherwise).</summary>
    public async Task<Outcome<byte[]>> TileAsync(TileAddress tile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await ReadHeadAsync(connection, cancellationToken);
        if (tile.IsEntries || !TlogTiles.Contains(head.Size, tile))
        {
            return Failure.NotFound("The tile");
        }

        return await TiledTree.TileAsync(tile, new SqlTreeHashReader(connection, null), cancellationToken);
    }

    /// <summary>The entry bundle at <paramref name="tile"/> (each entry prefixed with its big-endian uint16 length).</summary>
    public async Task<Outcome<byte[]>> EntryBundleAsync(TileAddress tile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await ReadHeadAsync(connection, cancellationToken);
        if (!tile.IsEntries || !TlogTiles.Contains(head.Size, tile))
        {
            return Failure.NotFound("The entry bundle");
        }

        var range = tile.Hashes;
        var entries = await ReadEntriesAsync(connection, range.Start, range.End, cancellationToken);
        if (entries.Count != range.Count)
        {
            throw new LedgerStorageException($"Entries of bundle {tile.Path} are missing.");
        }

        return TlogTiles.EncodeBundle(entries.Select(e => e.Entry).ToList());
    }

    public async Task<Outcome<byte[]>> RootAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await ReadHeadAsync(connection, cancellationToken);
        if (treeSize < 0 || treeSize > head.Size)
        {
            return Failure.Invalid("treeSize", $"must be between 0 and the tree size {head.Size}");
        }

        return await TiledTree.RootAsync(treeSize, new SqlTreeHashReader(connection, null), cancellationToken);
    }

    /// <summary>RFC 9162 inclusion proof of entry <paramref name="index"/> in the tree of <paramref name="treeSize"/>.</summary>
    public async Task<Outcome<byte[][]>> InclusionProofAsync(long index, long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await ReadHeadAsync(connection, cancellationToken);
        if (treeSize < 1 || treeSize > head.Size)
        {
            return Failure.Invalid("treeSize", $"must be between 1 and the tree size {head.Size}");
        }

        if (index < 0 || index >= treeSize)
        {
            return Failure.Invalid("index", "must be below the tree size");
        }

        return await TiledTree.InclusionProofAsync(index, treeSize, new SqlTreeHashReader(connection, null), cancellationToken);
    }

    /// <summary>RFC 9162 consistency proof from the tree of <paramref name="size1"/> to that of <paramref name="size2"/>.</summary>
    public async Task<Outcome<byte[][]>> ConsistencyProofAsync(long size1, long size2, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await ReadHeadAsync(connection, cancellationToken);
        if (size2 < 0 || size2 > head.Size)
        {
            return Failure.Invalid("size2", $"must be between 0 and the tree size {head.Size}");
        }

        if (size1 < 0 || size1 > size2)
        {
            return Failure.Invalid("size1", "must be between 0 and size2");
        }

        return await TiledTree.ConsistencyProofAsync(size1, size2, new SqlTreeHashReader(connection, null), cancellationToken);
    }

    /// <summary>
    /// A c2sp.org/tlog-proof receipt for entry <paramref name="index"/>: its inclusion proof in the smallest published
    /// checkpoint that contains it (with whatever cosignatures that checkpoint has gathered), or in
    /// <paramref name="checkpointSize"/>'s checkpoint. Not found until a checkpoint covers the entry.
    /// </summary>
    /// <param name="includeEntry">
    /// Put the entry's bytes in the receipt's <c>extra</c> line (tlog-proof allows "data necessary to reconstruct the
    /// record hash"), so the receipt verifies offline on its own: the verifier hashes them and checks the proof.
    /// </param>
    public async Task<Outcome<TlogProof>> ReceiptAsync(long index, long? checkpointSize, CancellationToken cancellationToken, bool includeEntry = false)
    {
        if (index < 0)
        {
            return Failure.Invalid("index", "must not be negative");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = checkpointSize is { } size
            ? await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(SelectCheckpoint, new { Size = size }, cancellationToken: cancellationToken))
            : await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(SelectCheckpointContaining, new { Index = index }, cancellationToken: cancellationToken));
        if (row is null || row.Size <= index)
        {
            return Failure.NotFound("A checkpoint containing the entry");
        }

        var proof = await TiledTree.InclusionProofAsync(index, row.Size, new SqlTreeHashReader(connection, null), cancellationToken);
        ReadOnlyMemory<byte>? extra = null;
        if (includeEntry)
        {
            var entries = await ReadEntriesAsync(connection, index, index + 1, cancellationToken);
            extra = entries.Count == 1 ? entries[0].Entry : throw new LedgerStorageException($"Entry {index} below a checkpoint is missing.");
        }

        return new TlogProof(index, proof, SignedNote.Parse(row.Note), extra);
    }

    internal static async Task<LedgerTreeHead> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<HeadRow>(new CommandDefinition(SelectHead, cancellationToken: cancellationToken));
        return new LedgerTreeHead(row.Size, row.Root, row.UpdatedAt);
    }

    internal static async Task<List<LedgerEntry>> ReadEntriesAsync(NpgsqlConnection connection, long start, long end, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectEntries, connection);
        command.Parameters.Add(new NpgsqlParameter("Start", NpgsqlDbType.Bigint) { Value = start });
        command.Parameters.Add(new NpgsqlParameter("End", NpgsqlDbType.Bigint) { Value = end });
        var entries = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new LedgerEntry(reader.GetInt64(0), (byte[])reader[1], (byte[])reader[2], reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetGuid(4)));
        }

        return entries;
    }

    private sealed class HeadRow
    {
        public long Size { get; init; }
        public byte[] Root { get; init; } = [];
        public DateTimeOffset UpdatedAt { get; init; }
    }

    internal sealed class CheckpointRow
    {
        public long Size { get; init; }
        public byte[] Root { get; init; } = [];
        public string Note { get; init; } = "";
        public DateTimeOffset PublishedAt { get; init; }

        public StoredCheckpoint ToCheckpoint() => new(Size, Root, Note, PublishedAt);
    }
}
