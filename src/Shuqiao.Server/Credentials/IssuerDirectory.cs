using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// The issuers this node trusts: its own issuing organizations (their P-256 did:key, active or retired, with their
/// SM2 keys) and the active entries of the data authority's trust list (跨省互认).
/// </summary>
public sealed class IssuerDirectory(IssuerKeyStore keys, TrustListStore trustList) : IIssuerDirectory
{
    public async Task<IssuerRecord?> FindAsync(string did, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(did) || did.Length > 2048)
        {
            return null;
        }

        if (await keys.FindIssuerAsync(did, cancellationToken) is { } local)
        {
            return new IssuerRecord(local.Did, local.Name, IssuerSource.Local, local.Sm2Keys.Select(k => new KeyBinding(k.VerificationMethod, k)).ToList(), []);
        }

        if (await trustList.FindByDidAsync(did, cancellationToken) is { } trusted)
        {
            return ToRecord(trusted);
        }

        return null;
    }

    /// <summary>
    /// A trust list entry as a verifier sees it. A did:web issuer's P-256 key is bound to the DID itself, so any of
    /// its verification methods is checked with that key; a did:key carries its own key.
    /// </summary>
    public static IssuerRecord ToRecord(TrustedIssuer trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var bindings = new List<KeyBinding>();
        if (Multikey.TryDecode(trusted.P256Key, out var p256) && p256.Algorithm == KeyAlgorithm.P256)
        {
            bindings.Add(new KeyBinding(trusted.Did, p256));
        }

        if (Multikey.TryDecode(trusted.Sm2Key, out var sm2) && sm2.Algorithm == KeyAlgorithm.Sm2)
        {
            bindings.Add(new KeyBinding(sm2.VerificationMethod, sm2));
        }

        return new IssuerRecord(trusted.Did, trusted.Name, IssuerSource.TrustList, bindings, trusted.StatusOrigin is { } origin ? [origin] : []);
    }
}
