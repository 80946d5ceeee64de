using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>What a portal user sees: the holder they are linked to, its licences and who verified them when.</summary>
public sealed record HolderView(HolderLink Link, IReadOnlyList<Licence> Licences, IReadOnlyList<VerificationRecord> Verifications);

/// <summary>
/// Holder access (portal): a Citizen user is linked to one 持证主体代码 by a platform administrator, after checking
/// the person's identity document (or a company's authorization letter) — see docs/credentials.md. The user then
/// sees the licences issued to that code.
/// </summary>
public sealed class HolderService(HolderLinkStore links, LicenceStore licences, VerificationRecordStore records)
{
    public async Task<Outcome<HolderLink>> LinkAsync(Guid userId, HolderLinkRequest request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!LicenceRules.TryParseHolderKind(request.HolderKind, out var kind))
        {
            return Failure.Invalid(string.IsNullOrWhiteSpace(request.HolderKind) ? LicenceIssues.Required("holderKind") : LicenceIssues.HolderKindUnknown(request.HolderKind));
        }

        var code = LicenceRules.NormalizeHolderCode(kind, request.HolderCode);
        if (LicenceRules.CheckHolderCode(kind, code) is { } issue)
        {
            return Failure.Invalid(issue);
        }

        return await links.LinkAsync(userId, kind, code, actor, cancellationToken);
    }

    public Task<bool> UnlinkAsync(Guid userId, Actor actor, CancellationToken cancellationToken) => links.UnlinkAsync(userId, actor, cancellationToken);

    public Task<HolderLink?> FindLinkAsync(Guid userId, CancellationToken cancellationToken) => links.FindAsync(userId, cancellationToken);

    public async Task<HolderView?> ViewAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (await links.FindAsync(userId, cancellationToken) is not { } link)
        {
            return null;
        }

        var own = await licences.ListByHolderAsync(link.HolderCode, cancellationToken);
        var history = await records.ListAsync(own.Select(l => l.Id).ToList(), 200, cancellationToken);
        return new HolderView(link, own, history);
    }

    /// <summary>One of the user's own licences; null (not found) for anyone else's.</summary>
    public async Task<Licence?> OwnLicenceAsync(Guid userId, Guid licenceId, CancellationToken cancellationToken)
    {
        if (await links.FindAsync(userId, cancellationToken) is not { } link)
        {
            return null;
        }

        var licence = await licences.FindAsync(licenceId, null, cancellationToken);
        return licence is not null && licence.HolderCode == link.HolderCode ? licence : null;
    }
}
