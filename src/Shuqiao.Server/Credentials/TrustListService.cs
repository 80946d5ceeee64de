using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Organizations;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>An issuer of another node to trust. did:key issuers carry their key; a did:web issuer names its P-256 key.</summary>
public sealed record TrustedIssuerRequest(string? Did, string? Name, string? Node, string? P256Key, string? Sm2Key, string? StatusOrigin);

/// <summary>What this node trusts, published for verifiers (the CLI's --trust-list): its own issuers and its trust list.</summary>
public sealed record PublishedTrustList(string Node, DateTimeOffset Generated, IReadOnlyList<PublishedIssuer> Issuers);

public sealed record PublishedIssuer(string Did, string Name, string Source, string? Node, string? P256Key, IReadOnlyList<string> Sm2Keys, string? StatusOrigin);

/// <summary>The trust list (跨省互认): kept by platform administrators of the data authority (数据主管部门).</summary>
public sealed class TrustListService(TrustListStore store, IssuerKeyStore issuers, OrganizationService organizations, TimeProvider clock)
{
    public Task<IReadOnlyList<TrustedIssuer>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<Outcome<TrustedIssuer>> AddAsync(TrustedIssuerRequest request, Guid? callerOrganizationId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!await IsDataAuthorityAsync(callerOrganizationId, cancellationToken))
        {
            return new Failure(FailureKind.Forbidden, "Only the data authority maintains the trust list.", [LicenceIssues.NotDataAuthority()]);
        }

        var issues = new List<Issue>();
        var did = (request.Did ?? "").Trim();
        var name = LicenceRules.NormalizeText(request.Name);
        var isDidKey = Multikey.TryParseDidKey(did, out var didKey) && didKey.Algorithm == KeyAlgorithm.P256 && !did.Contains('#', StringComparison.Ordinal);
        var isDidWeb = did.StartsWith("did:web:", StringComparison.Ordinal) && did.Length > 8 && did.Length < 500 && !did.Contains('#', StringComparison.Ordinal) && !did.Any(char.IsWhiteSpace);
        if (!isDidKey && !isDidWeb)
        {
            issues.Add(LicenceIssues.DidInvalid());
        }

        if (name.Length == 0)
        {
            issues.Add(LicenceIssues.Required("name"));
        }
        else if (name.Length > 100)
        {
            issues.Add(LicenceIssues.TooLong("name", 100));
        }
        else if (name.Any(char.IsControl))
        {
            issues.Add(LicenceIssues.ControlCharacters("name"));
        }

        var p256 = Blank(request.P256Key);
        if (isDidWeb && (p256 is null || !Multikey.TryDecode(p256, out var pk) || pk.Algorithm != KeyAlgorithm.P256))
        {
            issues.Add(LicenceIssues.KeyInvalid("p256Key"));
        }

        var sm2 = Blank(request.Sm2Key);
        if (sm2 is not null && (!Multikey.TryDecode(sm2, out var sk) || sk.Algorithm != KeyAlgorithm.Sm2))
        {
            issues.Add(LicenceIssues.KeyInvalid("sm2Key"));
        }

        string? origin = null;
        if (Blank(request.StatusOrigin) is { } originText)
        {
            if (Uri.TryCreate(originText, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            {
                origin = uri.GetLeftPart(UriPartial.Authority);
            }
            else
            {
                issues.Add(LicenceIssues.UrlInvalid("statusOrigin"));
            }
        }

        if (issues.Count > 0)
        {
            return Failure.Invalid(issues);
        }

        return await store.AddAsync(new NewTrustedIssuer(did, name, Blank(request.Node), isDidKey ? null : p256, sm2, origin), actor, cancellationToken);
    }

    public async Task<Outcome<TrustedIssuer>> RemoveAsync(Guid id, Guid? callerOrganizationId, Actor actor, CancellationToken cancellationToken) =>
        await IsDataAuthorityAsync(callerOrganizationId, cancellationToken)
            ? await store.RemoveAsync(id, actor, cancellationToken)
            : new Failure(FailureKind.Forbidden, "Only the data authority maintains the trust list.", [LicenceIssues.NotDataAuthority()]);

    public async Task<bool> IsDataAuthorityAsync(Guid? organizationId, CancellationToken cancellationToken) =>
        organizationId is { } id && await organizations.GetAsync(id, cancellationToken) is { IsDataAuthority: true };

    public async Task<PublishedTrustList> PublishAsync(string node, CancellationToken cancellationToken)
    {
        var local = await issuers.ListIssuersAsync(cancellationToken);
        var trusted = await store.ListAsync(cancellationToken);
        var list = local.Select(l => new PublishedIssuer(l.Did, l.Name, "local", null, null, l.Sm2Keys.Select(k => k.Multibase).ToList(), node))
            .Concat(trusted.Select(t => new PublishedIssuer(t.Did, t.Name, "trustList", t.Node, t.P256Key, t.Sm2Key is null ? [] : [t.Sm2Key], t.StatusOrigin)))
            .ToList();
        return new PublishedTrustList(node, clock.GetUtcNow(), list);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
