using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Shuqiao.Server.Credentials;

/// <summary>Settings of electronic licences (电子证照), section <c>Shuqiao:Credentials</c> (docs/credentials.md).</summary>
public sealed class CredentialsOptions
{
    public const string Section = "Shuqiao:Credentials";

    /// <summary>
    /// Base64 of 32 random bytes: the AES-256-GCM key that seals the issuers' private keys in the database. Required
    /// to issue in production; demo and test runs make one (kept in the database, with a warning) when it is unset.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>Adds the SM2/SM3 (国密) proof to every credential, next to the ecdsa-jcs-2019 one.</summary>
    public bool NationalSignature { get; set; } = true;

    /// <summary>Largest credential accepted for verification, in bytes.</summary>
    [Range(4096, 1024 * 1024)]
    public int MaxCredentialBytes { get; set; } = 64 * 1024;

    /// <summary>How long fetching another node's status list may take.</summary>
    [Range(1, 60)]
    public int StatusFetchTimeoutSeconds { get; set; } = 5;

    /// <summary>validUntil of the served status list credentials, from the moment they are served.</summary>
    [Range(1, 7 * 24 * 60)]
    public int StatusListLifetimeMinutes { get; set; } = 60;

    /// <summary>Largest number of licences in one bulk (CSV) issuance.</summary>
    [Range(1, 100_000)]
    public int MaxBulkRows { get; set; } = 5000;
}

/// <summary>A configured key-encryption key must be exactly 32 bytes of base64; a wrong one stops the server at start.</summary>
public sealed class CredentialsOptionsValidator : IValidateOptions<CredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.KeyEncryptionKey))
        {
            return ValidateOptionsResult.Success;
        }

        var buffer = new byte[64];
        return Convert.TryFromBase64String(options.KeyEncryptionKey.Trim(), buffer, out var written) && written == 32
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Shuqiao:Credentials:KeyEncryptionKey must be base64 of exactly 32 random bytes (e.g. `openssl rand -base64 32`).");
    }
}
