using System.Buffers.Text;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Privacy;
using Shuqiao.Storage.Exchange;

namespace Shuqiao.Server.Exchange;

/// <summary>Each consumer organization's masking context: its pseudonym key, derived once from the node's secret.</summary>
public sealed class PseudonymKeys
{
    private readonly ConcurrentDictionary<Guid, MaskingContext> _contexts = new();
    private byte[]? _secret;
    private byte[]? _subjectKey;

    public void SetSecret(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _secret = (byte[])secret.Clone();
        _subjectKey = System.Security.Cryptography.HMACSHA256.HashData(_secret, "Shuqiao.Audit.Subject"u8);
        _contexts.Clear();
    }

    /// <summary>
    /// The audit's handle on a data subject (数据主体, docs/audit.md): a keyed digest of a personal key value (e.g. a
    /// 公民身份号码), the same for every resource and consumer, so the access events about one person can be found
    /// without the audit keeping the value. Case and surrounding spaces do not count (an ID number's check character
    /// may be written x or X). Changing the pseudonym secret changes every digest, as it changes every pseudonym.
    /// </summary>
    public string SubjectDigest(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = _subjectKey ?? throw new InvalidOperationException("The pseudonym secret is not loaded yet.");
        var digest = System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(value.Trim().ToUpperInvariant()));
        return Base64Url.EncodeToString(digest.AsSpan(0, 16));
    }

    /// <summary>Whether <paramref name="text"/> has the form of a <see cref="SubjectDigest"/> (16 bytes, base64url).</summary>
    public static bool IsSubjectDigest(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 22 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    public MaskingContext For(Guid consumerOrganizationId) =>
        _contexts.GetOrAdd(consumerOrganizationId, id => MaskingContext.ForChina(
            PseudonymKey.DeriveHmacSha256(_secret ?? throw new InvalidOperationException("The pseudonym secret is not loaded yet."), id)));
}

/// <summary>Loads the pseudonym secret at start-up: from configuration, or (demo and test only) generated once and kept in the database.</summary>
public sealed partial class PseudonymSecretLoader(
    PseudonymKeys keys, ExchangeStore store, IOptions<ExchangeOptions> options, IOptions<Platform.ShuqiaoOptions> node, IHostEnvironment environment,
    ILogger<PseudonymSecretLoader> logger) : Platform.IStartupTask
{
    public const string Required =
        "Shuqiao:Exchange:PseudonymSecret is required in production: base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`), " +
        "through the environment (Shuqiao__Exchange__PseudonymSecret) or a secret store. Changing it changes every pseudonym. See docs/exchange.md.";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PseudonymSecret is { Length: > 0 } text)
        {
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Shuqiao:Exchange:PseudonymSecret is not base64. " + Required);
            }

            keys.SetSecret(secret.Length >= 32 ? secret : throw new InvalidOperationException("Shuqiao:Exchange:PseudonymSecret has fewer than 32 bytes. " + Required));
            return;
        }

        var demoOrTest = node.Value.Mode == Platform.NodeMode.Demo || environment.IsDevelopment() || environment.IsEnvironment("Testing");
        if (!demoOrTest)
        {
            throw new InvalidOperationException(Required);
        }

        keys.SetSecret(await store.GeneratedSecretAsync(cancellationToken));
        LogGeneratedSecret(logger);
    }

    [LoggerMessage(9101, LogLevel.Warning, "Pseudonyms use a secret generated and kept in the database: acceptable for demo and tests only. Set Shuqiao:Exchange:PseudonymSecret in production.")]
    private static partial void LogGeneratedSecret(ILogger logger);
}
