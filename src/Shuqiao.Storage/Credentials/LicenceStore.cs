using System.Security.Cryptography;
using Dapper;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Common;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Audit;

namespace Shuqiao.Storage.Credentials;

/// <summary>A place in a status list reserved for one licence.</summary>
public sealed record StatusSlot(Guid ListId, int Index);

/// <summary>What a licence gets before it is signed: its id, 流水号 and its places in the two status lists.</summary>
public sealed record LicenceReservation(Guid Id, long Serial, StatusSlot Revocation, StatusSlot Suspension, string IssuerName, string IssuerCode);

/// <summary>The signed credential of a licence, as the issuer made it from a reservation.</summary>
public sealed record SignedLicence(string NationalId, string LicenceNumber, string IssuerDid, string CredentialJson, string CredentialJwt, byte[] ContentHash);

/// <summary>The audit snapshot of a licence: identifiers and status, never the holder's code or the claims.</summary>
public sealed record LicenceSnapshot(Guid Id, string TypeCode, string NationalId, string LicenceNumber, string HolderKind, string Status, string? StatusReason)
{
    public static LicenceSnapshot Of(Licence l) => new(l.Id, l.TypeCode, l.NationalId, l.LicenceNumber, l.HolderKind.ToString(), l.Status.ToString(), l.StatusReason);
}

/// <summary>Filters of the licence list; every one optional.</summary>
public sealed record LicenceQuery(Guid? Scope, Guid? TypeId = null, LicenceStatus? Status = null, string? HolderCode = null, string? Search = null, Guid? After = null, int Limit = 50);

/// <summary>A status list and the bits set in it now.</summary>
public sealed record StatusListState(Guid Id, Guid OrganizationId, StatusPurpose Purpose, int Length, IReadOnlyList<int> SetIndexes);

/// <summary>
/// Issued licences (电子证照) and their status lists. Issuing reserves the 流水号 and two random status-list places in
/// the same transaction that stores the signed credential, so a licence never exists without its places, and a
/// batch is all-or-nothing.
/// </summary>
public sealed class LicenceStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>A list takes new licences until half full, so indexes stay random and a list keeps its herd privacy.</summary>
    public const double FillLimit = 0.5;

    private const string Columns = """
        l.id, l.type_id, t.code as type_code, t.name as type_name, l.organization_id, o.name as issuer_name, o.code as issuer_code,
        l.issuer_did, l.serial, l.version, l.national_id, l.licence_number, l.holder_kind, l.holder_name, l.holder_code,
        l.claims::text as claims, l.issue_date::text as issue_date, l.validity_start::text as validity_start,
        l.validity_end::text as validity_end, l.issued_at, l.status, l.status_reason, l.status_changed_at,
        l.credential, l.credential_jwt
        """;

    private const string From = "from licences l join licence_types t on t.id = l.type_id join organizations o on o.id = l.organization_id";

    private const string SelectById = $"select {Columns} {From} where l.id = @Id and (@Scope::uuid is null or l.organization_id = @Scope)";

    private const string SelectPage = $"""
        select {Columns} {From}
        where (@Scope::uuid is null or l.organization_id = @Scope)
          and (@TypeId::uuid is null or l.type_id = @TypeId)
          and (@Status::text is null or l.status = @Status)
          and (@HolderCode::text is null or l.holder_code = @HolderCode)
          and (@Search::text is null or l.holder_name ilike @Search or l.licence_number ilike @Search or l.national_id ilike @Search)
          and (@Before::uuid is null or l.id < @Before)
        order by l.id desc
        limit @Limit
        """;

    private const string SelectByHolder = $"select {Columns} {From} where l.holder_code = @HolderCode order by l.issued_at desc limit 200";

    private const string SelectCredentialById = "select credential from licences where id = @Id";

    private const string SelectTypeForIssue = """
        select t.id, t.organization_id, t.status, t.next_serial, o.name as issuer_name, o.code as issuer_code, o.status as organization_status
        from licence_types t join organizations o on o.id = t.organization_id
        where t.id = @Id for update of t
        """;

    private const string AdvanceSerial = "update licence_types set next_serial = next_serial + @Count where id = @Id";

    private const string NumbersTaken = "select licence_number from licences where type_id = @TypeId and licence_number = any(@Numbers)";

    private const string SelectOpenList = """
        select id, length, allocated from credential_status_lists
        where organization_id = @OrganizationId and purpose = @Purpose
        order by created_at desc, id desc limit 1
        for update
        """;

    private const string InsertList = """
        insert into credential_status_lists (id, organization_id, purpose, length, allocated, created_at)
        values (@Id, @OrganizationId, @Purpose, @Length, 0, @Now)
        """;

    private const string AddAllocated = "update credential_status_lists set allocated = allocated + @Count where id = @Id";

    private const string SelectUsedRevocation = "select revocation_index from licences where revocation_list_id = @Id";

    private const string SelectUsedSuspension = "select suspension_index from licences where suspension_list_id = @Id";

    private const string Insert = """
        insert into licences (id, type_id, organization_id, serial, version, national_id, licence_number, holder_kind, holder_name,
                              holder_code, claims, issue_date, validity_start, validity_end, issued_at, issued_by, issuer_did,
                              status, credential, credential_jwt, content_hash, revocation_list_id, revocation_index,
                              suspension_list_id, suspension_index)
        values (@Id, @TypeId, @OrganizationId, @Serial, 1, @NationalId, @LicenceNumber, @HolderKind, @HolderName,
                @HolderCode, @Claims::jsonb, @IssueDate::date, @ValidityStart::date, @ValidityEnd::date, @Now, @IssuedBy, @IssuerDid,
                'Active', @Credential, @CredentialJwt, @ContentHash, @RevocationListId, @RevocationIndex,
                @SuspensionListId, @SuspensionIndex)
        """;

    private const string UpdateStatus = """
        update licences set status = @Status, status_reason = @Reason, status_changed_at = @Now where id = @Id
        """;

    private const string SelectList = "select id, organization_id, purpose, length from credential_status_lists where id = @Id";

    private const string SelectRevoked = "select revocation_index from licences where revocation_list_id = @Id and status = 'Revoked'";

    private const string SelectSuspended = "select suspension_index from licences where suspension_list_id = @Id and status = 'Suspended'";

    private const string CountsByStatus = """
        select status, count(*)::int as count from licences where (@Scope::uuid is null or organization_id = @Scope) group by status
        """;

    public async Task<Licence?> FindAsync(Guid id, Guid? scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { Id = id, Scope = scope }, cancellationToken: cancellationToken));
        return row?.ToLicence();
    }

    /// <summary>Newest first, before the <see cref="LicenceQuery.After"/> id (ids are UUIDv7, so this is issue order).</summary>
    public async Task<IReadOnlyList<Licence>> ListAsync(LicenceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectPage, new
        {
            query.Scope,
            query.TypeId,
            Status = query.Status?.ToString(),
            query.HolderCode,
            Search = string.IsNullOrWhiteSpace(query.Search) ? null : "%" + query.Search.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%",
            Before = query.After,
            Limit = Math.Clamp(query.Limit, 1, 501),
        }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToLicence()).ToList();
    }

    public async Task<IReadOnlyList<Licence>> ListByHolderAsync(string holderCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectByHolder, new { HolderCode = holderCode }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToLicence()).ToList();
    }

    /// <summary>The credential JSON of a licence this node issued, by licence id.</summary>
    public async Task<string?> FindCredentialAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectCredentialById, new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<LicenceStatus, int>> CountByStatusAsync(Guid? scope, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, int Count)>(new CommandDefinition(CountsByStatus, new { Scope = scope }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => Enum.Parse<LicenceStatus>(r.Status), r => r.Count);
    }

    /// <summary>
    /// Issues licences of one type in one transaction: reserves 流水号 and status-list places, lets
    /// <paramref name="sign"/> make each credential, stores them, and writes one audit event per licence. Any
    /// problem (a retired type, a licence number already used) writes nothing.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<Licence>>> IssueAsync(
        Guid typeId,
        Guid? scope,
        IReadOnlyList<LicenceContent> contents,
        DateOnly issueDate,
        Func<LicenceReservation, LicenceContent, SignedLicence> sign,
        Actor actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(sign);
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var type = await connection.QuerySingleOrDefaultAsync<TypeRow>(new CommandDefinition(SelectTypeForIssue, new { Id = typeId }, transaction, cancellationToken: cancellationToken));
        if (type is null || (scope is { } s && type.OrganizationId != s))
        {
            return Failure.NotFound("The licence type");
        }

        if (type.Status != nameof(LicenceTypeStatus.Active) || type.OrganizationStatus != "Active")
        {
            return Failure.Invalid(LicenceIssues.TypeRetired());
        }

        var given = contents.Where(c => c.LicenceNumber is not null).Select(c => c.LicenceNumber!).ToArray();
        var repeated = given.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        var taken = repeated ?? (await connection.QueryAsync<string>(new CommandDefinition(NumbersTaken, new { TypeId = typeId, Numbers = given }, transaction, cancellationToken: cancellationToken))).FirstOrDefault();
        if (taken is not null)
        {
            return Failure.Conflict("A licence number is already used for this type.", LicenceIssues.LicenceNumberTaken(taken));
        }

        var revocation = await AllocateAsync(connection, transaction, type.OrganizationId, StatusPurpose.Revocation, contents.Count, now, cancellationToken);
        var suspension = await AllocateAsync(connection, transaction, type.OrganizationId, StatusPurpose.Suspension, contents.Count, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AdvanceSerial, new { Id = typeId, contents.Count }, transaction, cancellationToken: cancellationToken));

        var ids = new List<Guid>(contents.Count);
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            var reservation = new LicenceReservation(Guid.CreateVersion7(now), type.NextSerial + i, revocation[i], suspension[i], type.IssuerName, type.IssuerCode.Trim());
            var signed = sign(reservation, content);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(Insert, new
                {
                    reservation.Id,
                    TypeId = typeId,
                    type.OrganizationId,
                    reservation.Serial,
                    signed.NationalId,
                    signed.LicenceNumber,
                    HolderKind = content.HolderKind.ToString(),
                    content.HolderName,
                    content.HolderCode,
                    Claims = CredentialJson.Serialize(content.Claims),
                    IssueDate = CredentialJson.Date(issueDate),
                    ValidityStart = CredentialJson.Date(content.ValidityStart),
                    ValidityEnd = content.ValidityEnd is { } end ? CredentialJson.Date(end) : null,
                    Now = now,
                    IssuedBy = actor.Name,
                    signed.IssuerDid,
                    Credential = signed.CredentialJson,
                    CredentialJwt = signed.CredentialJwt,
                    signed.ContentHash,
                    RevocationListId = reservation.Revocation.ListId,
                    RevocationIndex = reservation.Revocation.Index,
                    SuspensionListId = reservation.Suspension.ListId,
                    SuspensionIndex = reservation.Suspension.Index,
                }, transaction, cancellationToken: cancellationToken));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "licences_number_key")
            {
                // Another issuer took the number between the check above and this insert.
                await transaction.RollbackAsync(cancellationToken);
                return Failure.Conflict("A licence number is already used for this type.", LicenceIssues.LicenceNumberTaken(signed.LicenceNumber));
            }

            ids.Add(reservation.Id);
        }

        var issued = new List<Licence>(ids.Count);
        foreach (var id in ids)
        {
            var licence = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id, Scope = (Guid?)null }, transaction, cancellationToken: cancellationToken))).ToLicence();
            issued.Add(licence);
            await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licence.issue", "Licence", id.ToString(), licence.TypeName, null, LicenceSnapshot.Of(licence)), now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return issued;
    }

    /// <summary>
    /// Revokes (final), suspends or reinstates a licence. The status lists are built from these rows, so the change
    /// is in the next list any verifier fetches.
    /// </summary>
    public async Task<Outcome<Licence>> ChangeStatusAsync(Guid id, Guid? scope, LicenceStatus status, string? reason, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById + " for update of l", new { Id = id, Scope = scope }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return Failure.NotFound("The licence");
        }

        var before = row.ToLicence();
        var (allowed, action) = (before.Status, status) switch
        {
            (LicenceStatus.Active or LicenceStatus.Suspended, LicenceStatus.Revoked) => (true, "revoke"),
            (LicenceStatus.Active, LicenceStatus.Suspended) => (true, "suspend"),
            (LicenceStatus.Suspended, LicenceStatus.Active) => (true, "reinstate"),
            (_, LicenceStatus.Revoked) => (false, "revoked"),
            (_, LicenceStatus.Suspended) => (false, "suspended"),
            _ => (false, "reinstated"),
        };
        if (!allowed)
        {
            return Failure.Conflict("The licence's status does not allow this.", LicenceIssues.StatusTransition(before.Status, action));
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateStatus, new { Id = id, Status = status.ToString(), Reason = reason, Now = now }, transaction, cancellationToken: cancellationToken));
        var after = (await connection.QuerySingleAsync<Row>(new CommandDefinition(SelectById, new { Id = id, Scope = (Guid?)null }, transaction, cancellationToken: cancellationToken))).ToLicence();
        await AdminAuditWriter.AppendAsync(connection, transaction, actor, new AdminChange("licence." + action, "Licence", id.ToString(), after.TypeName, LicenceSnapshot.Of(before), LicenceSnapshot.Of(after)), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>A status list and the indexes set in it (revoked or suspended licences, by the list's purpose).</summary>
    public async Task<StatusListState?> FindStatusListAsync(Guid listId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var list = await connection.QuerySingleOrDefaultAsync<ListRow>(new CommandDefinition(SelectList, new { Id = listId }, cancellationToken: cancellationToken));
        if (list is null)
        {
            return null;
        }

        var purpose = list.Purpose == "revocation" ? StatusPurpose.Revocation : StatusPurpose.Suspension;
        var set = await connection.QueryAsync<int>(new CommandDefinition(purpose == StatusPurpose.Revocation ? SelectRevoked : SelectSuspended, new { Id = listId }, cancellationToken: cancellationToken));
        return new StatusListState(list.Id, list.OrganizationId, purpose, list.Length, set.ToList());
    }

    private static async Task<List<StatusSlot>> AllocateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid organizationId, StatusPurpose purpose, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = StatusEntry.PurposeName(purpose);
        var open = await connection.QuerySingleOrDefaultAsync<ListRow>(new CommandDefinition(SelectOpenList, new { OrganizationId = organizationId, Purpose = name }, transaction, cancellationToken: cancellationToken));
        if (open is null || open.Allocated + count > open.Length * FillLimit)
        {
            var length = BitstringStatusList.MinimumBits;
            while (count > length * FillLimit)
            {
                length *= 2;
            }

            open = new ListRow { Id = Guid.CreateVersion7(now), OrganizationId = organizationId, Purpose = name, Length = length, Allocated = 0 };
            await connection.ExecuteAsync(new CommandDefinition(InsertList, new { open.Id, OrganizationId = organizationId, Purpose = name, Length = length, Now = now }, transaction, cancellationToken: cancellationToken));
        }

        var used = new HashSet<int>(await connection.QueryAsync<int>(new CommandDefinition(
            purpose == StatusPurpose.Revocation ? SelectUsedRevocation : SelectUsedSuspension, new { open.Id }, transaction, cancellationToken: cancellationToken)));
        var slots = new List<StatusSlot>(count);
        while (slots.Count < count)
        {
            // Uniformly random places (herd privacy): neighbouring indexes say nothing about issue order or issuer.
            var index = RandomNumberGenerator.GetInt32(open.Length);
            if (used.Add(index))
            {
                slots.Add(new StatusSlot(open.Id, index));
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(AddAllocated, new { open.Id, Count = count }, transaction, cancellationToken: cancellationToken));
        return slots;
    }

    private sealed class TypeRow
    {
        public Guid Id { get; init; }
        public Guid OrganizationId { get; init; }
        public string Status { get; init; } = "";
        public long NextSerial { get; init; }
        public string IssuerName { get; init; } = "";
        public string IssuerCode { get; init; } = "";
        public string OrganizationStatus { get; init; } = "";
    }

    private sealed class ListRow
    {
        public Guid Id { get; init; }
        public Guid OrganizationId { get; init; }
        public string Purpose { get; init; } = "";
        public int Length { get; init; }
        public int Allocated { get; init; }
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid TypeId { get; init; }
        public string TypeCode { get; init; } = "";
        public string TypeName { get; init; } = "";
        public Guid OrganizationId { get; init; }
        public string IssuerName { get; init; } = "";
        public string IssuerCode { get; init; } = "";
        public string IssuerDid { get; init; } = "";
        public long Serial { get; init; }
        public int Version { get; init; }
        public string NationalId { get; init; } = "";
        public string LicenceNumber { get; init; } = "";
        public string HolderKind { get; init; } = "";
        public string HolderName { get; init; } = "";
        public string HolderCode { get; init; } = "";
        public string Claims { get; init; } = "[]";
        public string IssueDate { get; init; } = "";
        public string ValidityStart { get; init; } = "";
        public string? ValidityEnd { get; init; }
        public DateTimeOffset IssuedAt { get; init; }
        public string Status { get; init; } = "";
        public string? StatusReason { get; init; }
        public DateTimeOffset? StatusChangedAt { get; init; }
        public string Credential { get; init; } = "";
        public string CredentialJwt { get; init; } = "";

        public Licence ToLicence() => new(
            Id, TypeId, TypeCode.Trim(), TypeName, OrganizationId, IssuerName, IssuerCode.Trim(), IssuerDid, Serial, Version, NationalId, LicenceNumber,
            Enum.Parse<HolderKind>(HolderKind), HolderName, HolderCode, CredentialJson.Deserialize<List<LicenceClaim>>(Claims),
            CredentialJson.ParseDate(IssueDate), CredentialJson.ParseDate(ValidityStart), ValidityEnd is null ? null : CredentialJson.ParseDate(ValidityEnd),
            IssuedAt, Enum.Parse<LicenceStatus>(Status), StatusReason, StatusChangedAt, Credential, CredentialJwt);
    }
}
