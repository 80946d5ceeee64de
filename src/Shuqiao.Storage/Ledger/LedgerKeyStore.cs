using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Shuqiao.Storage.Ledger;

/// <summary>What a stored key is for: the log's signatures (Ed25519 required, SM2 optional) or this node as a witness.</summary>
public static class LedgerKeyPurpose
{
    public const string LogEd25519 = "log-ed25519";
    public const string LogSm2 = "log-sm2";
    public const string Witness = "witness";
}

/// <summary>A key as stored: its public half in clear, its private half sealed.</summary>
public sealed record StoredLedgerKey(string Purpose, string KeyName, string VerifierKey, byte[] SealedKey, string KekId, DateTimeOffset CreatedAt);

/// <summary>
/// A 256-bit key-encryption key (KEK) and AES-256-GCM sealing of the node's private key texts with it. The purpose and
/// the verifier key are the associated data, so a sealed key opens only where it was stored.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Size = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public KeyEncryptionKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"A key-encryption key has {Size} bytes.", nameof(key));
        }

        _key = key.ToArray();
        Id = Convert.ToHexStringLower(SHA256.HashData(_key))[..8];
    }

    /// <summary>Names the KEK without revealing it: the first 8 hex digits of its SHA-256.</summary>
    public string Id { get; }

    /// <summary>Parses the configured value (base64 of 32 bytes); false with a reason otherwise.</summary>
    public static bool TryParse(string? base64, out KeyEncryptionKey kek, out string error)
    {
        kek = null!;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64?.Trim() ?? "");
        }
        catch (FormatException)
        {
            error = "is not base64";
            return false;
        }

        if (bytes.Length != Size)
        {
            error = $"must be {Size} bytes (base64 of {Size} random bytes, e.g. `openssl rand -base64 32`), not {bytes.Length}";
            return false;
        }

        kek = new KeyEncryptionKey(bytes);
        error = "";
        return true;
    }

    public static KeyEncryptionKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    public string ToBase64() => Convert.ToBase64String(_key);

    public byte[] Seal(string purpose, string verifierKey, string privateKeyText)
    {
        var plaintext = Encoding.UTF8.GetBytes(privateKeyText);
        var sealedKey = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedKey.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedKey.AsSpan(NonceSize, plaintext.Length), sealedKey.AsSpan(NonceSize + plaintext.Length), AssociatedData(purpose, verifierKey));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedKey;
    }

    /// <summary>The private key text, or null if this KEK did not seal it (or the row was changed).</summary>
    public string? Open(string purpose, string verifierKey, ReadOnlySpan<byte> sealedKey)
    {
        if (sealedKey.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedKey.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedKey[..NonceSize], sealedKey.Slice(NonceSize, length), sealedKey[(NonceSize + length)..], plaintext, AssociatedData(purpose, verifierKey));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    // Never let the key reach a log line.
    public override string ToString() => $"KEK {Id}";

    private static byte[] AssociatedData(string purpose, string verifierKey) => Encoding.UTF8.GetBytes($"shuqiao/ledger-key/v1\n{purpose}\n{verifierKey}\n");
}

/// <summary>The node's sealed ledger keys (<c>ledger_keys</c>). First writer wins, so instances starting together agree on one key.</summary>
public sealed class LedgerKeyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "purpose, key_name, verifier_key, sealed_key, kek_id, created_at";

    private const string Select = $"select {Columns} from ledger_keys where purpose = @Purpose";

    private const string SelectAll = $"select {Columns} from ledger_keys order by purpose";

    private const string InsertIfAbsent = """
        insert into ledger_keys (purpose, key_name, verifier_key, sealed_key, kek_id, created_at)
        values (@Purpose, @KeyName, @VerifierKey, @SealedKey, @KekId, @Now)
        on conflict (purpose) do nothing
        """;

    private const string Reseal = "update ledger_keys set sealed_key = @SealedKey, kek_id = @KekId where purpose = @Purpose and verifier_key = @VerifierKey";

    // demo/test mode only: a generated KEK kept beside the data it protects (see docs/ledger.md).
    private const string SelectInsecureKek = "select value ->> 'kek' from node_settings where key = 'ledger.kek.insecure'";

    private const string InsertInsecureKek = """
        insert into node_settings (key, value, updated_at) values ('ledger.kek.insecure', jsonb_build_object('kek', @Kek), @Now)
        on conflict (key) do nothing
        """;

    public async Task<StoredLedgerKey?> FindAsync(string purpose, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, new { Purpose = purpose }, cancellationToken: cancellationToken));
        return row?.ToKey();
    }

    public async Task<IReadOnlyList<StoredLedgerKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToKey()).ToList();
    }

    /// <summary>Stores the key unless one exists for the purpose; returns the stored one (another instance's, if it won).</summary>
    public async Task<StoredLedgerKey> AddAsync(string purpose, string keyName, string verifierKey, string privateKeyText, KeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kek);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertIfAbsent,
            new { Purpose = purpose, KeyName = keyName, VerifierKey = verifierKey, SealedKey = kek.Seal(purpose, verifierKey, privateKeyText), KekId = kek.Id, Now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Select, new { Purpose = purpose }, cancellationToken: cancellationToken));
        return row.ToKey();
    }

    /// <summary>Seals a key again under a new KEK (rotation of the KEK).</summary>
    public async Task ResealAsync(StoredLedgerKey key, string privateKeyText, KeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(kek);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Reseal,
            new { key.Purpose, key.VerifierKey, SealedKey = kek.Seal(key.Purpose, key.VerifierKey, privateKeyText), KekId = kek.Id },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Demo and test mode only: a KEK generated once and stored in the database next to the keys it seals. That
    /// protects nothing against someone who can read the database; it only keeps the code path the same.
    /// </summary>
    public async Task<KeyEncryptionKey> InsecureKekAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertInsecureKek, new { Kek = KeyEncryptionKey.Generate().ToBase64(), Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition(SelectInsecureKek, cancellationToken: cancellationToken));
        return KeyEncryptionKey.TryParse(stored, out var kek, out var error) ? kek : throw new LedgerStorageException("The stored demo KEK is invalid: " + error);
    }

    private sealed class Row
    {
        public string Purpose { get; init; } = "";
        public string KeyName { get; init; } = "";
        public string VerifierKey { get; init; } = "";
        public byte[] SealedKey { get; init; } = [];
        public string KekId { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }

        public StoredLedgerKey ToKey() => new(Purpose, KeyName, VerifierKey, SealedKey, KekId, CreatedAt);
    }
}
