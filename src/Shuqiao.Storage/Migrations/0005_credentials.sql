-- Credentials (电子证照): licence types, issued licences as W3C verifiable credentials, the issuers' signing keys,
-- Bitstring Status Lists, the trust list of other nodes' issuers, verification records and portal holder links.
-- See docs/credentials.md.

-- Signing keys of issuing organizations: one active P-256 key (ecdsa-jcs-2019, ES256; its did:key is the issuer's
-- DID) and one active SM2 key (the optional 国密 proof) per organization. Retired keys stay, so credentials they
-- signed keep verifying. Private keys are AES-256-GCM encrypted under the node's key-encryption key.
create table credential_issuer_keys (
    id               uuid primary key,
    organization_id  uuid not null references organizations (id),
    algorithm        text not null check (algorithm in ('P256', 'Sm2')),
    public_key       bytea not null check (length(public_key) = 33),   -- compressed point
    private_key      bytea not null,                                   -- nonce(12) ‖ ciphertext ‖ tag(16)
    kek_id           text not null,                                    -- which key-encryption key sealed it
    did              text not null,                                    -- did:key of the public key
    status           text not null default 'Active' check (status in ('Active', 'Retired')),
    created_at       timestamptz not null,
    retired_at       timestamptz,
    constraint credential_issuer_keys_did_key unique (did)
);
create unique index credential_issuer_keys_active_idx on credential_issuer_keys (organization_id, algorithm) where status = 'Active';

-- Licence types (证照类型). code = the organization's 统一社会信用代码 + a three-digit sequence (证照类型代码).
create table licence_types (
    id               uuid primary key,
    organization_id  uuid not null references organizations (id),
    code             char(21) not null,
    sequence         integer not null check (sequence between 1 and 999),
    name             text not null check (length(name) between 1 and 50),
    holder_kind      text not null check (holder_kind in ('Citizen', 'Organization')),
    fields           jsonb not null,
    validity_years   integer check (validity_years between 1 and 100),   -- null: 长期
    layout           jsonb not null,
    status           text not null default 'Active' check (status in ('Active', 'Retired')),
    next_serial      bigint not null default 1,                          -- 流水号 of the next licence
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    version          integer not null default 1,
    constraint licence_types_code_key unique (code),
    constraint licence_types_sequence_key unique (organization_id, sequence)
);
create unique index licence_types_name_idx on licence_types (organization_id, lower(name)) where status = 'Active';

-- Bitstring Status Lists (W3C v1.0), one purpose each, per issuing organization. Bits are not stored: a list is
-- built from the licences that point into it, so revoking a licence and serving the list can never disagree.
create table credential_status_lists (
    id               uuid primary key,                -- the last segment of /credentials/status/{id}
    organization_id  uuid not null references organizations (id),
    purpose          text not null check (purpose in ('revocation', 'suspension')),
    length           integer not null check (length >= 131072 and length % 8 = 0),
    allocated        integer not null default 0,
    created_at       timestamptz not null
);
create index credential_status_lists_open_idx on credential_status_lists (organization_id, purpose, created_at desc);

-- Issued licences (电子证照), with the credential exactly as signed.
create table licences (
    id                  uuid primary key,
    type_id             uuid not null references licence_types (id),
    organization_id     uuid not null references organizations (id),
    serial              bigint not null,
    version             integer not null default 1,
    national_id         text not null,                 -- GB/T 36904 证照标识
    licence_number      text not null,                 -- 证照编号
    holder_kind         text not null check (holder_kind in ('Citizen', 'Organization')),
    holder_name         text not null,
    holder_code         text not null,                 -- 公民身份号码 or 统一社会信用代码
    claims              jsonb not null,                -- [{name,label,type,value}] in the type's field order
    issue_date          date not null,
    validity_start      date not null,
    validity_end        date,                          -- null: 长期
    issued_at           timestamptz not null,
    issued_by           text not null,                 -- the actor's name (user login or API key id)
    issuer_did          text not null,
    status              text not null default 'Active' check (status in ('Active', 'Suspended', 'Revoked')),
    status_reason       text,
    status_changed_at   timestamptz,
    credential          text not null,                 -- JSON with Data Integrity proofs
    credential_jwt      text not null,                 -- the same credential as vc+jwt
    content_hash        bytea not null,                -- SHA-256 of JCS(credential without proof)
    revocation_list_id  uuid not null references credential_status_lists (id),
    revocation_index    integer not null,
    suspension_list_id  uuid not null references credential_status_lists (id),
    suspension_index    integer not null,
    constraint licences_national_id_key unique (national_id),
    constraint licences_serial_key unique (type_id, serial),
    constraint licences_number_key unique (type_id, licence_number),
    constraint licences_revocation_slot_key unique (revocation_list_id, revocation_index),
    constraint licences_suspension_slot_key unique (suspension_list_id, suspension_index)
);
create index licences_holder_idx on licences (holder_code, issued_at desc);
create index licences_organization_idx on licences (organization_id, id);
create index licences_type_idx on licences (type_id, id);

-- Issuers of other nodes whose licences this node accepts (跨省互认), kept by the data authority.
create table credential_trust_list (
    id               uuid primary key,
    did              text not null,
    name             text not null check (length(name) between 1 and 100),
    node             text,                           -- the node it belongs to, as people call it
    p256_key         text,                           -- multikey, for a did:web issuer (a did:key carries its own)
    sm2_key          text,                           -- multikey of its SM2 key, if it adds 国密 proofs
    status_origin    text,                           -- scheme://host[:port] its status lists are fetched from
    status           text not null default 'Active' check (status in ('Active', 'Removed')),
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    version          integer not null default 1
);
create unique index credential_trust_list_did_idx on credential_trust_list (did) where status = 'Active';

-- Who verified a licence of this node, when, how and with what result (the holder sees these in the portal).
-- Append-only like the other audit tables; no foreign key, so licences and these records can be partitioned apart.
create table licence_verifications (
    licence_id               uuid not null,
    time                     timestamptz not null,
    id                       uuid not null,
    channel                  text not null check (channel in ('api', 'page', 'presentation')),
    verifier_kind            text not null check (verifier_kind in ('Anonymous', 'User', 'ApiClient')),
    verifier_name            text,
    verifier_organization    text,
    verified                 boolean not null,
    failure_code             text,
    primary key (licence_id, time, id)
);

create function licence_verifications_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'licence_verifications is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger licence_verifications_no_update before update or delete or truncate on licence_verifications
    for each statement execute function licence_verifications_append_only();

-- A portal (Citizen) user and the holder code whose licences they see: linked by an administrator after checking
-- the person's identity (or, for a company, its authorization), see docs/credentials.md.
create table licence_holder_links (
    user_id       uuid primary key references users (id),
    holder_kind   text not null check (holder_kind in ('Citizen', 'Organization')),
    holder_code   text not null,
    linked_at     timestamptz not null,
    linked_by     text not null
);
create index licence_holder_links_code_idx on licence_holder_links (holder_code);
