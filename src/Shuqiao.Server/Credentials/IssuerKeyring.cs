using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>An issuing organization's signing keys, unsealed for one use; dispose to drop the private keys.</summary>
public sealed class IssuerSigningKeys(string did, ECDsa p256, byte[]? sm2Private, PublicKeyInfo? sm2Public) : IDisposable
{
    public string Did { get; } = did;

    public ECDsa P256 { get; } = p256;

    public PublicKeyInfo P256Public { get; } = Multikey.FromP256(p256);

    public string VerificationMethod => P256Public.VerificationMethod;

    public byte[]? Sm2Private { get; } = sm2Private;

    public PublicKeyInfo? Sm2Public { get; } = sm2Public;

    public void Dispose()
    {
        P256.Dispose();
        if (Sm2Private is not null)
        {
            CryptographicOperations.ZeroMemory(Sm2Private);
        }
    }
}

/// <summary>
/// Keeps each issuing organization's signing keys: a P-256 key (its did:key is the issuer's DID) and an SM2 key,
/// made on first use, sealed with AES-256-GCM under the node's key-encryption key (KEK). The KEK comes from
/// <c>Shuqiao:Credentials:KeyEncryptionKey</c>; in demo mode and in the Development and Testing environments a
/// missing KEK is generated once and kept in node_settings (logged as a warning: the database then holds the key
/// that opens its own keys). In production without a KEK, issuing is refused; verifying still works.
/// </summary>
public sealed partial class IssuerKeyring(
    IssuerKeyStore store,
    NpgsqlDataSource dataSource,
    IOptions<CredentialsOptions> options,
    IOptions<ShuqiaoOptions> node,
    IHostEnvironment environment,
    INationalCrypto national,
    TimeProvider clock,
    ILogger<IssuerKeyring> logger) : IDisposable
{
    private const string DemoKekSetting = "credentials.demoKeyEncryptionKey";
    private readonly SemaphoreSlim _kekLock = new(1, 1);
    private byte[]? _kek;
    private bool _kekResolved;

    /// <summary>Whether this node can issue (it has a key-encryption key or may make one).</summary>
    public async Task<bool> CanIssueAsync(CancellationToken cancellationToken) => await KekAsync(cancellationToken) is not null;

    /// <summary>The organization's keys, created on first use; null when the node has no key-encryption key.</summary>
    public async Task<IssuerSigningKeys?> KeysForAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        var kek = await KekAsync(cancellationToken);
        if (kek is null)
        {
            return null;
        }

        var keys = await store.ActiveKeysAsync(organizationId, cancellationToken);
        if (!keys.Any(k => k.Algorithm == KeyAlgorithm.P256) || !keys.Any(k => k.Algorithm == KeyAlgorithm.Sm2))
        {
            await CreateMissingAsync(organizationId, keys, kek, cancellationToken);
            keys = await store.ActiveKeysAsync(organizationId, cancellationToken);
        }

        var p256 = keys.Single(k => k.Algorithm == KeyAlgorithm.P256);
        var sm2 = keys.Single(k => k.Algorithm == KeyAlgorithm.Sm2);
        var d = Unseal(kek, p256);
        var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        CryptographicOperations.ZeroMemory(d);
        return new IssuerSigningKeys(p256.Did, ecdsa, Unseal(kek, sm2), sm2.PublicKey);
    }

    private async Task CreateMissingAsync(Guid organizationId, IReadOnlyList<StoredIssuerKey> existing, byte[] kek, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!existing.Any(k => k.Algorithm == KeyAlgorithm.P256))
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
            var publicKey = Multikey.FromP256(parameters);
            var id = Guid.CreateVersion7(now);
            await store.AddAsync(new StoredIssuerKey(id, organizationId, KeyAlgorithm.P256, publicKey, Seal(kek, id, parameters.D!), KekId(kek), publicKey.DidKey, true), now, cancellationToken);
            CryptographicOperations.ZeroMemory(parameters.D);
            LogKeyCreated(logger, "P-256", organizationId);
        }

        if (!existing.Any(k => k.Algorithm == KeyAlgorithm.Sm2))
        {
            var (privateKey, publicKey) = national.Sm2Generate();
            var id = Guid.CreateVersion7(now);
            await store.AddAsync(new StoredIssuerKey(id, organizationId, KeyAlgorithm.Sm2, publicKey, Seal(kek, id, privateKey), KekId(kek), publicKey.DidKey, true), now, cancellationToken);
            CryptographicOperations.ZeroMemory(privateKey);
            LogKeyCreated(logger, "SM2", organizationId);
        }
    }

    // nonce(12) ‖ ciphertext ‖ tag(16); the key's row id is the associated data, so a sealed key moved to another
    // row does not open.
    private static byte[] Seal(byte[] kek, Guid keyId, byte[] secret)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[secret.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(kek, 16);
        aes.Encrypt(nonce, secret, ciphertext, tag, Encoding.ASCII.GetBytes(keyId.ToString("D")));
        return [.. nonce, .. ciphertext, .. tag];
    }

    private static byte[] Unseal(byte[] kek, StoredIssuerKey key)
    {
        if (key.KekId != KekId(kek))
        {
            throw new InvalidOperationException($"Issuer key {key.Id} was sealed under key-encryption key {key.KekId}, not the configured one ({KekId(kek)}). Configure the KEK it was made with.");
        }

        var sealedKey = key.SealedPrivateKey;
        var plaintext = new byte[sealedKey.Length - 28];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(12, plaintext.Length), sealedKey.AsSpan(12 + plaintext.Length), plaintext, Encoding.ASCII.GetBytes(key.Id.ToString("D")));
        return plaintext;
    }

    private static string KekId(byte[] kek) => Convert.ToHexStringLower(SHA256.HashData(kek))[..8];

    private async Task<byte[]?> KekAsync(CancellationToken cancellationToken)
    {
        if (_kekResolved)
        {
            return _kek;
        }

        await _kekLock.WaitAsync(cancellationToken);
        try
        {
            if (!_kekResolved)
            {
                _kek = await ResolveKekAsync(cancellationToken);
                _kekResolved = true;
            }

            return _kek;
        }
        finally
        {
            _kekLock.Release();
        }
    }

    private async Task<byte[]?> ResolveKekAsync(CancellationToken cancellationToken)
    {
        if (options.Value.KeyEncryptionKey is { Length: > 0 } configured)
        {
            return Convert.FromBase64String(configured.Trim());
        }

        if (node.Value.Mode != NodeMode.Demo && !environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
        {
            LogNoKek(logger);
            return null;
        }

        LogGeneratedKek(logger);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // The first instance to get here wins; every instance then reads the same key.
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into node_settings (key, value, updated_at) values (@Key, to_jsonb(@Value::text), @Now) on conflict (key) do nothing",
            new { Key = DemoKekSetting, Value = fresh, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        var stored = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select value #>> '{}' from node_settings where key = @Key", new { Key = DemoKekSetting }, cancellationToken: cancellationToken));
        return Convert.FromBase64String(stored!);
    }

    public void Dispose() => _kekLock.Dispose();

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Created a {Algorithm} issuer key for organization {OrganizationId}")]
    private static partial void LogKeyCreated(ILogger logger, string algorithm, Guid organizationId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Shuqiao:Credentials:KeyEncryptionKey is not set: demo/test mode uses a key-encryption key kept in the database. Never run production like this.")]
    private static partial void LogGeneratedKek(ILogger logger);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Error, Message = "Shuqiao:Credentials:KeyEncryptionKey is not set: this node cannot issue licences until it is configured (verification still works)")]
    private static partial void LogNoKek(ILogger logger);
}
