using Microsoft.Extensions.Options;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>
/// Serves Bitstring Status List credentials. Each request builds the list from the licences' current statuses and
/// signs it afresh, so a revocation made in the console is in the very next list any verifier fetches.
/// </summary>
public sealed class StatusListService(LicenceStore licences, IssuerKeyring keyring, IOptions<CredentialsOptions> options, TimeProvider clock)
{
    /// <summary>The signed list, the issuer DID it is signed as, or null when no such list exists or the node cannot sign.</summary>
    public async Task<(System.Text.Json.Nodes.JsonObject Credential, string IssuerDid)?> BuildAsync(Guid listId, string baseUrl, CancellationToken cancellationToken)
    {
        var state = await licences.FindStatusListAsync(listId, cancellationToken);
        if (state is null)
        {
            return null;
        }

        using var keys = await keyring.KeysForAsync(state.OrganizationId, cancellationToken);
        if (keys is null)
        {
            return null;
        }

        var list = new BitstringStatusList(state.Length);
        foreach (var index in state.SetIndexes)
        {
            list[index] = true;
        }

        var now = clock.GetUtcNow();
        var unsigned = LicenceCredential.StatusListCredential(
            NodeAddress.StatusListUrl(baseUrl, listId), keys.Did, state.Purpose, list, now, TimeSpan.FromMinutes(options.Value.StatusListLifetimeMinutes));
        var signed = DataIntegrity.AddProof(unsigned, new ProofOptions(keys.VerificationMethod, now), EcdsaJcs2019.Instance, hash => EcdsaJcs2019.Sign(keys.P256, hash));
        return (signed, keys.Did);
    }
}
