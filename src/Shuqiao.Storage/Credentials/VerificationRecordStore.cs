using Dapper;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;
using Npgsql;

namespace Shuqiao.Storage.Credentials;

public enum VerificationChannel
{
    Api,          // POST /credentials/verify
    Page,         // the public /verify page (pasted, uploaded or scanned)
    Presentation, // POST /presentations/verify
}

/// <summary>One verification of a licence of this node: when, by whom (as far as known), how, and the result.</summary>
public sealed record VerificationRecord(
    Guid LicenceId,
    DateTimeOffset Time,
    VerificationChannel Channel,
    string VerifierKind,
    string? VerifierName,
    string? VerifierOrganization,
    bool Verified,
    string? FailureCode);

/// <summary>
/// Append-only records of verifications of this node's licences; the holder reads them in the portal. Each record is
/// also a ledger entry, committed with it.
/// </summary>
public sealed class VerificationRecordStore(NpgsqlDataSource dataSource)
{
    private const string Insert = """
        insert into licence_verifications (licence_id, time, id, channel, verifier_kind, verifier_name, verifier_organization, verified, failure_code)
        values (@LicenceId, @Time, @Id, @Channel, @VerifierKind, @VerifierName, @VerifierOrganization, @Verified, @FailureCode)
        """;

    private const string SelectForLicences = """
        select licence_id, time, channel, verifier_kind, verifier_name, verifier_organization, verified, failure_code
        from licence_verifications where licence_id = any(@Ids)
        order by time desc limit @Limit
        """;

    private const string LicenceExists = "select exists (select 1 from licences where id = @Id)";

    /// <summary>Records a verification if the id is a licence of this node; other credentials leave no trace.</summary>
    public async Task<bool> AppendIfLocalAsync(VerificationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(LicenceExists, new { Id = record.LicenceId }, cancellationToken: cancellationToken)))
        {
            return false;
        }

        var id = Guid.CreateVersion7(record.Time);
        var channel = record.Channel.ToString().ToLowerInvariant();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            record.LicenceId,
            record.Time,
            Id = id,
            Channel = channel,
            record.VerifierKind,
            record.VerifierName,
            record.VerifierOrganization,
            record.Verified,
            record.FailureCode,
        }, transaction, cancellationToken: cancellationToken));
        var entry = LedgerEntryFormat.LicenceVerification(id, record.Time, record.LicenceId, channel, record.Verified, record.FailureCode);
        await LedgerAppender.AppendInTransactionAsync(connection, transaction, [new LedgerItem(entry, id)], record.Time, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The latest verifications of these licences, newest first.</summary>
    public async Task<IReadOnlyList<VerificationRecord>> ListAsync(IReadOnlyCollection<Guid> licenceIds, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licenceIds);
        if (licenceIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectForLicences, new { Ids = licenceIds.ToArray(), Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new VerificationRecord(r.LicenceId, r.Time, Enum.Parse<VerificationChannel>(r.Channel, ignoreCase: true), r.VerifierKind, r.VerifierName, r.VerifierOrganization, r.Verified, r.FailureCode)).ToList();
    }

    private sealed class Row
    {
        public Guid LicenceId { get; init; }
        public DateTimeOffset Time { get; init; }
        public string Channel { get; init; } = "";
        public string VerifierKind { get; init; } = "";
        public string? VerifierName { get; init; }
        public string? VerifierOrganization { get; init; }
        public bool Verified { get; init; }
        public string? FailureCode { get; init; }
    }
}
