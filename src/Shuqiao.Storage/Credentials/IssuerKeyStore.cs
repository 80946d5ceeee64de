using Dapper;
using Npgsql;
using Shuqiao.Core.Credentials;

namespace Shuqiao.Storage.Credentials;

/// <summary>A stored signing key: the public key in clear, the private key sealed under a key-encryption key.</summary>
public sealed record StoredIssuerKey(Guid Id, Guid OrganizationId, KeyAlgorithm Algorithm, PublicKeyInfo PublicKey, byte[] SealedPrivateKey, string KekId, string Did, bool Active);

/// <summary>The organization behind an issuer DID of this node.</summary>
public sealed record LocalIssuer(Guid OrganizationId, string Name, string Code, string Did, IReadOnlyList<PublicKeyInfo> Sm2Keys);

/// <summary>
/// Signing keys of issuing organizations. A key is created the first time an organization issues and never
/// deleted: retired keys still identify the issuer of the credentials they signed.
/// </summary>
public sealed class IssuerKeyStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, organization_id, algorithm, public_key, private_key, kek_id, did, status";

    private const string SelectActive = $"select {Columns} from credential_issuer_keys where organization_id = @OrganizationId and status = 'Active'";

    private const string Insert = """
        insert into credential_issuer_keys (id, organization_id, algorithm, public_key, private_key, kek_id, did, status, created_at)
        values (@Id, @OrganizationId, @Algorithm, @PublicKey, @PrivateKey, @KekId, @Did, 'Active', @Now)
        on conflict (organization_id, algorithm) where status = 'Active' do nothing
        """;

    private const string SelectIssuerByDid = """
        select k.organization_id, o.name, o.code, k.did
        from credential_issuer_keys k join organizations o on o.id = k.organization_id
        where k.did = @Did and k.algorithm = 'P256'
        """;

    private const string SelectSm2Keys = "select public_key from credential_issuer_keys where organization_id = @OrganizationId and algorithm = 'Sm2'";

    private const string SelectIssuers = """
        select k.organization_id, o.name, o.code, k.did
        from credential_issuer_keys k join organizations o on o.id = k.organization_id
        where k.algorithm = 'P256'
        order by o.name, k.created_at
        """;

    public async Task<IReadOnlyList<StoredIssuerKey>> ActiveKeysAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectActive, new { OrganizationId = organizationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToKey()).ToList();
    }

    /// <summary>Stores a new active key unless the organization got one meanwhile (then the caller reads that one).</summary>
    public async Task AddAsync(StoredIssuerKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            key.Id,
            key.OrganizationId,
            Algorithm = key.Algorithm.ToString(),
            PublicKey = key.PublicKey.CompressedPoint,
            PrivateKey = key.SealedPrivateKey,
            key.KekId,
            key.Did,
            Now = now,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The issuing organization whose (active or retired) P-256 key is this DID, with all its SM2 keys.</summary>
    public async Task<LocalIssuer?> FindIssuerAsync(string did, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<IssuerRow>(new CommandDefinition(SelectIssuerByDid, new { Did = did }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var sm2 = await connection.QueryAsync<byte[]>(new CommandDefinition(SelectSm2Keys, new { row.OrganizationId }, cancellationToken: cancellationToken));
        return new LocalIssuer(row.OrganizationId, row.Name, row.Code.Trim(), row.Did, sm2.Select(k => new PublicKeyInfo(KeyAlgorithm.Sm2, k)).ToList());
    }

    /// <summary>Every issuer DID of this node (for the published trust list).</summary>
    public async Task<IReadOnlyList<LocalIssuer>> ListIssuersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<IssuerRow>(new CommandDefinition(SelectIssuers, cancellationToken: cancellationToken))).ToList();
        var result = new List<LocalIssuer>(rows.Count);
        foreach (var row in rows)
        {
            var sm2 = await connection.QueryAsync<byte[]>(new CommandDefinition(SelectSm2Keys, new { row.OrganizationId }, cancellationToken: cancellationToken));
            result.Add(new LocalIssuer(row.OrganizationId, row.Name, row.Code.Trim(), row.Did, sm2.Select(k => new PublicKeyInfo(KeyAlgorithm.Sm2, k)).ToList()));
        }

        return result;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid OrganizationId { get; init; }
        public string Algorithm { get; init; } = "";
        public byte[] PublicKey { get; init; } = [];
        public byte[] PrivateKey { get; init; } = [];
        public string KekId { get; init; } = "";
        public string Did { get; init; } = "";
        public string Status { get; init; } = "";

        public StoredIssuerKey ToKey()
        {
            var algorithm = Enum.Parse<KeyAlgorithm>(Algorithm);
            return new(Id, OrganizationId, algorithm, new PublicKeyInfo(algorithm, PublicKey), PrivateKey, KekId, Did, Status == "Active");
        }
    }

    private sealed class IssuerRow
    {
        public Guid OrganizationId { get; init; }
        public string Name { get; init; } = "";
        public string Code { get; init; } = "";
        public string Did { get; init; } = "";
    }
}
