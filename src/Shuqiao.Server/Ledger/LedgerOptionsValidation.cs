using Microsoft.Extensions.Options;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>Checks <see cref="LedgerOptions"/> at start-up, with messages an operator can act on.</summary>
public sealed class LedgerOptionsValidation(IOptions<ShuqiaoOptions> node, IHostEnvironment environment) : IValidateOptions<LedgerOptions>
{
    public const string KekRequired =
        "Shuqiao:Ledger:KeyEncryptionKey is required in production: set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`) " +
        "through the environment (Shuqiao__Ledger__KeyEncryptionKey) or a secret store, or give every ledger key as a file " +
        "(Shuqiao:Ledger:SigningKeyFile and WitnessKeyFile, and Sm2KeyFile when Sm2Signature is on). See docs/ledger.md.";

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Origin is { } origin && (!NoteKeyId.IsValidName(origin) || origin.Contains("://", StringComparison.Ordinal)))
        {
            failures.Add("Shuqiao:Ledger:Origin must be a URL prefix without scheme and without spaces or '+', e.g. data.example.gov.cn/ledger.");
        }

        if (options.WitnessName is { } witness && !NoteKeyId.IsValidName(witness))
        {
            failures.Add("Shuqiao:Ledger:WitnessName must be a key name without spaces or '+', e.g. data.example.gov.cn/witness.");
        }

        foreach (var (text, key) in new[] { (options.KeyEncryptionKey, "KeyEncryptionKey"), (options.PreviousKeyEncryptionKey, "PreviousKeyEncryptionKey") })
        {
            if (!string.IsNullOrWhiteSpace(text) && !KeyEncryptionKey.TryParse(text, out _, out var error))
            {
                failures.Add($"Shuqiao:Ledger:{key} {error}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.KeyEncryptionKey) && !IsDemoOrTest && !AllKeysFromFiles(options))
        {
            failures.Add(KekRequired);
        }

        for (var i = 0; i < options.Witnesses.Count; i++)
        {
            var w = options.Witnesses[i];
            if (!VerifierKey.TryParse(w.VerifierKey, out var vkey) || vkey.Algorithm != NoteSignatureType.CosignatureV1 || vkey.Name != w.Name)
            {
                failures.Add($"Shuqiao:Ledger:Witnesses:{i}:VerifierKey must be the witness's cosignature key (name+id+base64, type 0x04) named '{w.Name}'.");
            }

            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"Shuqiao:Ledger:Witnesses:{i}:Url must be the witness's http(s) submission prefix, e.g. https://data.province.gov.cn/ledger/witness.");
            }
        }

        for (var i = 0; i < options.WitnessedLogs.Count; i++)
        {
            var log = options.WitnessedLogs[i];
            if (string.IsNullOrWhiteSpace(log.Origin) || !VerifierKey.TryParse(log.VerifierKey, out var vkey) || !IsSupported(vkey))
            {
                failures.Add($"Shuqiao:Ledger:WitnessedLogs:{i} needs the log's Origin and a VerifierKey (its GET /ledger/vkey).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Demo mode, or a development/test host: a generated KEK kept in the database is acceptable (with a warning).</summary>
    public bool IsDemoOrTest => node.Value.Mode == NodeMode.Demo || environment.IsDevelopment() || environment.IsEnvironment("Testing");

    private static bool AllKeysFromFiles(LedgerOptions options) =>
        !string.IsNullOrWhiteSpace(options.SigningKeyFile) && !string.IsNullOrWhiteSpace(options.WitnessKeyFile) &&
        (!options.Sm2Signature || !string.IsNullOrWhiteSpace(options.Sm2KeyFile));

    private static bool IsSupported(VerifierKey key)
    {
        try
        {
            _ = NoteKeys.Verifier(key);
            return true;
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException)
        {
            return false;
        }
    }
}
