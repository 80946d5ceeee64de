using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Organizations;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Identity;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Credentials;

/// <summary>Which organizations' licences a caller manages: all for a PlatformAdmin, else the caller's own.</summary>
public readonly record struct LicenceScope(Guid? OrganizationId)
{
    public static LicenceScope All => new(null);

    public static LicenceScope Of(ClaimsPrincipal principal) =>
        principal.IsPlatformAdmin() ? All : new LicenceScope(principal.OrganizationOf() ?? Guid.Empty);
}

public sealed record LicenceFieldRequest(string? Name, string? Label, string? Type, bool Required);

public sealed record LicenceLayoutRequest(string? Orientation, string? Theme, string? Note);

/// <summary>A licence type to create or replace; <see cref="OrganizationId"/> only for a PlatformAdmin creating for another organization.</summary>
public sealed record LicenceTypeRequest(
    string? Name, string? HolderKind, IReadOnlyList<LicenceFieldRequest>? Fields, int? ValidityYears, LicenceLayoutRequest? Layout, Guid? OrganizationId = null, int? Version = null);

/// <summary>One licence to issue. Dates are yyyy-MM-dd (Beijing dates); validUntil "长期" means no end.</summary>
public sealed record IssueLicenceRequest(
    string? TypeCode, string? HolderName, string? HolderCode, Dictionary<string, string?>? Claims, string? LicenceNumber = null, string? ValidFrom = null, string? ValidUntil = null);

/// <summary>A revocation or suspension; the reason is shown to the holder.</summary>
public sealed record LicenceStatusRequest(string? Reason);

/// <summary>The result of a bulk issuance: the licences issued, or every row's issues and nothing issued.</summary>
public sealed record BulkIssueOutcome(IReadOnlyList<Licence> Issued, IReadOnlyList<RowIssue> Issues, Failure? Failure)
{
    public bool Succeeded => Failure is null && Issues.Count == 0;
}

/// <summary>
/// Licence types, issuance, status changes and reading — the one place the API, the VC-API, the console and the
/// demo data set go through.
/// </summary>
public sealed partial class LicenceService(
    LicenceTypeStore types,
    LicenceStore licences,
    CatalogService catalog,
    IssuerKeyring keyring,
    INationalCrypto national,
    IOptions<CredentialsOptions> options,
    TimeProvider clock,
    ILogger<LicenceService> logger)
{
    // ----- licence types -----

    public async Task<Outcome<LicenceType>> CreateTypeAsync(LicenceTypeRequest request, LicenceScope scope, Guid? callerOrganizationId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var organizationId = request.OrganizationId ?? scope.OrganizationId ?? callerOrganizationId;
        if (organizationId is null || (scope.OrganizationId is { } own && own != organizationId))
        {
            return Failure.Invalid("organizationId", "must be your own organization");
        }

        var (definition, issues) = ReadDefinition(request);
        if (definition is null)
        {
            return Failure.Invalid(issues);
        }

        // A name the organization already uses would be refused below; refuse it before anything enters the catalog.
        if ((await types.ListAsync(organizationId, LicenceTypeStatus.Active, cancellationToken)).Any(t => string.Equals(t.Type.Name, definition.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return Failure.Conflict("The organization already has a licence type with this name.", LicenceIssues.TypeNameTaken(definition.Name));
        }

        // The catalog entry comes first, so a refusal by the catalog leaves no licence type; should the licence type
        // then fail (a concurrent duplicate), the entry is retired again — one outcome either way.
        var access = CatalogAccessFor(organizationId.Value);
        var issuerName = (await catalog.OrganizationAsync(organizationId.Value, cancellationToken))?.Name ?? "";
        var described = await catalog.CreateAsync(LicenceCatalog.Draft(definition, issuerName), access, actor, cancellationToken);
        if (described.Value is not { } resource)
        {
            return described.Failure!;
        }

        var published = await catalog.PublishAsync(resource.Code.Value, access, actor, cancellationToken);
        if (published.Failure is { } refused)
        {
            return refused;
        }

        var created = await types.CreateAsync(organizationId.Value, definition, resource.Code.Value, actor, cancellationToken);
        if (created.Failure is not null)
        {
            await catalog.RetireAsync(resource.Code.Value, access, actor, cancellationToken);
        }

        return created;
    }

    // The catalog is changed on behalf of the issuing organization as its own data steward: the licence scope has
    // already decided who may manage the type, and the catalog still checks that the provider is that organization.
    private static CatalogAccess CatalogAccessFor(Guid organizationId) => new(organizationId, IsPlatformAdmin: false, IsDataSteward: true);

    public async Task<Outcome<LicenceType>> UpdateTypeAsync(Guid id, LicenceTypeRequest request, LicenceScope scope, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await types.FindAsync(id, scope.OrganizationId, cancellationToken);
        if (existing is null)
        {
            return Failure.NotFound("The licence type");
        }

        // The holder kind is part of what issued licences mean; it cannot change.
        var (definition, issues) = ReadDefinition(request with { HolderKind = existing.HolderKind.ToString() });
        if (request.Version is null)
        {
            issues = [.. issues, Issue.Plain("version", "is required (the version you read)")];
            definition = null;
        }

        if (definition is null)
        {
            return Failure.Invalid(issues);
        }

        if (existing.Version != request.Version)
        {
            return Failure.Conflict("The licence type was changed by someone else; reload it and try again.", "version", "is not the current version");
        }

        // The catalog entry follows the type: a changed schema becomes a new catalog version under the catalog's own
        // evolution rules (minor when additive, major when breaking — the licence type is the authority, so breaking
        // changes are allowed). A refusal leaves the licence type unchanged.
        if (existing.CatalogCode is { } code && existing.Status == LicenceTypeStatus.Active)
        {
            var access = CatalogAccessFor(existing.OrganizationId);
            if (await catalog.GetAsync(code, access, cancellationToken) is { Status: ResourceStatus.Published } resource)
            {
                var issuerName = (await catalog.OrganizationAsync(existing.OrganizationId, cancellationToken))?.Name ?? "";
                var changed = await catalog.UpdateAsync(code, LicenceCatalog.Draft(definition, issuerName, resource.Revision), access, actor, cancellationToken);
                if (changed.Failure is { } refused)
                {
                    return refused;
                }
            }
        }

        return await types.UpdateAsync(id, scope.OrganizationId, definition, request.Version!.Value, actor, cancellationToken);
    }

    /// <summary>Retires a type and its catalog entry (no new grants can be made on a retired resource).</summary>
    public async Task<Outcome<LicenceType>> RetireTypeAsync(Guid id, LicenceScope scope, Actor actor, CancellationToken cancellationToken)
    {
        var retired = await types.SetStatusAsync(id, scope.OrganizationId, LicenceTypeStatus.Retired, actor, cancellationToken);
        if (retired.Value is { CatalogCode: { } code } type)
        {
            var access = CatalogAccessFor(type.OrganizationId);
            if (await catalog.GetAsync(code, access, cancellationToken) is { Status: ResourceStatus.Published })
            {
                await catalog.RetireAsync(code, access, actor, cancellationToken);
            }
        }

        return retired;
    }

    /// <summary>The licence type registered in the catalog under a resource code (for the catalog's page), if any.</summary>
    public async Task<LicenceType?> FindTypeByCatalogCodeAsync(string catalogCode, CancellationToken cancellationToken) =>
        ResourceCode.TryParse(catalogCode, out var parsed) == ResourceCodeError.None ? await types.FindByCatalogCodeAsync(parsed.Value, cancellationToken) : null;

    public Task<LicenceType?> FindTypeAsync(Guid id, LicenceScope scope, CancellationToken cancellationToken) => types.FindAsync(id, scope.OrganizationId, cancellationToken);

    public async Task<LicenceType?> FindTypeByCodeAsync(string? code, LicenceScope scope, CancellationToken cancellationToken)
    {
        var type = string.IsNullOrWhiteSpace(code) ? null : await types.FindByCodeAsync(code.Trim().ToUpperInvariant(), cancellationToken);
        return type is not null && (scope.OrganizationId is null || scope.OrganizationId == type.OrganizationId) ? type : null;
    }

    public Task<IReadOnlyList<LicenceTypeListing>> ListTypesAsync(LicenceScope scope, LicenceTypeStatus? status, CancellationToken cancellationToken) =>
        types.ListAsync(scope.OrganizationId, status, cancellationToken);

    private static (LicenceTypeDefinition? Definition, IReadOnlyList<Issue> Issues) ReadDefinition(LicenceTypeRequest request)
    {
        var issues = new List<Issue>();
        var name = LicenceRules.NormalizeText(request.Name);
        if (!LicenceRules.TryParseHolderKind(request.HolderKind, out var holderKind))
        {
            issues.Add(string.IsNullOrWhiteSpace(request.HolderKind) ? LicenceIssues.Required("holderKind") : LicenceIssues.HolderKindUnknown(request.HolderKind));
        }

        var fields = new List<LicenceField>();
        var position = 0;
        foreach (var field in request.Fields ?? [])
        {
            position++;
            if (!LicenceRules.TryParseFieldType(field.Type, out var type))
            {
                issues.Add(LicenceIssues.FieldType(position, field.Type ?? ""));
                continue;
            }

            fields.Add(new LicenceField(LicenceRules.NormalizeText(field.Name), LicenceRules.NormalizeText(field.Label), type, field.Required));
        }

        var layout = request.Layout ?? new LicenceLayoutRequest(null, null, null);
        var orientation = LayoutOrientation.Portrait;
        var theme = LayoutTheme.Red;
        if (layout.Orientation is { Length: > 0 } o && (o.All(char.IsAsciiDigit) || !Enum.TryParse(o, true, out orientation)))
        {
            issues.Add(LicenceIssues.LayoutUnknown("layout.orientation", o));
        }

        if (layout.Theme is { Length: > 0 } t && (t.All(char.IsAsciiDigit) || !Enum.TryParse(t, true, out theme)))
        {
            issues.Add(LicenceIssues.LayoutUnknown("layout.theme", t));
        }

        var note = string.IsNullOrWhiteSpace(layout.Note) ? null : layout.Note.Trim();
        var definition = new LicenceTypeDefinition(name, holderKind, fields, new ValidityRule(request.ValidityYears), new LicenceLayout(orientation, theme, note));
        issues.AddRange(LicenceRules.CheckDefinition(definition));
        return issues.Count > 0 ? (null, issues) : (definition, issues);
    }

    // ----- issuance -----

    /// <summary>Issues one licence of a type of the caller's scope; <paramref name="baseUrl"/> is where its status lists are served.</summary>
    public async Task<Outcome<Licence>> IssueAsync(IssueLicenceRequest request, LicenceScope scope, string baseUrl, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = await FindTypeByCodeAsync(request.TypeCode, scope, cancellationToken);
        if (type is null)
        {
            return Failure.Invalid(string.IsNullOrWhiteSpace(request.TypeCode) ? LicenceIssues.Required("typeCode") : LicenceIssues.TypeNotFound());
        }

        var today = LicenceRules.BeijingDate(clock.GetUtcNow());
        var (content, issues) = LicenceRules.CheckContent(type, request.HolderName, request.HolderCode, request.Claims, request.LicenceNumber, request.ValidFrom, request.ValidUntil, today);
        if (content is null)
        {
            return Failure.Invalid(issues);
        }

        var outcome = await IssueManyAsync(type, scope, [content], baseUrl, actor, cancellationToken);
        return outcome.Value is { } issued ? issued[0] : outcome.Failure!;
    }

    /// <summary>Issues every row of a CSV file, all or nothing (see <see cref="LicenceCsv"/>).</summary>
    public async Task<BulkIssueOutcome> IssueBulkAsync(Guid typeId, ReadOnlyMemory<byte> file, string? charset, LicenceScope scope, string baseUrl, Actor actor, CancellationToken cancellationToken)
    {
        var type = await types.FindAsync(typeId, scope.OrganizationId, cancellationToken);
        if (type is null)
        {
            return new([], [], Failure.NotFound("The licence type"));
        }

        if (OrganizationCsv.Decode(file.Span, charset, out var text) is { } encodingIssue)
        {
            return new([], [new RowIssue(0, encodingIssue)], null);
        }

        var parse = LicenceCsv.Parse(type, text, LicenceRules.BeijingDate(clock.GetUtcNow()), options.Value.MaxBulkRows);
        if (!parse.IsValid)
        {
            return new([], parse.Issues, null);
        }

        var outcome = await IssueManyAsync(type, scope, parse.Licences, baseUrl, actor, cancellationToken);
        if (outcome.Value is { } issued)
        {
            LogBulkIssued(logger, issued.Count, type.Code);
        }

        return outcome.Value is { } list ? new(list, [], null) : new([], [], outcome.Failure);
    }

    private async Task<Outcome<IReadOnlyList<Licence>>> IssueManyAsync(LicenceType type, LicenceScope scope, IReadOnlyList<LicenceContent> contents, string baseUrl, Actor actor, CancellationToken cancellationToken)
    {
        using var keys = await keyring.KeysForAsync(type.OrganizationId, cancellationToken);
        if (keys is null)
        {
            return new Failure(FailureKind.Conflict, "This node cannot issue licences: it has no key-encryption key.", [LicenceIssues.IssuingDisabled()]);
        }

        var now = clock.GetUtcNow();
        var issueDate = LicenceRules.BeijingDate(now);
        var outcome = await licences.IssueAsync(type.Id, scope.OrganizationId, contents, issueDate, (reservation, content) => Sign(type, keys, reservation, content, issueDate, baseUrl, now), actor, cancellationToken);
        if (outcome.Value is { } issued)
        {
            foreach (var licence in issued)
            {
                LogIssued(logger, licence.Id, type.Code);
            }
        }

        return outcome;
    }

    /// <summary>Builds and signs a licence's credential: ecdsa-jcs-2019, the optional SM2 proof, and the vc+jwt.</summary>
    private SignedLicence Sign(LicenceType type, IssuerSigningKeys keys, LicenceReservation reservation, LicenceContent content, DateOnly issueDate, string baseUrl, DateTimeOffset now)
    {
        var nationalId = new LicenceIdentifier(type.Code, reservation.IssuerCode, reservation.Serial, 1).ToString();
        var number = content.LicenceNumber ?? $"{issueDate.Year.ToString(CultureInfo.InvariantCulture)}{reservation.Serial.ToString("D8", CultureInfo.InvariantCulture)}";
        var unsigned = LicenceCredential.Build(new LicenceCredentialContent(
            reservation.Id, keys.Did, reservation.IssuerName, reservation.IssuerCode, type.Name, type.Code, nationalId, number,
            content.HolderKind, content.HolderName, content.HolderCode, content.Claims, issueDate, content.ValidityStart, content.ValidityEnd,
            [
                new StatusEntry(StatusPurpose.Revocation, NodeAddress.StatusListUrl(baseUrl, reservation.Revocation.ListId), reservation.Revocation.Index),
                new StatusEntry(StatusPurpose.Suspension, NodeAddress.StatusListUrl(baseUrl, reservation.Suspension.ListId), reservation.Suspension.Index),
            ]));
        var signed = DataIntegrity.AddProof(unsigned, new ProofOptions(keys.VerificationMethod, now), EcdsaJcs2019.Instance, hash => EcdsaJcs2019.Sign(keys.P256, hash));
        if (options.Value.NationalSignature && keys.Sm2Private is not null && keys.Sm2Public is not null)
        {
            signed = DataIntegrity.AddProof(signed, new ProofOptions(keys.Sm2Public.VerificationMethod, now), new Sm2Jcs(national), hash => national.Sm2Sign(keys.Sm2Private, hash));
        }

        var jwt = VcJwt.Sign(unsigned, keys.VerificationMethod, keys.P256);
        return new SignedLicence(nationalId, number, keys.Did, signed.ToJsonString(CredentialJsonText.Indented), jwt, SHA256.HashData(Jcs.Canonicalize(unsigned)));
    }

    // ----- status -----

    public Task<Outcome<Licence>> RevokeAsync(Guid id, string? reason, LicenceScope scope, Actor actor, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, LicenceStatus.Revoked, reason, requireReason: true, scope, actor, cancellationToken);

    public Task<Outcome<Licence>> SuspendAsync(Guid id, string? reason, LicenceScope scope, Actor actor, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, LicenceStatus.Suspended, reason, requireReason: true, scope, actor, cancellationToken);

    public Task<Outcome<Licence>> ReinstateAsync(Guid id, string? reason, LicenceScope scope, Actor actor, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, LicenceStatus.Active, reason, requireReason: false, scope, actor, cancellationToken);

    private async Task<Outcome<Licence>> ChangeStatusAsync(Guid id, LicenceStatus status, string? reason, bool requireReason, LicenceScope scope, Actor actor, CancellationToken cancellationToken)
    {
        var text = LicenceRules.NormalizeText(reason);
        if (requireReason && text.Length == 0)
        {
            return Failure.Invalid(LicenceIssues.ReasonRequired());
        }

        if (text.Length > 500)
        {
            return Failure.Invalid(LicenceIssues.TooLong("reason", 500));
        }

        var outcome = await licences.ChangeStatusAsync(id, scope.OrganizationId, status, text.Length == 0 ? null : text, actor, cancellationToken);
        if (outcome.Value is { } licence)
        {
            LogStatusChanged(logger, licence.Id, status);
        }

        return outcome;
    }

    // ----- reading -----

    public Task<Licence?> FindAsync(Guid id, LicenceScope scope, CancellationToken cancellationToken) => licences.FindAsync(id, scope.OrganizationId, cancellationToken);

    public Task<IReadOnlyList<Licence>> ListAsync(LicenceQuery query, CancellationToken cancellationToken) => licences.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<Licence>> ListForHolderAsync(string holderCode, CancellationToken cancellationToken) => licences.ListByHolderAsync(holderCode, cancellationToken);

    public Task<IReadOnlyDictionary<LicenceStatus, int>> CountByStatusAsync(LicenceScope scope, CancellationToken cancellationToken) =>
        licences.CountByStatusAsync(scope.OrganizationId, cancellationToken);

    [LoggerMessage(EventId = 2610, Level = LogLevel.Information, Message = "Issued licence {LicenceId} of type {TypeCode}")]
    private static partial void LogIssued(ILogger logger, Guid licenceId, string typeCode);

    [LoggerMessage(EventId = 2611, Level = LogLevel.Information, Message = "Bulk issuance of {Count} licences of type {TypeCode} committed")]
    private static partial void LogBulkIssued(ILogger logger, int count, string typeCode);

    [LoggerMessage(EventId = 2612, Level = LogLevel.Information, Message = "Licence {LicenceId} is now {Status}")]
    private static partial void LogStatusChanged(ILogger logger, Guid licenceId, LicenceStatus status);
}

/// <summary>How credentials are written out: indented, Chinese text as is.</summary>
public static class CredentialJsonText
{
    public static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject Parse(string json) => JsonNode.Parse(json, documentOptions: Jcs.ParseOptions)!.AsObject();
}
