using Microsoft.Extensions.Options;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>
/// The node's ledger keys once loaded: the log's signers (Ed25519 first — tlog-tiles requires it — then SM2 when on),
/// their verifier keys, and the witness cosigner. Filled by <see cref="LedgerKeyLoader"/> before the first request.
/// </summary>
public sealed class LedgerKeyring
{
    private Loaded? _loaded;

    public bool IsLoaded => _loaded is not null;

    /// <summary>The log's origin line, also the name of its keys.</summary>
    public string Origin => Current.Origin;

    public IReadOnlyList<INoteSigner> LogSigners => Current.LogSigners;

    /// <summary>The Ed25519 verifier key served at <c>/ledger/vkey</c>.</summary>
    public VerifierKey LogKey => Current.LogKey;

    public VerifierKey? Sm2Key => Current.Sm2Key;

    public INoteVerifier LogVerifier => Current.LogVerifier;

    public Ed25519CosignatureSigner Witness => Current.Witness;

    private Loaded Current => _loaded ?? throw new InvalidOperationException("The ledger keys are not loaded yet (LedgerKeyLoader runs at start-up).");

    internal void Set(string origin, Ed25519NoteSigner log, Sm2NoteSigner? sm2, Ed25519CosignatureSigner witness) =>
        _loaded = new Loaded(origin, sm2 is null ? [log] : [log, sm2], log.VerifierKey, sm2?.VerifierKey, NoteKeys.Verifier(log.VerifierKey), witness);

    /// <summary>The default origin: PublicBaseUrl without scheme, plus <c>/ledger</c> (the tiles' URL prefix).</summary>
    public static string DefaultOrigin(string? publicBaseUrl)
    {
        if (Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var url) && url.Host.Length > 0)
        {
            var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
            return $"{host}{url.AbsolutePath.TrimEnd('/')}/ledger".ToLowerInvariant();
        }

        return "localhost/ledger";
    }

    private sealed record Loaded(
        string Origin, IReadOnlyList<INoteSigner> LogSigners, VerifierKey LogKey, VerifierKey? Sm2Key, INoteVerifier LogVerifier, Ed25519CosignatureSigner Witness);
}

/// <summary>
/// Loads (or, on first start, generates and seals) the node's ledger keys after the migrations ran. Keys from files
/// win; otherwise the sealed keys in <c>ledger_keys</c>, opened with the configured KEK — or, in demo and test mode
/// only, with a KEK generated and kept in the database (logged as a warning).
/// </summary>
public sealed partial class LedgerKeyLoader(
    LedgerKeyring keyring,
    LedgerKeyStore store,
    IOptions<LedgerOptions> options,
    IOptions<ShuqiaoOptions> node,
    LedgerOptionsValidation validation,
    TimeProvider clock,
    ILogger<LedgerKeyLoader> logger) : IStartupTask
{
    private KeyEncryptionKey? _kek;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var origin = settings.Origin ?? LedgerKeyring.DefaultOrigin(node.Value.PublicBaseUrl);
        if (settings.Origin is null && string.IsNullOrEmpty(node.Value.PublicBaseUrl))
        {
            LogDefaultOrigin(logger, origin);
        }

        var witnessName = settings.WitnessName ?? origin.Split('/')[0] + "/witness";
        var log = Ed25519NoteSigner.FromSignerKey(await KeyTextAsync(LedgerKeyPurpose.LogEd25519, NoteSignatureType.Ed25519, origin, settings.SigningKeyFile, cancellationToken));
        Sm2NoteSigner? sm2 = null;
        if (settings.Sm2Signature)
        {
            sm2 = Sm2NoteSigner.FromSignerKey(await KeyTextAsync(LedgerKeyPurpose.LogSm2, NoteSignatureType.Unassigned, origin, settings.Sm2KeyFile, cancellationToken));
        }

        var witness = Ed25519CosignatureSigner.FromSignerKey(
            await KeyTextAsync(LedgerKeyPurpose.Witness, NoteSignatureType.CosignatureV1, witnessName, settings.WitnessKeyFile, cancellationToken), clock);
        keyring.Set(origin, log, sm2, witness);
        LogKeysLoaded(logger, origin, log.VerifierKey.ToString(), witness.VerifierKey.ToString());
    }

    private async Task<string> KeyTextAsync(string purpose, byte algorithm, string keyName, string? file, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(file))
        {
            try
            {
                return LedgerKeyFile.ToSignerKeyText(await File.ReadAllTextAsync(file, cancellationToken), algorithm, keyName, clock);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                throw new InvalidOperationException($"The ledger key file for {purpose} ({file}) cannot be used: {e.Message}", e);
            }
        }

        var kek = await KekAsync(cancellationToken);
        var stored = await store.FindAsync(purpose, cancellationToken);
        if (stored is null)
        {
            var (signerKey, verifierKey) = algorithm switch
            {
                NoteSignatureType.Ed25519 => Ed25519NoteSigner.Generate(keyName),
                NoteSignatureType.CosignatureV1 => Ed25519CosignatureSigner.Generate(keyName, clock),
                _ => Sm2NoteSigner.Generate(keyName),
            };
            stored = await store.AddAsync(purpose, keyName, verifierKey, signerKey, kek, cancellationToken);
            if (stored.VerifierKey == verifierKey)
            {
                LogKeyGenerated(logger, purpose, verifierKey);
            }
        }

        if (stored.KeyName != keyName)
        {
            throw new InvalidOperationException(
                $"The node's {purpose} key is named '{stored.KeyName}' but the configuration asks for '{keyName}'. A log's origin (and a witness's " +
                $"name) is its identity and cannot change: set Shuqiao:Ledger:{(purpose == LedgerKeyPurpose.Witness ? "WitnessName" : "Origin")} to '{stored.KeyName}'.");
        }

        if (kek.Open(stored.Purpose, stored.VerifierKey, stored.SealedKey) is { } text)
        {
            return text;
        }

        var previous = options.Value.PreviousKeyEncryptionKey;
        if (!string.IsNullOrWhiteSpace(previous) && KeyEncryptionKey.TryParse(previous, out var old, out _) &&
            old.Open(stored.Purpose, stored.VerifierKey, stored.SealedKey) is { } reopened)
        {
            await store.ResealAsync(stored, reopened, kek, cancellationToken);
            LogResealed(logger, purpose, old.Id, kek.Id);
            return reopened;
        }

        throw new InvalidOperationException(
            $"The node's {purpose} key was sealed with key-encryption key {stored.KekId}, and the configured KEK ({kek.Id}) does not open it. " +
            "Configure the KEK it was sealed with (after a rotation: the new one as KeyEncryptionKey and the old one as PreviousKeyEncryptionKey).");
    }

    private async Task<KeyEncryptionKey> KekAsync(CancellationToken cancellationToken)
    {
        if (_kek is not null)
        {
            return _kek;
        }

        var configured = options.Value.KeyEncryptionKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return _kek = KeyEncryptionKey.TryParse(configured, out var kek, out var error)
                ? kek
                : throw new InvalidOperationException($"Shuqiao:Ledger:KeyEncryptionKey {error}.");
        }

        if (!validation.IsDemoOrTest)
        {
            throw new InvalidOperationException(LedgerOptionsValidation.KekRequired);
        }

        _kek = await store.InsecureKekAsync(cancellationToken);
        LogInsecureKek(logger, _kek.Id);
        return _kek;
    }

    [LoggerMessage(8001, LogLevel.Information, "Ledger {Origin}: log key {LogKey}, witness key {WitnessKey}")]
    private static partial void LogKeysLoaded(ILogger logger, string origin, string logKey, string witnessKey);

    [LoggerMessage(8002, LogLevel.Warning, "Ledger keys are sealed with a key-encryption key ({KekId}) generated and stored IN THE SAME DATABASE, which protects nothing: acceptable for demo and tests only. Set Shuqiao:Ledger:KeyEncryptionKey in production.")]
    private static partial void LogInsecureKek(ILogger logger, string kekId);

    [LoggerMessage(8003, LogLevel.Warning, "Generated a new ledger key for {Purpose}: {VerifierKey}")]
    private static partial void LogKeyGenerated(ILogger logger, string purpose, string verifierKey);

    [LoggerMessage(8004, LogLevel.Information, "Ledger key {Purpose} sealed again: KEK {OldKek} -> {NewKek}")]
    private static partial void LogResealed(ILogger logger, string purpose, string oldKek, string newKek);

    [LoggerMessage(8005, LogLevel.Warning, "Neither Shuqiao:Ledger:Origin nor Shuqiao:PublicBaseUrl is set; the ledger's origin is {Origin}. The origin cannot change later: set one before going live.")]
    private static partial void LogDefaultOrigin(ILogger logger, string origin);
}
